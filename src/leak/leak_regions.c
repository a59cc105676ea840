/* Anonymous mappings by process and address: a treap (a binary search tree kept balanced
 * by random priorities) ordered by (tgid, start), so a range of pages is found, split off
 * and put back in O(log n). See leak/leak_regions.h. */
#include "leak/leak_regions.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* mremap flags (linux/mman.h), spelled out: older headers lack MREMAP_DONTUNMAP. */
#define REMAP_FIXED 2
#define REMAP_DONTUNMAP 4
/* No user address reaches this (x86-64 with 5-level paging stops at 2^56). */
#define USER_LIMIT (1ULL << 57)

struct node {
	struct leak_region g;
	uint32_t prio;
	struct node *l, *r;
};

/* An mremap between its call and its return: the pieces of its old range, held aside so
 * that a mapping made meanwhile in the range it vacated does not find them there. */
struct remap_op {
	uint32_t tgid, tid, flags;
	bool valid, copy_of_tracked;
	uint64_t old, old_len;
	struct leak_region *pieces;
	size_t n, cap;
};

struct leak_regions {
	struct node *root;
	uint64_t n, max, dropped, page, seed;
	struct remap_op *ops;
	size_t nops, capops;
};

static uint64_t page_up(const struct leak_regions *r, uint64_t x)
{
	return (x + r->page - 1) & ~(r->page - 1);
}

/* A range the kernel accepts: page-aligned start, non-empty, inside the user address space. */
static bool valid_range(const struct leak_regions *r, uint64_t addr, uint64_t len)
{
	return !(addr & (r->page - 1)) && len && addr < USER_LIMIT && len <= USER_LIMIT - addr;
}

/* Is n before (tgid, addr)? */
static bool before(const struct node *n, uint32_t tgid, uint64_t addr)
{
	return n->g.tgid < tgid || (n->g.tgid == tgid && n->g.start < addr);
}

/* Splits t into the nodes before (tgid, addr) and the others. */
static void split(struct node *t, uint32_t tgid, uint64_t addr, struct node **lo, struct node **hi)
{
	if (!t) {
		*lo = *hi = NULL;
	} else if (before(t, tgid, addr)) {
		split(t->r, tgid, addr, &t->r, hi);
		*lo = t;
	} else {
		split(t->l, tgid, addr, lo, &t->l);
		*hi = t;
	}
}

/* Joins two treaps, every node of a before every node of b. */
static struct node *merge(struct node *a, struct node *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->prio > b->prio) {
		a->r = merge(a->r, b);
		return a;
	}
	b->l = merge(a, b->l);
	return b;
}

static void free_tree(struct node *t)
{
	if (!t)
		return;
	free_tree(t->l);
	free_tree(t->r);
	free(t);
}

static uint32_t next_prio(struct leak_regions *r)
{
	r->seed ^= r->seed << 13;
	r->seed ^= r->seed >> 7;
	r->seed ^= r->seed << 17;
	return (uint32_t)(r->seed >> 32);
}

static void insert(struct leak_regions *r, const struct leak_region *g)
{
	struct node *n = calloc(1, sizeof(*n)), *lo, *hi;
	if (!n) {
		r->dropped++;
		return;
	}
	n->g = *g;
	n->prio = next_prio(r);
	split(r->root, g->tgid, g->start, &lo, &hi);
	r->root = merge(merge(lo, n), hi);
	r->n++;
}

/* The last node before (tgid, addr), or the first at or after it. */
static struct node *last_before(struct node *t, uint32_t tgid, uint64_t addr)
{
	struct node *best = NULL;
	while (t) {
		if (before(t, tgid, addr)) {
			best = t;
			t = t->r;
		} else {
			t = t->l;
		}
	}
	return best;
}

static struct node *first_from(struct node *t, uint32_t tgid, uint64_t addr)
{
	struct node *best = NULL;
	while (t) {
		if (before(t, tgid, addr)) {
			t = t->r;
		} else {
			best = t;
			t = t->l;
		}
	}
	return best;
}

