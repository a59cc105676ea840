#include "core/json_out.h"
#include "snapshot/sys_knobs_print.h"
#include "snapshot/sys_ksm_print.h"
#include "snapshot/sys_zram_print.h"
#include "snapshot/sys_print.h"
#include <errno.h>
#include <stddef.h>
#include <string.h>

static struct json_object *row_record(const char *type, const struct sys_print *pp)
{
	struct json_object *j = json_record(type);
	json_add_bool(j, "final", pp->final);
	return j;
}

static void print_memory(const struct meminfo *m, const struct sys_print *pp, FILE *out)
{
	uint64_t used = m->mem_total > m->mem_available ? m->mem_total - m->mem_available : 0;
	uint64_t cache = m->buffers + m->cached + m->sreclaimable;
	uint64_t swap_used = m->swap_total > m->swap_free ? m->swap_total - m->swap_free : 0;
	if (pp->json) {
		struct json_object *j = row_record("sys_memory", pp);
		json_add_u64(j, "total_kb", m->mem_total);
		json_add_u64(j, "used_kb", used);
		json_add_u64(j, "free_kb", m->mem_free);
		json_add_u64(j, "shared_kb", m->shmem);
		json_add_u64(j, "buff_cache_kb", cache);
		json_add_u64(j, "available_kb", m->mem_available);
		json_add_u64(j, "buffers_kb", m->buffers);
		json_add_u64(j, "cached_kb", m->cached);
		json_add_u64(j, "sreclaimable_kb", m->sreclaimable);
		json_add_u64(j, "slab_kb", m->slab);
		json_add_u64(j, "swap_total_kb", m->swap_total);
		json_add_u64(j, "swap_used_kb", swap_used);
		json_add_u64(j, "swap_free_kb", m->swap_free);
		json_emit(j, out);
		return;
	}
	fprintf(out, "memory (kB)       total        used        free      shared  buff/cache   available\n");
	fprintf(out, "Mem:      %12llu%12llu%12llu%12llu%12llu%12llu\n", (unsigned long long)m->mem_total,
		(unsigned long long)used, (unsigned long long)m->mem_free, (unsigned long long)m->shmem,
		(unsigned long long)cache, (unsigned long long)m->mem_available);
	fprintf(out, "Swap:     %12llu%12llu%12llu\n", (unsigned long long)m->swap_total,
		(unsigned long long)swap_used, (unsigned long long)m->swap_free);
}

static void print_activity(const struct vmstat *a, const struct vmstat *b, double secs,
			   const struct sys_print *pp, FILE *out)
{
	static const struct {
		const char *name;
		size_t offset;
	} counters[] = {
#define C(f) { #f, offsetof(struct vmstat, f) }
		C(pgfault), C(pgmajfault), C(pswpin), C(pswpout), C(pgscan_kswapd), C(pgscan_direct),
		C(pgsteal_kswapd), C(pgsteal_direct), C(allocstall), C(compact_stall), C(oom_kill),
#undef C
	};
	enum { N = sizeof(counters) / sizeof(counters[0]) };
	uint64_t d[N];
	for (size_t i = 0; i < N; i++) {
		uint64_t x = *(const uint64_t *)((const char *)a + counters[i].offset);
		uint64_t y = *(const uint64_t *)((const char *)b + counters[i].offset);
		d[i] = y >= x ? y - x : 0;
	}
	if (pp->json) {
		struct json_object *j = row_record("sys_activity", pp);
		json_add_double(j, "interval_s", secs);
		char key[48];
		for (size_t i = 0; i < N; i++) {
			json_add_u64(j, counters[i].name, d[i]);
			snprintf(key, sizeof(key), "%s_per_s", counters[i].name);
			json_add_double(j, key, secs > 0 ? (double)d[i] / secs : 0);
		}
		json_emit(j, out);
		return;
	}
	fprintf(out, "\nactivity over %.1f s (per second)\n", secs);
	fprintf(out, "  faults %10.1f   major %8.1f   swap-in %8.1f   swap-out %8.1f pages\n",
		d[0] / secs, d[1] / secs, d[2] / secs, d[3] / secs);
	fprintf(out, "  scanned: kswapd %10.1f direct %10.1f   stolen: kswapd %10.1f direct %10.1f pages\n",
		d[4] / secs, d[5] / secs, d[6] / secs, d[7] / secs);
	fprintf(out, "  direct reclaim stalls %llu   compaction stalls %llu   OOM kills %llu (in the interval)\n",
		(unsigned long long)d[8], (unsigned long long)d[9], (unsigned long long)d[10]);
}

