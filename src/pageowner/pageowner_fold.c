#include "pageowner/pageowner_fold.h"
#include <stdlib.h>
#include <string.h>

struct po_fold {
	struct po_options opt;
	struct po_group **buckets;
	size_t nbuckets, n;
	struct po_group **sorted;
	char *keybuf; /* reused to build each record's key */
	size_t keycap;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

struct po_fold *po_fold_new(const struct po_options *o)
{
	struct po_fold *f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	f->opt = *o;
	f->nbuckets = 1024;
	f->buckets = calloc(f->nbuckets, sizeof(*f->buckets));
	if (!f->buckets)
		abort();
	return f;
}

void po_fold_free(struct po_fold *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nbuckets; i++) {
		for (struct po_group *g = f->buckets[i], *next; g; g = next) {
			next = g->next;
			free(g->key);
			free(g->header);
			free(g->stack);
			free(g->extra);
			free(g);
		}
	}
	free(f->buckets);
	free(f->sorted);
	free(f->keybuf);
	free(f);
}

size_t po_fold_count(const struct po_fold *f)
{
	return f->n;
}

static bool freed_after_alloc(const struct po_record *r)
{
	return r->free_ts_ns != 0 && r->ts_ns < r->free_ts_ns;
}

bool po_record_selected(const struct po_options *o, const struct po_record *r)
{
	if (o->skip_freed && freed_after_alloc(r))
		return false;
	if (o->npids) {
		int i = 0;
		while (i < o->npids && o->pids[i] != r->pid)
			i++;
		if (i == o->npids)
			return false;
	}
	if (o->ntgids) {
		int i = 0;
		while (i < o->ntgids && o->tgids[i] != r->tgid)
			i++;
		if (i == o->ntgids)
			return false;
	}
	if (o->ncomms) {
		int i = 0;
		while (i < o->ncomms && strcmp(o->comms[i], r->comm) != 0)
			i++;
		if (i == o->ncomms)
			return false;
	}
	return true;
}

/* page_owner_sort's rules: CMA or slab in the PFN line; vmalloc when a frame naming
 * __vmalloc_node_range directly follows one naming alloc_pages. */
int po_record_allocator(const struct po_record *r)
{
	int a = 0;
	if (strstr(r->pfn_line, "CMA"))
		a |= PO_ALLOC_CMA;
	if (strstr(r->pfn_line, "slab"))
		a |= PO_ALLOC_SLAB;
	const char *v = r->stack ? strstr(r->stack, "__vmalloc_node_range") : NULL;
	if (v) {
		const char *line = v;
		while (line > r->stack && line[-1] != '\n')
			line--;
		if (line > r->stack) {
			const char *prev = line - 1;
			while (prev > r->stack && prev[-1] != '\n')
				prev--;
			const char *ap = strstr(prev, "alloc_pages");
			if (ap && ap < line)
				a |= PO_ALLOC_VMALLOC;
		}
	}
	return a ? a : PO_ALLOC_OTHERS;
}

static void key_add(struct po_fold *f, size_t *len, const void *s, size_t n)
{
	if (*len + n + 1 > f->keycap) {
		size_t cap = f->keycap ? f->keycap : 1024;
		while (cap < *len + n + 1)
			cap *= 2;
		f->keybuf = realloc(f->keybuf, cap);
		if (!f->keybuf)
			abort();
		f->keycap = cap;
	}
	memcpy(f->keybuf + *len, s, n);
	*len += n;
	f->keybuf[*len] = '\0';
}

/* The header without its ", ts N ns" and ", free_ts N ns" fields. */
static void key_add_header(struct po_fold *f, size_t *len, const struct po_record *r)
{
	size_t pos = 0;
	size_t cut[2][2] = { { r->ts_off, r->ts_len }, { r->free_ts_off, r->free_ts_len } };
	if (cut[1][1] && (!cut[0][1] || cut[1][0] < cut[0][0])) {
		size_t t0 = cut[0][0], t1 = cut[0][1];
		cut[0][0] = cut[1][0], cut[0][1] = cut[1][1];
		cut[1][0] = t0, cut[1][1] = t1;
	}
	for (int i = 0; i < 2; i++) {
		if (!cut[i][1])
			continue;
		key_add(f, len, r->header + pos, cut[i][0] - pos);
		pos = cut[i][0] + cut[i][1];
	}
	key_add(f, len, r->header + pos, r->header_len - pos);
}

