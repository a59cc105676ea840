#include "core/json_out.h"
#include "snapshot/sys_knobs_print.h"
#include <string.h>

static struct json_object *record(const char *type, bool final, bool available)
{
	struct json_object *j = json_record(type);
	json_add_bool(j, "final", final);
	json_add_bool(j, "available", available);
	return j;
}

static void add_knob(struct json_object *j, const char *key, const struct sys_knob *k)
{
	if (k->err)
		json_object_object_add(j, key, NULL);
	else
		json_add_int(j, key, k->value);
}

static const char *mode_name(int64_t mode)
{
	return mode == 0 ? "heuristic" : mode == 1 ? "always" : mode == 2 ? "never" : "unknown";
}

/* What the kernel does with the next allocation (__vm_enough_memory), as a sentence and as
 * the largest size it lets through: -1 for no bound. */
static const char *next_allocation(int64_t mode, const struct meminfo *m, int64_t headroom,
				   int64_t *largest_kb)
{
	switch (mode) {
	case 0:
		*largest_kb = (int64_t)(m->mem_total + m->swap_total);
		return "heuristic: one allocation larger than RAM + swap fails; any smaller one succeeds"
		       " and is backed only when touched (a touch that finds no memory meets the OOM"
		       " killer)";
	case 1:
		*largest_kb = -1;
		return "always: every allocation succeeds; memory is found when it is touched, or the"
		       " OOM killer runs";
	case 2:
		*largest_kb = headroom > 0 ? headroom : 0;
		return "never overcommit: an allocation fails once Committed_AS would pass CommitLimit,"
		       " so the headroom is the largest that succeeds (less admin_reserve_kbytes"
		       " for non-root)";
	default:
		*largest_kb = -1;
		return "unknown mode";
	}
}

static void print_overcommit(const struct sys_knobs *k, const struct meminfo *m, bool json,
			     bool final, FILE *out)
{
	if (k->overcommit_memory.err) {
		if (json)
			json_emit(record("sys_overcommit", final, false), out);
		else
			fprintf(out, "\novercommit: not available (/proc/sys/vm/overcommit_memory: %s)\n",
				strerror(-k->overcommit_memory.err));
		return;
	}
	int64_t mode = k->overcommit_memory.value;
	int64_t headroom = (int64_t)m->commit_limit - (int64_t)m->committed_as;
	int64_t largest;
	const char *meaning = next_allocation(mode, m, headroom, &largest);
	if (json) {
		struct json_object *j = record("sys_overcommit", final, true);
		json_add_int(j, "mode", mode);
		json_add_str(j, "mode_name", mode_name(mode));
		add_knob(j, "ratio", &k->overcommit_ratio);
		add_knob(j, "kbytes", &k->overcommit_kbytes);
		json_add_u64(j, "commit_limit_kb", m->commit_limit);
		json_add_u64(j, "committed_as_kb", m->committed_as);
		json_add_int(j, "headroom_kb", headroom);
		if (largest < 0)
			json_object_object_add(j, "largest_allocation_kb", NULL);
		else
			json_add_int(j, "largest_allocation_kb", largest);
		json_add_str(j, "next_allocation", meaning);
		json_emit(j, out);
		return;
	}
	fprintf(out, "\novercommit: mode %lld (%s)", (long long)mode, mode_name(mode));
	if (!k->overcommit_kbytes.err && k->overcommit_kbytes.value)
		fprintf(out, ", overcommit_kbytes %lld", (long long)k->overcommit_kbytes.value);
	else if (!k->overcommit_ratio.err)
		fprintf(out, ", overcommit_ratio %lld%%", (long long)k->overcommit_ratio.value);
	fprintf(out, "; CommitLimit %llu kB, Committed_AS %llu kB, headroom %lld kB\n",
		(unsigned long long)m->commit_limit, (unsigned long long)m->committed_as,
		(long long)headroom);
	fprintf(out, "  next allocation: %s", meaning);
	if (largest >= 0)
		fprintf(out, ": at most %lld kB", (long long)largest);
	fprintf(out, "\n");
}

static void print_swaps(const struct sys_knobs *k, bool json, bool final, FILE *out)
{
	if (k->nswaps < 0) {
		if (json)
			json_emit(record("sys_swap", final, false), out);
		else
			fprintf(out, "\nswap areas: not available (/proc/swaps: %s)\n",
				strerror(-k->nswaps));
		return;
	}
	if (!json)
		fprintf(out, k->nswaps ? "\nswap areas (/proc/swaps)\nname                      type        size kB    used kB  priority\n" :
			"\nswap areas: none\n");
	for (int i = 0; i < k->nswaps; i++) {
		const struct swap_area *a = &k->swaps[i];
		if (!json) {
			fprintf(out, "%-25s %-9s %10llu %10llu %9d\n", a->name, a->kind,
				(unsigned long long)a->size_kb, (unsigned long long)a->used_kb, a->priority);
			continue;
		}
		struct json_object *j = record("sys_swap", final, true);
		json_add_str(j, "name", a->name);
		json_add_str(j, "kind", a->kind);
		json_add_u64(j, "size_kb", a->size_kb);
		json_add_u64(j, "used_kb", a->used_kb);
		json_add_int(j, "priority", a->priority);
		json_emit(j, out);
	}
}

static void print_knob_text(const char *name, const struct sys_knob *k, const char *unit, FILE *out)
{
	if (k->err)
		fprintf(out, "  %-24s not available (%s)\n", name, strerror(-k->err));
	else
		fprintf(out, "  %-24s %lld%s\n", name, (long long)k->value, unit);
}

static void print_vm(const struct sys_knobs *k, bool json, bool final, FILE *out)
{
	if (json) {
		struct json_object *j = record("sys_vm", final, true);
		add_knob(j, "swappiness", &k->swappiness);
		add_knob(j, "watermark_scale_factor", &k->watermark_scale_factor);
		add_knob(j, "min_free_kbytes", &k->min_free_kbytes);
		json_emit(j, out);
		return;
	}
	fprintf(out, "\nreclaim knobs (/proc/sys/vm)\n");
	print_knob_text("swappiness", &k->swappiness, " (0-200: anon vs file reclaim)", out);
	print_knob_text("watermark_scale_factor", &k->watermark_scale_factor,
			" (1/10000 of memory between watermarks)", out);
	print_knob_text("min_free_kbytes", &k->min_free_kbytes, " kB", out);
}

void sys_knobs_print(const struct sys_knobs *k, const struct meminfo *m, bool json, bool final,
		     FILE *out)
{
	print_overcommit(k, m, json, final, out);
	print_swaps(k, json, final, out);
	print_vm(k, json, final, out);
}
