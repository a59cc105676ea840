/* Reading the leak maps into report rows; shared by user and kernel mode. */
#include "core/events.h"
#include "core/json_out.h"
#include "leak/leak_collect.h"
#include "leak/leak_event.h"
#include "leak/leak_regions.h"
#include "leak/leak_report.h"
#include "symbols/stack_store.h"
#include <bpf/bpf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>

int leak_stack_ips(const struct leak_maps *m, const struct stack_key *k, bool kernel,
		   uint64_t *ips)
{
	uint64_t chain[ALLOC_STACK_DEPTH];
	int n = 0;
	if (!kernel || k->stackid < 0)
		ips[n++] = k->retaddr;
	int depth = stack_store_read(m->stacks, k->stackid, chain, ALLOC_STACK_DEPTH);
	for (int i = 0; i < depth; i++) {
		/* A frame-pointer walk through code without frame pointers reads garbage:
		 * stop at the first value that cannot be a user code address. */
		if (!kernel && (chain[i] < 4096 || chain[i] >> 56))
			break;
		/* Newer kernels add the return address themselves when a uprobe sits on
		 * `push %rbp`; a return address after a call to the allocator cannot
		 * legitimately repeat as the next frame, so drop the copy. */
		if (i == 0 && n == 1 && chain[0] == ips[0])
			continue;
		ips[n++] = chain[i];
	}
	return n;
}

static uint64_t ktime_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
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

static void show_alloc(const struct leak_opts *o, int report_no, uint64_t addr,
		       const struct alloc_info *a, uint64_t now, bool kernel)
{
	char where[48], age[32];
	addr_text(addr, kernel, where, sizeof(where));
	snprintf(age, sizeof(age), "%.3f", (now - a->ts_ns) / 1e9);
	if (o->cli.json) {
		struct json_object *j = json_record("leak_alloc");
		json_add_int(j, "report", report_no);
		if (!kernel)
			json_add_int(j, "pid", a->key.tgid);
		json_add_str(j, "addr", where);
		json_add_u64(j, "size", a->size);
		json_object_object_add(j, "age_s", json_object_new_double_s(atof(age), age));
		json_add_str(j, "allocator", alloc_fn_name(a->fn));
		json_emit(j, stdout);
	} else {
		printf("  %s size %" PRIu64 " age %ss %s", where, (uint64_t)a->size, age,
		       alloc_fn_name(a->fn));
		if (!kernel)
			printf(" pid %u", a->key.tgid);
		printf("\n");
	}
}

/* --show-allocs: each allocation, listed after the report. */
struct listed_alloc {
	uint64_t addr;
	struct alloc_info a;
};
struct alloc_list {
	struct listed_alloc *v;
	size_t n, cap;
};

static void alloc_list_add(struct alloc_list *l, uint64_t addr, const struct alloc_info *a)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct listed_alloc *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct listed_alloc){ addr, *a };
}

static int older_first(const void *x, const void *y)
{
	const struct listed_alloc *a = x, *b = y;
	return a->a.ts_ns < b->a.ts_ns ? -1 : a->a.ts_ns > b->a.ts_ns;
}

static void collect_per_alloc(const struct leak_maps *m, const struct leak_opts *o,
			      bool kernel, struct leak_rows *rows, struct alloc_list *list)
{
	struct alloc_key key, next, *prev = NULL;
	uint64_t now = ktime_now();
	struct alloc_info a;
	while (bpf_map_get_next_key(m->allocs, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(m->allocs, &key, &a) || now - a.ts_ns < o->older_than_ns)
			continue;
		struct leak_row *r = leak_rows_get(rows, &a.key);
		r->bytes += a.size;
		r->count++;
		r->fn = a.fn;
		if (!r->oldest_ns || a.ts_ns < r->oldest_ns)
			r->oldest_ns = a.ts_ns;
		if (o->show_allocs)
			alloc_list_add(list, key.addr, &a);
	}
}

static void collect_combined(const struct leak_maps *m, struct leak_rows *rows)
{
	struct stack_key key, next, *prev = NULL;
	struct stack_stats s;
	while (bpf_map_get_next_key(m->combined, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(m->combined, &key, &s) || !s.count)
			continue;
		struct leak_row *r = leak_rows_get(rows, &key);
		r->bytes = s.bytes;
		r->count = s.count;
		r->fn = s.fn;
	}
}

/* Anonymous mappings live in user space (leak/leak_regions.h), one allocation per contiguous
 * piece: a mapping split in two by munmap counts as two. */
struct region_collect {
	const struct leak_opts *o;
	struct leak_rows *rows;
	struct alloc_list *list;
	uint64_t now;
	bool per_alloc;
};

static void collect_region(const struct leak_region *g, void *ctx)
{
	struct region_collect *c = ctx;
	struct alloc_info a = { .size = g->end - g->start, .ts_ns = g->ts_ns, .key = g->key,
				.fn = g->fn };
	if (c->per_alloc && c->now - a.ts_ns < c->o->older_than_ns)
		return;
	struct leak_row *r = leak_rows_get(c->rows, &a.key);
	r->bytes += a.size;
	r->count++;
	r->fn = a.fn;
	if (c->per_alloc && (!r->oldest_ns || a.ts_ns < r->oldest_ns))
		r->oldest_ns = a.ts_ns;
	if (c->per_alloc && c->o->show_allocs)
		alloc_list_add(c->list, g->start, &a);
}

void leak_report_now(const struct leak_maps *m, const struct leak_opts *o,
		     struct symbolizer *sym, bool kernel, int report_no, const char *reason)
{
	struct leak_rows rows = { 0 };
	struct leak_totals t = { 0 };
	struct alloc_list list = { 0 };
	bool per_alloc = o->older_than_ns || o->show_allocs;
	if (per_alloc)
		collect_per_alloc(m, o, kernel, &rows, &list);
	else
		collect_combined(m, &rows);
	/* after the BPF totals: collect_combined sets a row's totals, this adds to them */
	struct region_collect rc = { .o = o, .rows = &rows, .list = &list, .now = ktime_now(),
				     .per_alloc = per_alloc };
	leak_regions_each(m->regions, collect_region, &rc);
	for (size_t i = 0; i < rows.n; i++) {
		struct leak_row *r = &rows.rows[i];
		r->nips = leak_stack_ips(m, &r->key, kernel, r->ips);
		t.bytes += r->bytes;
		t.count += r->count;
		t.stacks++;
	}
	t.lost_events = m->events ? events_lost(m->events) : 0;
	t.allocs_dropped = m->counters->allocs_dropped + leak_regions_dropped(m->regions);
	t.stack_failures = m->counters->stack_failures;
	t.pending_dropped = m->counters->pending_dropped;
	t.sampled_out = m->counters->sampled_out;
	t.stacks_dropped = m->counters->stacks_dropped;
	t.internal_frees = m->counters->internal_frees;
	t.errors = m->errors;
	struct leak_print p = { .sym = sym, .json = o->cli.json, .kernel = kernel, .top = o->top,
				.report_no = report_no, .reason = reason };
	leak_report_print(&p, &rows, &t);
	leak_rows_free(&rows);
	if (o->show_allocs) {
		uint64_t now = ktime_now();
		if (list.n > 1)
			qsort(list.v, list.n, sizeof(*list.v), older_first);
		if (!o->cli.json)
			printf("outstanding allocations of report %d, oldest first:\n", report_no);
		for (size_t i = 0; i < list.n; i++)
			show_alloc(o, report_no, list.v[i].addr, &list.v[i].a, now, kernel);
		if (!o->cli.json)
			printf("\n");
	}
	free(list.v);
}