static void erase(struct leak_regions *r, uint32_t tgid, uint64_t start)
{
	struct node *lo, *mid, *hi;
	split(r->root, tgid, start, &lo, &mid);
	split(mid, tgid, start + 1, &mid, &hi);
	r->n -= mid != NULL;
	free_tree(mid);
	r->root = merge(lo, hi);
}

/* Pieces of one allocation (same process, stack, allocator and time). */
static bool same_alloc(const struct leak_region *a, const struct leak_region *b)
{
	return a->tgid == b->tgid && a->fn == b->fn && a->ts_ns == b->ts_ns &&
	       a->key.retaddr == b->key.retaddr && a->key.stackid == b->key.stackid &&
	       a->key.tgid == b->key.tgid;
}

/* Inserts a piece, joined to adjacent pieces of the same allocation: a piece cut off by
 * an mremap that failed, or shrunk back up to the rest, is one mapping again. Pieces with
 * a hole between them stay apart. */
static void insert_joined(struct leak_regions *r, struct leak_region g)
{
	struct node *next = first_from(r->root, g.tgid, g.start);
	if (next && next->g.tgid == g.tgid && next->g.start == g.end && same_alloc(&next->g, &g)) {
		g.end = next->g.end;
		erase(r, g.tgid, next->g.start);
	}
	struct node *prev = last_before(r->root, g.tgid, g.start);
	if (prev && prev->g.end == g.start && same_alloc(&prev->g, &g)) {
		prev->g.end = g.end;
		return;
	}
	insert(r, &g);
}

/* Appends the in-order nodes of t to the list at *tail (linked by ->r). */
static void flatten(struct node *t, struct node ***tail)
{
	if (!t)
		return;
	struct node *right = t->r;
	flatten(t->l, tail);
	t->l = t->r = NULL;
	**tail = t;
	*tail = &t->r;
	flatten(right, tail);
}

/* Takes the process's nodes that overlap the pages [a, b) out of the tree, in address
 * order. Mappings of a process never overlap, so besides those starting in [a, b) only the
 * last one starting before a can reach into it. */
static struct node *take(struct leak_regions *r, uint32_t tgid, uint64_t a, uint64_t b)
{
	struct node *lo, *mid, *hi, *list = NULL, **tail = &list;
	split(r->root, tgid, a, &lo, &mid);
	split(mid, tgid, b, &mid, &hi);
	struct node **p = &lo;
	while (*p && (*p)->r)
		p = &(*p)->r;
	if (*p && (*p)->g.tgid == tgid && page_up(r, (*p)->g.end) > a) {
		struct node *prev = *p;
		*p = prev->l;
		prev->l = NULL;
		*tail = prev;
		tail = &prev->r;
	}
	flatten(mid, &tail);
	r->root = merge(lo, hi);
	for (struct node *n = list; n; n = n->r)
		r->n--;
	return list;
}

/* Puts back what of g lies outside the pages [a, b) and returns the rest in *inside. */
static bool cut(struct leak_regions *r, const struct leak_region *g, uint64_t a, uint64_t b,
		struct leak_region *inside)
{
	if (g->start < a) {
		struct leak_region head = *g;
		head.end = a < g->end ? a : g->end;
		insert(r, &head);
	}
	if (g->end > b) {
		struct leak_region tail = *g;
		tail.start = b;
		insert(r, &tail);
	}
	*inside = *g;
	inside->start = g->start > a ? g->start : a;
	inside->end = g->end < b ? g->end : b;
	return inside->start < inside->end;
}

/* Forgets the pages [a, b) of a process. */
static void clear(struct leak_regions *r, uint32_t tgid, uint64_t a, uint64_t b)
{
	struct node *n = take(r, tgid, a, b);
	while (n) {
		struct node *next = n->r;
		struct leak_region inside;
		cut(r, &n->g, a, b, &inside);
		free(n);
		n = next;
	}
}