static void print_zones(const struct sys_screen *s, const struct sys_print *pp, FILE *out)
{
	int n = s->nzones;
	if (n < 0) {
		fprintf(stderr, "memmon sys: cannot read /proc/buddyinfo: %s\n",
			n == -EINVAL ? "unexpected format" : strerror(-n));
		return;
	}
	if (!pp->json) {
		fprintf(out, "\nfree blocks per order (buddyinfo); unusable = share of free memory in blocks "
			"< order %d\nnode zone    ", pp->order);
		for (int i = 0; i < (n ? s->zones[0].norders : 0); i++)
			fprintf(out, " %7d", i);
		fprintf(out, "     free kB unusable\n");
	}
	for (int z = 0; z < n; z++) {
		const struct buddy_zone *zone = &s->zones[z];
		uint64_t free_kb = buddy_free_pages(zone) * (s->page_size / 1024);
		double unusable = buddy_unusable_index(zone, pp->order);
		if (pp->json) {
			struct json_object *j = row_record("sys_zone", pp);
			json_add_int(j, "node", zone->node);
			json_add_str(j, "zone", zone->name);
			struct json_object *arr = json_object_new_array();
			for (int i = 0; i < zone->norders; i++)
				json_object_array_add(arr, json_object_new_uint64(zone->free[i]));
			json_object_object_add(j, "free_blocks", arr);
			json_add_u64(j, "free_kb", free_kb);
			json_add_int(j, "order", pp->order);
			json_add_double(j, "unusable_index", unusable);
			json_emit(j, out);
			continue;
		}
		fprintf(out, "%4d %-8s", zone->node, zone->name);
		for (int i = 0; i < zone->norders; i++)
			fprintf(out, " %7llu", (unsigned long long)zone->free[i]);
		fprintf(out, " %11llu %8.3f\n", (unsigned long long)free_kb, unusable);
	}
}

static void print_slabs(const struct sys_screen *s, const struct sys_print *pp, FILE *out)
{
	if (s->max_slabs <= 0)
		return;
	int r = s->slabs_err;
	if (r < 0) {
		fprintf(stderr, "memmon sys: cannot read /proc/slabinfo: %s\n",
			r == -EACCES ? "permission denied (run as root)" :
			r == -EINVAL ? "unexpected format" : strerror(-r));
		return;
	}
	if (!pp->json)
		fprintf(out, "\nlargest slab caches (slabinfo)\n"
			"name                          objects   active  objsize    size kB\n");
	for (long i = 0; i < s->nslabs; i++) {
		const struct slab_cache *c = &s->slabs[i];
		uint64_t kb = slab_cache_kb(c, s->page_size);
		if (!pp->json) {
			fprintf(out, "%-28.28s %8llu %8llu %8llu %10llu\n", c->name,
				(unsigned long long)c->num_objs, (unsigned long long)c->active_objs,
				(unsigned long long)c->objsize, (unsigned long long)kb);
			continue;
		}
		struct json_object *j = row_record("sys_slab", pp);
		json_add_str(j, "name", c->name);
		json_add_u64(j, "objects", c->num_objs);
		json_add_u64(j, "active_objects", c->active_objs);
		json_add_u64(j, "objsize", c->objsize);
		json_add_u64(j, "slabs", c->num_slabs);
		json_add_u64(j, "pages_per_slab", c->pagesperslab);
		json_add_u64(j, "size_kb", kb);
		json_emit(j, out);
	}
}

void sys_print_screen(const struct sys_screen *s, const struct sys_print *pp, FILE *out)
{
	print_memory(&s->mem, pp, out);
	print_activity(&s->before, &s->after, s->secs, pp, out);
	print_zones(s, pp, out);
	print_slabs(s, pp, out);
	sys_knobs_print(&s->knobs, &s->mem, pp->json, pp->final, out);
	sys_ksm_print(&s->ksm, s->page_size, pp->json, pp->final, out);
	sys_zram_print(&s->zram, pp->json, pp->final, out);
	fflush(out);
}

void sys_print_interval(long interval, double seconds, FILE *out)
{
	struct json_object *j = json_record("sys_interval");
	json_add_int(j, "interval", interval);
	json_add_double(j, "seconds", seconds);
	json_emit(j, out);
}

void sys_print_summary(long samples, double seconds, const char *reason, FILE *out)
{
	struct json_object *j = json_record("sys_summary");
	json_add_int(j, "samples", samples);
	json_add_double(j, "seconds", seconds);
	json_add_str(j, "reason", reason);
	json_emit(j, out);
}
