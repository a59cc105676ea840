#include "heap/heap_report.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "symbols/stack_ends.h"
#include "symbols/symbolize.h"
#include "symbols/unwind_tables.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Processes are keyed in the symbolizer above any real pid (pid_max is at most 2^22): an
 * exec'd image and the image before it have the same pid and different mappings. */

static const struct heap_account *sort_acct;
static enum heap_sort sort_by;

static double sort_value(const struct heap_stack_row *r)
{
	switch (sort_by) {
	case HEAP_SORT_ALLOCATIONS: return r->allocations;
	case HEAP_SORT_TEMPORARY: return r->temporary;
	case HEAP_SORT_PEAK: return heap_row_peak(sort_acct, r);
	case HEAP_SORT_LEAKED: return r->live_bytes;
	default: return r->allocated_bytes;
	}
}

static int cmp_rows(const void *a, const void *b)
{
	const struct heap_stack_row *x = ktable_row(&sort_acct->rows, *(const size_t *)a);
	const struct heap_stack_row *y = ktable_row(&sort_acct->rows, *(const size_t *)b);
	double vx = sort_value(x), vy = sort_value(y);
	if (vx != vy)
		return vx > vy ? -1 : 1;
	if (x->allocated_bytes != y->allocated_bytes)
		return x->allocated_bytes > y->allocated_bytes ? -1 : 1;
	if (x->key.proc != y->key.proc)
		return x->key.proc < y->key.proc ? -1 : 1;
	return x->key.stack < y->key.stack ? -1 : x->key.stack > y->key.stack;
}

