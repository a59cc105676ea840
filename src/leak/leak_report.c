#include "core/cli.h"
#include "core/json_out.h"
#include "leak/leak_report.h"
#include "leak/leak_rows.h"
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

static const char *const fn_names[FN_COUNT] = {
	[FN_MALLOC] = "malloc", [FN_CALLOC] = "calloc", [FN_REALLOC] = "realloc",
	[FN_REALLOCARRAY] = "reallocarray", [FN_POSIX_MEMALIGN] = "posix_memalign",
	[FN_ALIGNED_ALLOC] = "aligned_alloc", [FN_MEMALIGN] = "memalign", [FN_VALLOC] = "valloc",
	[FN_PVALLOC] = "pvalloc", [FN_MMAP] = "mmap", [FN_FREE] = "free", [FN_MUNMAP] = "munmap",
	[FN_MREMAP] = "mremap",
	[FN_NEW] = "operator new", [FN_NEW_ARRAY] = "operator new[]",
	[FN_KMALLOC] = "kmalloc", [FN_KMEM_CACHE] = "kmem_cache_alloc", [FN_PAGES] = "alloc_pages",
	[FN_PERCPU] = "percpu_alloc",
};

const char *leak_report_schedule(double interval)
{
	static char buf[64];
	if (interval > 0)
		snprintf(buf, sizeof(buf), "reports every %gs", interval);
	else
		snprintf(buf, sizeof(buf), "one report at the end");
	return buf;
}

const char *alloc_fn_name(uint32_t fn)
{
	return fn < FN_COUNT && fn_names[fn] ? fn_names[fn] : "?";
}

/* A user stack cut short says so under its last frame. */
static void print_truncation(const struct leak_printer *p, uint32_t end)
{
	if (!p->kernel && end && end != UWE_COMPLETE)
		printf("    [stack ends: %s]\n", unwind_end_name(end));
}

static void print_row(struct leak_printer *p, const struct leak_report_id *id,
		      const struct leak_row *r)
{
	pid_t pid = (pid_t)r->key.tgid;
	if (p->json) {
		struct json_object *o = json_record("leak_stack");
		json_add_int(o, "report", id->report_no);
		json_add_bool(o, "final", id->final);
		if (!p->kernel)
			json_add_int(o, "pid", pid);
		json_add_u64(o, "bytes", r->bytes);
		json_add_u64(o, "count", r->count);
		json_add_str(o, "allocator", alloc_fn_name(r->fn));
		json_object_object_add(o, "frames", stack_json(p->sym, pid, p->kernel, r->ips, r->nips,
							       !p->kernel));
		if (!p->kernel)
			json_add_str(o, "stack_end", unwind_end_key(r->end));
		json_emit(o, stdout);
		return;
	}
	if (p->kernel)
		printf("%" PRIu64 " bytes in %" PRIu64 " allocation%s via %s\n", r->bytes, r->count,
		       cli_plural(r->count), alloc_fn_name(r->fn));
	else
		printf("%" PRIu64 " bytes in %" PRIu64 " allocation%s via %s, pid %d\n", r->bytes,
		       r->count, cli_plural(r->count), alloc_fn_name(r->fn), pid);
	stack_print(p->sym, stdout, pid, p->kernel, r->ips, r->nips, !p->kernel, "    ");
	print_truncation(p, r->end);
}

static void print_counters_text(const struct leak_printer *p, const struct leak_report_id *id,
				const struct leak_totals *t, struct sym_stats ss)
{
	printf("  lost events: %" PRIu64 ", untracked allocations (table full): %" PRIu64
	       ", stack captures failed: %" PRIu64 ", unresolved frames: %" PRIu64 "/%" PRIu64,
	       t->lost_events, t->allocs_dropped, t->stack_failures, ss.unresolved, ss.frames);
	if (t->sampled_out)
		printf(", not sampled: %" PRIu64, t->sampled_out);
	if (t->pending_dropped)
		printf(", calls missed (thread table full): %" PRIu64, t->pending_dropped);
	if (t->stacks_dropped)
		printf(", allocations missing from totals (stack table full): %" PRIu64, t->stacks_dropped);
	if (t->errors)
		printf(", memory errors: %" PRIu64, t->errors);
	printf("\n");
	if (p->kernel)
		return;
	printf("  ");
	stack_ends_print(&t->ends, stdout);
	printf("\n");
	if (id->final && p->unwind) {
		printf("  ");
		unwind_tables_print_cost(p->unwind, stdout);
	}
}

