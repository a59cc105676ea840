#include "core/json_out.h"
#include "snapshot/sys_ksm_print.h"
#include <string.h>

static void add(struct json_object *j, const char *key, int64_t v)
{
	if (v == KSM_NONE)
		json_object_object_add(j, key, NULL);
	else
		json_add_int(j, key, v);
}

static const char *run_name(int64_t run)
{
	return run == 0 ? "stopped" : run == 1 ? "running" : run == 2 ? "unmerging" : "unknown";
}

void sys_ksm_print(const struct sys_ksm *k, uint64_t page_size, bool json, bool final, FILE *out)
{
	int64_t page_kb = (int64_t)(page_size / 1024);
	if (k->err) {
		if (json) {
			struct json_object *j = json_record("sys_ksm");
			json_add_bool(j, "final", final);
			json_add_bool(j, "available", 0);
			json_emit(j, out);
		} else {
			fprintf(out, "\nKSM: not available (/sys/kernel/mm/ksm/run: %s)\n", strerror(-k->err));
		}
		return;
	}
	const struct ksm_system *s = &k->sys;
	/* pages_sharing counts the mappings beyond the first of each KSM page: the pages saved */
	int64_t saved_kb = s->pages_sharing > 0 ? s->pages_sharing * page_kb : 0;
	if (json) {
		struct json_object *j = json_record("sys_ksm");
		json_add_bool(j, "final", final);
		json_add_bool(j, "available", 1);
		json_add_int(j, "run", s->run);
		json_add_str(j, "state", run_name(s->run));
		add(j, "pages_shared", s->pages_shared);
		add(j, "pages_sharing", s->pages_sharing);
		add(j, "pages_unshared", s->pages_unshared);
		add(j, "pages_volatile", s->pages_volatile);
		add(j, "full_scans", s->full_scans);
		add(j, "ksm_zero_pages", s->ksm_zero_pages);
		add(j, "general_profit", s->general_profit);
		json_add_int(j, "saved_kb", saved_kb);
		json_emit(j, out);
		for (size_t i = 0; i < k->nprocs; i++) {
			const struct ksm_proc_row *p = &k->procs[i];
			struct json_object *r = json_record("sys_ksm_process");
			json_add_bool(r, "final", final);
			json_add_int(r, "pid", p->pid);
			json_add_str(r, "comm", p->comm);
			json_add_int(r, "merging_pages", p->k.merging_pages);
			json_add_int(r, "merging_kb", p->k.merging_pages * page_kb);
			add(r, "rmap_items", p->k.rmap_items);
			add(r, "zero_pages", p->k.zero_pages);
			add(r, "profit", p->k.profit);
			json_emit(r, out);
		}
		return;
	}
	fprintf(out, "\nKSM (/sys/kernel/mm/ksm): %s; pages shared %lld, sharing %lld (saving %lld kB), "
		"unshared %lld, volatile %lld, full scans %lld\n", run_name(s->run),
		(long long)s->pages_shared, (long long)s->pages_sharing, (long long)saved_kb,
		(long long)s->pages_unshared, (long long)s->pages_volatile, (long long)s->full_scans);
	if (!k->nprocs)
		return;
	fprintf(out, "    PID comm             merging pages        kB   profit (bytes)\n");
	for (size_t i = 0; i < k->nprocs; i++) {
		const struct ksm_proc_row *p = &k->procs[i];
		fprintf(out, "%7d %-16.16s %13lld %9lld %16lld\n", p->pid, p->comm,
			(long long)p->k.merging_pages, (long long)(p->k.merging_pages * page_kb),
			(long long)p->k.profit);
	}
}
