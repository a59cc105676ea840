#include "core/json_out.h"
#include "leak/leak_report.h"
#include "proc/proc_libs.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
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

static uint64_t key_hash(const struct stack_key *k)
{
	uint64_t h = k->retaddr * 0x9E3779B97F4A7C15ULL;
	h ^= ((uint64_t)k->stackid ^ k->tgid) * 0xC2B2AE3D27D4EB4FULL;
	return h ^ (h >> 29);
}

static bool key_eq(const struct stack_key *a, const struct stack_key *b)
{
	return a->retaddr == b->retaddr && a->stackid == b->stackid && a->tgid == b->tgid;
}

static void reindex(struct leak_rows *r)
{
	free(r->index);
	r->index_cap = r->index_cap ? r->index_cap * 2 : 1024;
	r->index = malloc(sizeof(int32_t) * r->index_cap);
	memset(r->index, 0xff, sizeof(int32_t) * r->index_cap);
	for (size_t i = 0; i < r->n; i++) {
		size_t s = key_hash(&r->rows[i].key) & (r->index_cap - 1);
		while (r->index[s] >= 0)
			s = (s + 1) & (r->index_cap - 1);
		r->index[s] = (int32_t)i;
	}
}

struct leak_row *leak_rows_get(struct leak_rows *r, const struct stack_key *key)
{
	if ((r->n + 1) * 2 > r->index_cap)
		reindex(r);
	size_t s = key_hash(key) & (r->index_cap - 1);
	while (r->index[s] >= 0) {
		if (key_eq(&r->rows[r->index[s]].key, key))
			return &r->rows[r->index[s]];
		s = (s + 1) & (r->index_cap - 1);
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->rows = realloc(r->rows, sizeof(*r->rows) * r->cap);
	}
	struct leak_row *row = &r->rows[r->n];
	memset(row, 0, sizeof(*row));
	row->key = *key;
	r->index[s] = (int32_t)r->n++;
	return row;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct leak_row *x = a, *y = b;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return 0;
}

void leak_rows_sort(struct leak_rows *r)
{
	if (r->n > 1)
		qsort(r->rows, r->n, sizeof(*r->rows), cmp_rows);
	free(r->index); /* row positions changed */
	r->index = NULL;
	r->index_cap = 0;
}

void leak_rows_free(struct leak_rows *r)
{
	free(r->rows);
	free(r->index);
	memset(r, 0, sizeof(*r));
}

static void print_counters_text(const struct leak_totals *t, struct sym_stats ss)
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
}

void leak_report_print(const struct leak_print *p, struct leak_rows *rows,
		       const struct leak_totals *t)
{
	leak_rows_sort(rows);
	int shown = 0;
	char comm[32];
	if (!p->json) {
		time_t now = time(NULL);
		struct tm tm;
		char ts[16];
		strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&now, &tm));
		printf("[%s] report %d (%s): %" PRIu64 " bytes outstanding in %" PRIu64
		       " allocations from %" PRIu64 " stacks\n",
		       ts, p->report_no, p->reason, t->bytes, t->count, t->stacks);
	}
	for (size_t i = 0; i < rows->n && shown < p->top; i++) {
		struct leak_row *r = &rows->rows[i];
		if (!r->count && !r->bytes)
			continue;
		shown++;
		pid_t pid = (pid_t)r->key.tgid;
		if (p->json) {
			struct json_object *o = json_record("leak_stack");
			json_add_int(o, "report", p->report_no);
			if (!p->kernel)
				json_add_int(o, "pid", pid);
			json_add_u64(o, "bytes", r->bytes);
			json_add_u64(o, "count", r->count);
			json_add_str(o, "allocator", alloc_fn_name(r->fn));
			json_object_object_add(o, "frames", stack_json(p->sym, pid, p->kernel, r->ips,
								       r->nips, !p->kernel));
			json_emit(o, stdout);
			continue;
		}
		if (p->kernel) {
			printf("%" PRIu64 " bytes in %" PRIu64 " allocations via %s\n", r->bytes,
			       r->count, alloc_fn_name(r->fn));
		} else {
			proc_comm(pid, comm, sizeof(comm));
			printf("%" PRIu64 " bytes in %" PRIu64 " allocations via %s, pid %d\n",
			       r->bytes, r->count, alloc_fn_name(r->fn), pid);
		}
		stack_print(p->sym, stdout, pid, p->kernel, r->ips, r->nips, !p->kernel, "    ");
	}
	/* Frames of this report only: the symbolizer's counters run for the whole session
	 * (error reports between two reports are in the next one's figures). */
	static struct sym_stats reported;
	struct sym_stats all = symbolizer_stats(p->sym);
	struct sym_stats ss = { all.frames - reported.frames, all.unresolved - reported.unresolved };
	reported = all;
	if (p->json) {
		struct json_object *o = json_record("leak_report");
		json_add_int(o, "report", p->report_no);
		json_add_str(o, "reason", p->reason);
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
		json_emit(o, stdout);
	} else {
		print_counters_text(t, ss);
		printf("\n");
		fflush(stdout);
	}
}