/* The record that closes a report: leak_interval (numbered like the report) or, last of
 * the run, leak_summary. */
static void print_counters_json(const struct leak_printer *p, const struct leak_report_id *id,
				const struct leak_totals *t, struct sym_stats ss)
{
	struct json_object *o = json_record(id->final ? "leak_summary" : "leak_interval");
	if (!id->final)
		json_add_int(o, "interval", id->report_no);
	json_add_int(o, "report", id->report_no);
	json_add_str(o, "reason", id->reason);
	if (id->final) /* null unless a signal killed the launched program */
		json_add_str(o, "program_signal", id->program_signal);
	json_add_double(o, "seconds", id->seconds);
	json_add_u64(o, "bytes", t->bytes);
	json_add_u64(o, "count", t->count);
	json_add_u64(o, "stacks", t->stacks);
	json_add_u64(o, "lost_events", t->lost_events);
	json_add_u64(o, "allocs_dropped", t->allocs_dropped);
	json_add_u64(o, "stack_failures", t->stack_failures);
	json_add_u64(o, "pending_dropped", t->pending_dropped);
	json_add_u64(o, "sampled_out", t->sampled_out);
	json_add_u64(o, "stacks_dropped", t->stacks_dropped);
	json_add_u64(o, "internal_frees", t->internal_frees);
	json_add_u64(o, "errors", t->errors);
	json_add_u64(o, "frames", ss.frames);
	json_add_u64(o, "frames_unresolved", ss.unresolved);
	if (!p->kernel)
		json_object_object_add(o, "stack_ends", stack_ends_json(&t->ends));
	if (id->final && p->unwind)
		json_object_object_add(o, "unwind_tables", unwind_tables_cost_json(p->unwind));
	json_emit(o, stdout);
}

/* Addresses print as hex strings: JSON numbers above 2^53 lose digits in most readers. */
static void addr_text(uint64_t key, bool kernel, char *buf, size_t n)
{
	if (kernel && key >> 63)
		snprintf(buf, n, "pfn 0x%" PRIx64, (uint64_t)(key & ~(1ULL << 63)));
	else if (kernel && key >> 62)
		snprintf(buf, n, "percpu 0x%" PRIx64, (uint64_t)(key & ~(1ULL << 62)));
	else
		snprintf(buf, n, "0x%" PRIx64, key);
}

static void print_alloc(const struct leak_printer *p, const struct leak_report_id *id,
			const struct leak_alloc *l, uint64_t now_ns)
{
	char where[48], age[32];
	const struct alloc_info *a = &l->a;
	addr_text(l->addr, p->kernel, where, sizeof(where));
	snprintf(age, sizeof(age), "%.3f", (now_ns - a->ts_ns) / 1e9);
	if (p->json) {
		struct json_object *j = json_record("leak_alloc");
		json_add_int(j, "report", id->report_no);
		json_add_bool(j, "final", id->final);
		if (!p->kernel)
			json_add_int(j, "pid", a->key.tgid);
		json_add_str(j, "addr", where);
		json_add_u64(j, "size", a->size);
		json_object_object_add(j, "age_s", json_object_new_double_s(atof(age), age));
		json_add_str(j, "allocator", alloc_fn_name(a->fn));
		json_emit(j, stdout);
		return;
	}
	printf("  %s size %" PRIu64 " age %ss %s", where, (uint64_t)a->size, age, alloc_fn_name(a->fn));
	if (!p->kernel)
		printf(" pid %u", a->key.tgid);
	printf("\n");
}