struct leak_regions *leak_regions_new(uint64_t max_regions, uint64_t page_size)
{
	struct leak_regions *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->max = max_regions;
	r->page = page_size ? page_size : 4096;
	r->seed = 0x9E3779B97F4A7C15ULL;
	return r;
}

void leak_regions_free(struct leak_regions *r)
{
	if (!r)
		return;
	free_tree(r->root);
	for (size_t i = 0; i < r->nops; i++)
		free(r->ops[i].pieces);
	free(r->ops);
	free(r);
}

static void add_new(struct leak_regions *r, uint32_t tgid, uint64_t addr, uint64_t len,
		    uint32_t fn, uint64_t ts_ns, const struct stack_key *key)
{
	if (r->n >= r->max) {
		r->dropped++;
		return;
	}
	struct leak_region g = { .start = addr, .end = addr + len, .ts_ns = ts_ns, .key = *key,
				 .tgid = tgid, .fn = fn };
	insert(r, &g);
}

void leak_regions_map(struct leak_regions *r, uint32_t tgid, uint64_t addr, uint64_t len,
		      uint32_t fn, uint64_t ts_ns, const struct stack_key *key)
{
	if (!valid_range(r, addr, len))
		return;
	clear(r, tgid, addr, addr + page_up(r, len));
	add_new(r, tgid, addr, len, fn, ts_ns, key);
}

void leak_regions_unmap(struct leak_regions *r, uint32_t tgid, uint64_t addr, uint64_t len)
{
	if (valid_range(r, addr, len)) /* else munmap fails with EINVAL */
		clear(r, tgid, addr, addr + page_up(r, len));
}

static struct remap_op *find_op(struct leak_regions *r, uint32_t tgid, uint32_t tid)
{
	for (size_t i = 0; i < r->nops; i++)
		if (r->ops[i].tgid == tgid && r->ops[i].tid == tid)
			return &r->ops[i];
	return NULL;
}

static void drop_op(struct leak_regions *r, struct remap_op *op)
{
	free(op->pieces);
	*op = r->ops[--r->nops];
}

/* The old range stays where it was (the call failed, or its return was never seen). */
static void restore(struct leak_regions *r, struct remap_op *op)
{
	for (size_t i = 0; i < op->n; i++)
		insert_joined(r, op->pieces[i]);
	drop_op(r, op);
}

static void hold(struct leak_regions *r, struct remap_op *op, const struct leak_region *g)
{
	if (op->n == op->cap) {
		size_t cap = op->cap ? op->cap * 2 : 4;
		struct leak_region *p = realloc(op->pieces, cap * sizeof(*p));
		if (!p) {
			r->dropped++;
			return;
		}
		op->pieces = p;
		op->cap = cap;
	}
	op->pieces[op->n++] = *g;
}

void leak_regions_remap_begin(struct leak_regions *r, uint32_t tgid, uint32_t tid, uint64_t old,
			      uint64_t old_len, uint32_t flags)
{
	struct remap_op *op = find_op(r, tgid, tid);
	if (op)
		restore(r, op); /* the previous call's return was lost */
	if (r->nops == r->capops) {
		size_t cap = r->capops ? r->capops * 2 : 8;
		struct remap_op *ops = realloc(r->ops, cap * sizeof(*ops));
		if (!ops)
			return;
		r->ops = ops;
		r->capops = cap;
	}
	op = &r->ops[r->nops++];
	*op = (struct remap_op){ .tgid = tgid, .tid = tid, .flags = flags, .old = old,
				 .old_len = old_len };
	/* mremap fails on an unaligned or wrapping old range; old_len 0 is allowed. */
	op->valid = valid_range(r, old, old_len ? old_len : 1);
	if (!op->valid)
		return;
	uint64_t end = old + page_up(r, old_len ? old_len : 1);
	if ((flags & REMAP_DONTUNMAP) || !old_len) {
		/* A copy: the old range stays mapped. */
		struct node *prev = last_before(r->root, tgid, end);
		op->copy_of_tracked = prev && prev->g.tgid == tgid && page_up(r, prev->g.end) > old;
		return;
	}
	struct node *n = take(r, tgid, old, end);
	while (n) {
		struct node *next = n->r;
		struct leak_region inside;
		if (cut(r, &n->g, old, end, &inside))
			hold(r, op, &inside);
		free(n);
		n = next;
	}
}

