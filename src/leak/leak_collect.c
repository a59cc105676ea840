#include "core/events.h"
#include "leak/leak_collect.h"
#include "leak/leak_regions.h"
#include "leak/leak_rows.h"
#include "symbols/stack_store.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A stack key as instruction pointers: user stacks start with the caller's return address
 * (the call frame walk's first frame, the same address, is not repeated); kernel stacks are
 * the captured chain (or the call site alone if capture failed). *end: why a user walk
 * ended (enum unwind_end). */
static int stack_ips(const struct leak_maps *m, const struct stack_key *k, bool kernel,
		     uint64_t *ips, uint32_t *end)
{
	uint64_t chain[ALLOC_STACK_DEPTH];
	int n = 0;
	*end = 0;
	if (!kernel || k->stackid < 0)
		ips[n++] = k->retaddr;
	int depth = stack_store_read_end(m->stacks, k->stackid, chain, ALLOC_STACK_DEPTH, end);
	for (int i = 0; i < depth; i++) {
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

static void list_alloc(struct leak_snapshot *s, uint64_t addr, const struct alloc_info *a)
{
	if (s->nallocs == s->allocs_cap) {
		size_t cap = s->allocs_cap ? s->allocs_cap * 2 : 1024;
		struct leak_alloc *v = realloc(s->allocs, cap * sizeof(*v));
		if (!v)
			return;
		s->allocs = v;
		s->allocs_cap = cap;
	}
	s->allocs[s->nallocs++] = (struct leak_alloc){ addr, *a };
}

static int older_first(const void *x, const void *y)
{
	const struct leak_alloc *a = x, *b = y;
	return a->a.ts_ns < b->a.ts_ns ? -1 : a->a.ts_ns > b->a.ts_ns;
}

struct gather {
	const struct leak_opts *o;
	struct leak_snapshot *s;
	bool per_alloc; /* allocations one by one: ages are known */
	int err;
};

/* One outstanding allocation: counted on its stack's row, listed for --show-allocs. */
static void gather_alloc(struct gather *g, uint64_t addr, const struct alloc_info *a)
{
	if (g->per_alloc && g->s->now_ns - a->ts_ns < g->o->older_than_ns)
		return;
	if (leak_rows_add(&g->s->rows, &a->key, a->size, a->fn, g->per_alloc ? a->ts_ns : 0))
		g->err = -ENOMEM;
	if (g->per_alloc && g->o->show_allocs)
		list_alloc(g->s, addr, a);
}

static void gather_per_alloc(const struct leak_maps *m, struct gather *g)
{
	struct alloc_key key, next, *prev = NULL;
	struct alloc_info a;
	while (bpf_map_get_next_key(m->allocs, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(m->allocs, &key, &a) == 0)
			gather_alloc(g, key.addr, &a);
	}
}

/* Anonymous mappings live in user space (leak/leak_regions.h), one allocation per contiguous
 * piece: a mapping split in two by munmap counts as two. */
static void gather_region(const struct leak_region *r, void *ctx)
{
	struct alloc_info a = { .size = r->end - r->start, .ts_ns = r->ts_ns, .key = r->key,
				.fn = r->fn };
	gather_alloc(ctx, r->start, &a);
}

static void count_lost(const struct leak_maps *m, struct leak_totals *t)
{
	t->lost_events = m->events ? events_lost(m->events) : 0;
	t->allocs_dropped = m->counters->allocs_dropped + leak_regions_dropped(m->regions);
	t->stack_failures = m->counters->stack_failures;
	t->pending_dropped = m->counters->pending_dropped;
	t->sampled_out = m->counters->sampled_out;
	t->stacks_dropped = m->counters->stacks_dropped;
	t->internal_frees = m->counters->internal_frees;
	t->errors = m->errors;
}

int leak_collect(const struct leak_maps *m, const struct leak_opts *o, bool kernel,
		 struct leak_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	leak_rows_init(&s->rows);
	s->now_ns = ktime_now();
	s->wall = time(NULL);
	struct gather g = { .o = o, .s = s, .per_alloc = o->older_than_ns || o->show_allocs };
	if (g.per_alloc)
		gather_per_alloc(m, &g);
	else
		g.err = leak_rows_read_totals(&s->rows, m->combined);
	/* after the BPF totals: those set a row's totals, the mappings add to them */
	leak_regions_each(m->regions, gather_region, &g);
	struct leak_totals *t = &s->totals;
	for (size_t i = 0; i < ktable_count(&s->rows); i++) {
		struct leak_row *r = ktable_row(&s->rows, i);
		r->nips = stack_ips(m, &r->key, kernel, r->ips, &r->end);
		if (!kernel)
			stack_ends_add(&t->ends, r->end);
		t->bytes += r->bytes;
		t->count += r->count;
		t->stacks++;
	}
	count_lost(m, t);
	leak_rows_sort(&s->rows);
	if (s->nallocs > 1)
		qsort(s->allocs, s->nallocs, sizeof(*s->allocs), older_first);
	return g.err;
}

void leak_snapshot_free(struct leak_snapshot *s)
{
	ktable_free(&s->rows);
	free(s->allocs);
	s->allocs = NULL;
	s->nallocs = s->allocs_cap = 0;
}

static void error_stack(const struct leak_maps *m, const struct stack_key *k,
			struct leak_error_stack *st)
{
	st->known = k->retaddr != 0;
	st->pid = (pid_t)k->tgid;
	st->nips = st->known ? stack_ips(m, k, false, st->ips, &st->end) : 0;
}

int leak_stack_ips(const struct leak_maps *m, const struct stack_key *k, uint64_t *ips, uint32_t *end)
{
	return stack_ips(m, k, false, ips, end);
}

void leak_collect_error(const struct leak_maps *m, const struct alloc_error_event *e,
			struct leak_error *err)
{
	memset(err, 0, sizeof(*err));
	err->e = e;
	error_stack(m, &e->free_key, &err->free_stack);
	if (e->kind == ERR_DOUBLE_FREE) {
		error_stack(m, &e->first_free, &err->first_free);
		error_stack(m, &e->alloc_key, &err->alloc);
	}
}