static void print_allocs(const struct leak_printer *p, const struct leak_report_id *id,
			 const struct leak_snapshot *s)
{
	if (!p->json)
		printf("outstanding allocations of report %d, oldest first:\n", id->report_no);
	for (size_t i = 0; i < s->nallocs; i++)
		print_alloc(p, id, &s->allocs[i], s->now_ns);
	if (!p->json)
		printf("\n");
}

void leak_print_report(struct leak_printer *p, const struct leak_report_id *id,
		       const struct leak_snapshot *s)
{
	const struct leak_totals *t = &s->totals;
	if (!p->json) {
		struct tm tm;
		char ts[16];
		strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&s->wall, &tm));
		printf("[%s] report %d (%s%s%s): %" PRIu64 " bytes outstanding in %" PRIu64
		       " allocation%s from %" PRIu64 " stack%s\n", ts, id->report_no, id->reason,
		       id->program_signal ? ", killed by " : "",
		       id->program_signal ? id->program_signal : "", t->bytes, t->count,
		       cli_plural(t->count), t->stacks, cli_plural(t->stacks));
	}
	int shown = 0;
	for (size_t i = 0; i < ktable_count(&s->rows) && shown < p->top; i++) {
		const struct leak_row *r = ktable_row(&s->rows, i);
		if (!r->count && !r->bytes)
			continue;
		shown++;
		print_row(p, id, r);
	}
	struct sym_stats all = symbolizer_stats(p->sym);
	struct sym_stats ss = { all.frames - p->reported.frames, all.unresolved - p->reported.unresolved };
	p->reported = all;
	if (!p->json) {
		print_counters_text(p, id, t, ss);
		printf("\n");
		fflush(stdout);
	}
	if (p->show_allocs)
		print_allocs(p, id, s);
	if (p->json)
		print_counters_json(p, id, t, ss);
}

static void print_error_stack(struct leak_printer *p, const char *title,
			      const struct leak_error_stack *st)
{
	if (!st->known)
		return;
	printf("  %s:\n", title);
	stack_print(p->sym, stdout, st->pid, false, st->ips, st->nips, true, "    ");
	print_truncation(p, st->end);
}

static struct json_object *error_stack_json(struct leak_printer *p, const struct leak_error_stack *st)
{
	return st->known ? stack_json(p->sym, st->pid, false, st->ips, st->nips, true) : NULL;
}

void leak_print_error(struct leak_printer *p, const struct leak_error *err)
{
	const struct alloc_error_event *e = err->e;
	bool dbl = e->kind == ERR_DOUBLE_FREE;
	if (p->json) {
		struct json_object *o = json_record("leak_error");
		json_add_str(o, "error", dbl ? "double_free" : "invalid_free");
		json_add_int(o, "pid", e->tgid);
		json_add_int(o, "tid", e->tid);
		json_add_str(o, "comm", e->comm);
		json_add_addr(o, "addr", e->addr);
		if (dbl)
			json_add_u64(o, "size", e->size);
		json_object_object_add(o, "free_stack", error_stack_json(p, &err->free_stack));
		if (dbl) {
			json_object_object_add(o, "first_free_stack", error_stack_json(p, &err->first_free));
			json_object_object_add(o, "alloc_stack", error_stack_json(p, &err->alloc));
		}
		json_emit(o, stdout);
		return;
	}
	if (dbl)
		printf("double free of 0x%" PRIx64 " (%" PRIu64 " bytes) by pid %u tid %u (%s)\n",
		       (uint64_t)e->addr, (uint64_t)e->size, e->tgid, e->tid, e->comm);
	else
		printf("invalid free of 0x%" PRIx64 " (not returned by any traced allocator) by pid %u "
		       "tid %u (%s)\n", (uint64_t)e->addr, e->tgid, e->tid, e->comm);
	print_error_stack(p, dbl ? "freed again at" : "freed at", &err->free_stack);
	if (dbl) {
		print_error_stack(p, "first freed at", &err->first_free);
		print_error_stack(p, "allocated at", &err->alloc);
	}
	printf("\n");
	fflush(stdout);
}

void leak_print_errors_capped(const struct leak_printer *p, uint32_t max_errors)
{
	if (!p->json)
		printf("(more memory errors are counted, not shown: --max-errors %u)\n\n", max_errors);
}