size_t heap_sorted_rows(const struct heap_account *a, enum heap_sort sort, size_t **out)
{
	size_t n = ktable_count(&a->rows);
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	if (!idx) {
		*out = NULL;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_acct = a;
	sort_by = sort;
	qsort(idx, n, sizeof(*idx), cmp_rows);
	*out = idx;
	return n;
}

static uint64_t u(double v)
{
	return v > 0 ? (uint64_t)llround(v) : 0;
}

void heap_report_capture(struct heap_session *s, struct symbolizer *sym)
{
	for (uint32_t i = 0; i < s->procs_seen; i++) {
		size_t len;
		char *maps = heap_session_maps(s, i, &len);
		if (!maps)
			continue;
		FILE *fp = len ? fmemopen(maps, len, "r") : NULL;
		if (fp) {
			symbolizer_capture_maps(sym, SYM_KEY(i), fp);
			fclose(fp);
		}
		free(maps);
	}
}

static void print_stack(struct heap_session *s, struct symbolizer *sym, const struct heap_stack_row *r,
			bool json, struct stack_ends *ends)
{
	uint64_t ips[HEAP_MAX_DEPTH];
	uint32_t end;
	int n = heap_session_stack(s, r->key.stack, ips, HEAP_MAX_DEPTH, &end);
	const struct heap_proc_acct *p = &s->acct.procs[r->key.proc];
	stack_ends_add(ends, end);
	double peak = heap_row_peak(&s->acct, r);
	if (json) {
		struct json_object *o = json_record("heap_stack");
		json_add_bool(o, "final", 1);
		json_add_int(o, "pid", p->pid);
		json_add_u64(o, "allocations", u(r->allocations));
		json_add_u64(o, "allocated_bytes", u(r->allocated_bytes));
		json_add_u64(o, "temporary", u(r->temporary));
		json_add_u64(o, "peak_bytes", u(peak));
		json_add_u64(o, "leaked_bytes", p->replaced ? 0 : u(r->live_bytes));
		json_add_u64(o, "leaked_count", p->replaced ? 0 : u(r->live_count));
		json_object_object_add(o, "frames", stack_json(sym, SYM_KEY(r->key.proc), false, ips, n, true));
		json_add_str(o, "stack_end", unwind_end_key(end));
		json_emit(o, stdout);
		return;
	}
	printf("%" PRIu64 " allocation%s, %" PRIu64 " bytes allocated, %" PRIu64 " temporary, %" PRIu64
	       " bytes at peak, %" PRIu64 " bytes leaked in %" PRIu64 " block%s, pid %d\n",
	       u(r->allocations), cli_plural(u(r->allocations)), u(r->allocated_bytes), u(r->temporary),
	       u(peak), p->replaced ? 0 : u(r->live_bytes), p->replaced ? 0 : u(r->live_count),
	       cli_plural(p->replaced ? 0 : u(r->live_count)), p->pid);
	stack_print(sym, stdout, SYM_KEY(r->key.proc), false, ips, n, true, "    ");
	if (end && end != UWE_COMPLETE)
		printf("    [stack ends: %s]\n", unwind_end_name(end));
}

static void print_process(const struct heap_session *s, const struct heap_proc_acct *p, bool json)
{
	double peak_s = heap_session_seconds(s, p->peak_tsc);
	uint64_t leaked = p->replaced ? 0 : u(p->live_bytes), leaked_n = p->replaced ? 0 : u(p->live_count);
	if (json) {
		struct json_object *o = json_record("heap_process");
		json_add_int(o, "pid", p->pid);
		json_add_int(o, "ppid", p->ppid);
		json_add_str(o, "started_by", p->attached ? "attach" : p->forked ? "fork" : p->slot ? "exec" : "launch");
		json_add_bool(o, "replaced_by_exec", p->replaced);
		json_add_u64(o, "peak_bytes", u(p->peak_bytes));
		json_add_double(o, "peak_time_s", peak_s);
		json_add_u64(o, "allocations", u(p->allocations));
		json_add_u64(o, "allocated_bytes", u(p->allocated_bytes));
		json_add_u64(o, "temporary", u(p->temporary));
		json_add_u64(o, "leaked_bytes", leaked);
		json_add_u64(o, "leaked_count", leaked_n);
		json_add_u64(o, "unknown_frees", p->unknown_frees);
		json_emit(o, stdout);
		return;
	}
	printf("pid %d (%s%s): peak %" PRIu64 " bytes at %.3f s, %" PRIu64 " allocations (%" PRIu64
	       " bytes), %" PRIu64 " temporary, %" PRIu64 " bytes leaked in %" PRIu64 " blocks%s\n",
	       p->pid, p->attached ? "attached" : p->forked ? "forked by " : p->slot ? "exec'd" : "launched",
	       p->forked ? "its parent" : "", u(p->peak_bytes), peak_s, u(p->allocations),
	       u(p->allocated_bytes), u(p->temporary), leaked, leaked_n,
	       p->replaced ? "; its image was replaced by exec: blocks not counted as leaks" : "");
}

int heap_report_print(struct heap_session *s, const struct heap_report_opts *o)
{
	struct heap_account *a = &s->acct;
	struct symbolizer *sym = symbolizer_new();
	if (!sym)
		return -1;
	heap_report_capture(s, sym);
	size_t *idx;
	size_t n = heap_sorted_rows(a, o->sort, &idx);
	struct stack_ends ends = { 0 };
	size_t shown = !o->rows ? 0 : o->top > 0 && (size_t)o->top < n ? (size_t)o->top : n;
	for (size_t i = 0; i < shown; i++)
		print_stack(s, sym, ktable_row(&a->rows, idx[i]), o->json, &ends);
	free(idx);
	/* the whole run: the highest process peak, and totals over processes */
	double peak = 0, allocations = 0, temporary = 0, leaked = 0, leaked_n = 0, bytes = 0;
	uint64_t peak_tsc = 0, unknown = 0;
	for (uint32_t i = 0; i < s->procs_seen; i++) {
		const struct heap_proc_acct *p = &a->procs[i];
		print_process(s, p, o->json);
		if (p->peak_bytes > peak) {
			peak = p->peak_bytes;
			peak_tsc = p->peak_tsc;
		}
		allocations += p->allocations;
		bytes += p->allocated_bytes;
		temporary += p->temporary;
		unknown += p->unknown_frees;
		if (!p->replaced) {
			leaked += p->live_bytes;
			leaked_n += p->live_count;
		}
	}
	const struct heap_shm_header *h = s->h;
	uint32_t untraced = h->procs_used > h->nprocs ? h->procs_used - h->nprocs : 0;
	struct sym_stats ss = symbolizer_stats(sym);
	if (o->json) {
		struct json_object *j = json_record("heap_summary");
		json_add_str(j, "reason", o->reason);
		json_add_double(j, "seconds", o->seconds);
		json_add_u64(j, "peak_bytes", u(peak));
		json_add_double(j, "peak_time_s", heap_session_seconds(s, peak_tsc));
		json_add_u64(j, "allocations", u(allocations));
		json_add_u64(j, "allocated_bytes", u(bytes));
		json_add_u64(j, "temporary", u(temporary));
		json_add_u64(j, "leaked_bytes", u(leaked));
		json_add_u64(j, "leaked_count", u(leaked_n));
		json_add_u64(j, "lost_events", h->lost_events);
		json_add_u64(j, "sample_bytes", h->sample_bytes);
		json_add_u64(j, "stacks", n);
		json_add_u64(j, "processes", s->procs_seen);
		json_add_u64(j, "processes_untraced", untraced);
		json_add_u64(j, "unknown_frees", unknown);
		json_add_u64(j, "ring_waits", h->rings_waited);
		json_add_u64(j, "stacks_dropped", h->stacks_full);
		json_add_u64(j, "sample_table_full", h->sample_full);
		json_add_u64(j, "frames", ss.frames);
		json_add_u64(j, "frames_unresolved", ss.unresolved);
		json_object_object_add(j, "stack_ends", stack_ends_json(&ends));
		if (o->unwind)
			json_object_object_add(j, "unwind_tables", unwind_tables_cost_json(o->unwind));
		json_emit(j, stdout);
	} else {
		printf("heap: peak %" PRIu64 " bytes at %.3f s; %" PRIu64 " allocations (%" PRIu64
		       " bytes), %" PRIu64 " temporary; %" PRIu64 " bytes leaked in %" PRIu64 " blocks; %s, %.3f s\n",
		       u(peak), heap_session_seconds(s, peak_tsc), u(allocations), u(bytes), u(temporary),
		       u(leaked), u(leaked_n), o->reason, o->seconds);
		if (h->sample_bytes)
			printf("  sampled: one sample per %" PRIu64 " bytes on average; figures are estimates\n",
			       h->sample_bytes);
		printf("  %zu stacks (%zu shown), %u process%s (%u untraced), lost events: %" PRIu64
		       ", waits for memmon: %" PRIu64 ", stacks dropped (table full): %" PRIu64
		       ", frees of unknown blocks: %" PRIu64 ", unresolved frames: %" PRIu64 "/%" PRIu64 "\n",
		       n, shown, s->procs_seen, s->procs_seen == 1 ? "" : "es", untraced, h->lost_events,
		       h->rings_waited, h->stacks_full, unknown, ss.unresolved, ss.frames);
		printf("  ");
		stack_ends_print(&ends, stdout);
		printf("\n");
		if (o->unwind) {
			printf("  ");
			unwind_tables_print_cost(o->unwind, stdout);
		}
	}
	symbolizer_free(sym);
	fflush(stdout);
	return ferror(stdout) ? -1 : 0;
}

void heap_report_interval(const struct heap_session *s, int number, double seconds,
			  double heap_bytes, bool json)
{
	if (json) {
		struct json_object *o = json_record("heap_interval");
		json_add_int(o, "interval", number);
		json_add_double(o, "seconds", seconds);
		json_add_u64(o, "heap_bytes", u(heap_bytes));
		json_add_u64(o, "events", s->acct.events);
		json_emit(o, stdout);
	} else {
		printf("%.3f s: heap %" PRIu64 " bytes\n", seconds, u(heap_bytes));
		fflush(stdout);
	}
}
