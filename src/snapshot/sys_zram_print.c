#include "core/json_out.h"
#include "snapshot/sys_zram_print.h"
#include <string.h>

static void add(struct json_object *j, const char *key, int64_t v)
{
	if (v == ZRAM_NONE)
		json_object_object_add(j, key, NULL);
	else
		json_add_int(j, key, v);
}

/* original / compressed, and original / memory used (what the RAM really holds) */
static double ratio(int64_t a, int64_t b)
{
	return a > 0 && b > 0 ? (double)a / (double)b : 0;
}

void sys_zram_print(const struct sys_zram *z, bool json, bool final, FILE *out)
{
	if (z->err || (!z->ndevs && !json)) {
		if (!json)
			fprintf(out, "\nzram: not available (%s)\n",
				z->err ? strerror(-z->err) : "no /sys/block/zram* device");
		return;
	}
	if (!json)
		fprintf(out, "\nzram devices (mm_stat, kB)  algorithm     disksize     original   compressed"
			"     mem used  ratio  same pages\n");
	for (int i = 0; i < z->ndevs; i++) {
		const struct zram_dev *d = &z->devs[i];
		if (json) {
			struct json_object *j = json_record("sys_zram");
			json_add_bool(j, "final", final);
			json_add_str(j, "device", d->name);
			json_add_bool(j, "initialized", d->initialized);
			json_add_str(j, "algorithm", d->algorithm[0] ? d->algorithm : NULL);
			add(j, "disksize_bytes", d->disksize);
			add(j, "orig_data_size", d->orig_data_size);
			add(j, "compr_data_size", d->compr_data_size);
			add(j, "mem_used_total", d->mem_used_total);
			add(j, "mem_limit", d->mem_limit);
			add(j, "mem_used_max", d->mem_used_max);
			add(j, "same_pages", d->same_pages);
			add(j, "pages_compacted", d->pages_compacted);
			add(j, "huge_pages", d->huge_pages);
			double r = ratio(d->orig_data_size, d->compr_data_size);
			if (r > 0)
				json_add_double(j, "compression_ratio", r);
			else
				json_object_object_add(j, "compression_ratio", NULL);
			r = ratio(d->orig_data_size, d->mem_used_total);
			if (r > 0)
				json_add_double(j, "memory_ratio", r);
			else
				json_object_object_add(j, "memory_ratio", NULL);
			json_emit(j, out);
			continue;
		}
		if (!d->initialized) {
			fprintf(out, "  %-26s not set up (no disksize)\n", d->name);
			continue;
		}
		fprintf(out, "  %-26s %-9s %12lld %12lld %12lld %12lld %6.2f %11lld\n", d->name,
			d->algorithm, (long long)(d->disksize / 1024), (long long)(d->orig_data_size / 1024),
			(long long)(d->compr_data_size / 1024), (long long)(d->mem_used_total / 1024),
			ratio(d->orig_data_size, d->compr_data_size), (long long)d->same_pages);
	}
}