static size_t build_key(struct po_fold *f, const struct po_record *r, int allocator)
{
	size_t len = 0;
	unsigned c = f->opt.cull;
	if (!c) {
		key_add_header(f, &len, r);
		key_add(f, &len, "\n", 1);
		key_add(f, &len, r->stack, r->stack_len);
		key_add(f, &len, r->extra, r->extra_len);
		return len;
	}
	/* fixed-width binary fields first, then the strings, NUL-separated */
	if (c & PO_CULL_PID)
		key_add(f, &len, &r->pid, sizeof(r->pid));
	if (c & PO_CULL_TGID)
		key_add(f, &len, &r->tgid, sizeof(r->tgid));
	if (c & PO_CULL_FREE) {
		char released = r->free_ts_ns != 0;
		key_add(f, &len, &released, 1);
	}
	if (c & PO_CULL_ALLOCATOR)
		key_add(f, &len, &allocator, sizeof(allocator));
	if (c & PO_CULL_COMM)
		key_add(f, &len, r->comm, strlen(r->comm) + 1);
	if (c & PO_CULL_STACK)
		key_add(f, &len, r->stack, r->stack_len);
	return len;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static void grow(struct po_fold *f)
{
	size_t nb = f->nbuckets * 2;
	struct po_group **b = calloc(nb, sizeof(*b));
	if (!b)
		abort();
	for (size_t i = 0; i < f->nbuckets; i++) {
		for (struct po_group *g = f->buckets[i], *next; g; g = next) {
			next = g->next;
			g->next = b[g->hash & (nb - 1)];
			b[g->hash & (nb - 1)] = g;
		}
	}
	free(f->buckets);
	f->buckets = b;
	f->nbuckets = nb;
}

void po_fold_add(struct po_fold *f, const struct po_record *r)
{
	int allocator = po_record_allocator(r);
	size_t len = build_key(f, r, allocator);
	uint64_t h = hash_bytes(f->keybuf, len);
	struct po_group *g = f->buckets[h & (f->nbuckets - 1)];
	while (g && !(g->hash == h && g->keylen == len && memcmp(g->key, f->keybuf, len) == 0))
		g = g->next;
	uint64_t pages = 1ULL << r->order;
	if (g) {
		g->times++;
		g->pages += pages;
		if (r->has_ts && (!g->has_ts || r->ts_ns < g->ts_ns)) {
			g->ts_ns = r->ts_ns;
			g->has_ts = true;
			free(g->header);
			g->header = xstrndup(r->header, r->header_len);
		}
		if (r->free_ts_ns > g->free_ts_ns)
			g->free_ts_ns = r->free_ts_ns;
		return;
	}
	if (f->n >= f->nbuckets)
		grow(f);
	g = calloc(1, sizeof(*g));
	if (!g)
		abort();
	g->hash = h;
	g->key = xstrndup(f->keybuf, len);
	g->keylen = len;
	g->header = xstrndup(r->header, r->header_len);
	g->stack = xstrndup(r->stack, r->stack_len);
	g->extra = f->opt.cull ? xstrndup("", 0) : xstrndup(r->extra, r->extra_len);
	strncpy(g->comm, r->comm, sizeof(g->comm) - 1);
	g->pid = r->pid;
	g->tgid = r->tgid;
	g->order = r->order;
	g->gfp_mask = r->gfp_mask;
	g->times = 1;
	g->pages = pages;
	g->ts_ns = r->ts_ns;
	g->has_ts = r->has_ts;
	g->free_ts_ns = r->free_ts_ns;
	g->allocator = allocator;
	size_t b = h & (f->nbuckets - 1);
	g->next = f->buckets[b];
	f->buckets[b] = g;
	f->n++;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_key(const struct po_group *a, const struct po_group *b, enum po_key k)
{
	switch (k) {
	case PO_KEY_TIMES: return cmp_u64(a->times, b->times);
	case PO_KEY_PAGES: return cmp_u64(a->pages, b->pages);
	case PO_KEY_PID: return a->pid < b->pid ? -1 : a->pid > b->pid;
	case PO_KEY_TGID: return a->tgid < b->tgid ? -1 : a->tgid > b->tgid;
	case PO_KEY_COMM: return strcmp(a->comm, b->comm);
	case PO_KEY_STACK: return strcmp(a->stack, b->stack);
	case PO_KEY_TXT: {
		int c = strcmp(a->header, b->header);
		if (c)
			return c;
		c = strcmp(a->stack, b->stack);
		return c ? c : strcmp(a->extra, b->extra);
	}
	case PO_KEY_ALLOC_TS: return cmp_u64(a->ts_ns, b->ts_ns);
	case PO_KEY_FREE_TS: return cmp_u64(a->free_ts_ns, b->free_ts_ns);
	case PO_KEY_ALLOCATOR: return a->allocator < b->allocator ? -1 : a->allocator > b->allocator;
	}
	return 0;
}

static const struct po_options *sort_opt; /* qsort has no context argument */

static int cmp_groups(const void *pa, const void *pb)
{
	const struct po_group *a = *(struct po_group *const *)pa, *b = *(struct po_group *const *)pb;
	for (int i = 0; i < sort_opt->nsort; i++) {
		int c = cmp_key(a, b, sort_opt->sort[i].key);
		if (c)
			return c * sort_opt->sort[i].sign;
	}
	/* the same input always gives the same report */
	if (a->keylen != b->keylen || memcmp(a->key, b->key, a->keylen)) {
		size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
		int c = memcmp(a->key, b->key, n);
		return c ? c : (a->keylen < b->keylen ? -1 : 1);
	}
	return 0;
}

struct po_group **po_fold_sorted(struct po_fold *f, size_t *n)
{
	free(f->sorted);
	f->sorted = xmalloc(sizeof(*f->sorted) * (f->n ? f->n : 1));
	size_t k = 0;
	for (size_t i = 0; i < f->nbuckets; i++)
		for (struct po_group *g = f->buckets[i]; g; g = g->next)
			f->sorted[k++] = g;
	sort_opt = &f->opt;
	qsort(f->sorted, k, sizeof(*f->sorted), cmp_groups);
	sort_opt = NULL;
	*n = k;
	return f->sorted;
}