void leak_regions_remap_end(struct leak_regions *r, uint32_t tgid, uint32_t tid, uint64_t result,
			    uint64_t new_len, uint64_t ts_ns, const struct stack_key *key)
{
	struct remap_op *op = find_op(r, tgid, tid);
	if (!op)
		return; /* its call was lost, or not the program's */
	if (!op->valid || !valid_range(r, result, new_len)) {
		restore(r, op); /* MAP_FAILED */
		return;
	}
	/* Whatever was recorded where the result lies is gone: MREMAP_FIXED unmapped it (or
	 * its unmap was not seen). The pieces held aside are not in the tree. */
	clear(r, tgid, result, result + page_up(r, new_len));
	if ((op->flags & REMAP_DONTUNMAP) || !op->old_len) {
		if (op->copy_of_tracked)
			add_new(r, tgid, result, new_len, FN_MREMAP, ts_ns, key);
		drop_op(r, op);
		return;
	}
	/* Moved, grown or shrunk: the same allocations at their new place. A piece that
	 * reached the end of the old range takes the new length (growth in place or by a move
	 * extends the mapping at its end); what lies beyond the new length is unmapped. */
	uint64_t old_end = page_up(r, op->old_len), new_end = page_up(r, new_len);
	for (size_t i = 0; i < op->n; i++) {
		struct leak_region g = op->pieces[i];
		uint64_t rs = g.start - op->old, re = g.end - op->old;
		if (rs >= new_end)
			continue;
		if (page_up(r, re) >= old_end || re > new_len)
			re = new_len;
		g.start = result + rs;
		g.end = result + re;
		insert_joined(r, g);
	}
	drop_op(r, op);
}

void leak_regions_forget(struct leak_regions *r, uint32_t tgid)
{
	struct node *lo, *mid, *hi;
	split(r->root, tgid, 0, &lo, &mid);
	split(mid, tgid, UINT64_MAX, &mid, &hi);
	struct node *list = NULL, **tail = &list;
	flatten(mid, &tail);
	while (list) {
		struct node *next = list->r;
		free(list);
		r->n--;
		list = next;
	}
	r->root = merge(lo, hi);
	for (size_t i = r->nops; i-- > 0;)
		if (r->ops[i].tgid == tgid)
			drop_op(r, &r->ops[i]);
}

static void each_node(const struct node *t, void (*fn)(const struct leak_region *, void *),
		      void *ctx)
{
	if (!t)
		return;
	each_node(t->l, fn, ctx);
	fn(&t->g, ctx);
	each_node(t->r, fn, ctx);
}

void leak_regions_each(const struct leak_regions *r,
		       void (*fn)(const struct leak_region *g, void *ctx), void *ctx)
{
	if (!r)
		return;
	each_node(r->root, fn, ctx);
	for (size_t i = 0; i < r->nops; i++)
		for (size_t j = 0; j < r->ops[i].n; j++)
			fn(&r->ops[i].pieces[j], ctx);
}

uint64_t leak_regions_count(const struct leak_regions *r)
{
	uint64_t n = r ? r->n : 0;
	for (size_t i = 0; r && i < r->nops; i++)
		n += r->ops[i].n;
	return n;
}

uint64_t leak_regions_dropped(const struct leak_regions *r)
{
	return r ? r->dropped : 0;
}
