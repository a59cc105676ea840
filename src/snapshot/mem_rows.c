#include "snapshot/mem_rows.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t hash_key(const char *s)
{
	size_t h = 1469598103934665603ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int rehash(struct mem_rows *t, size_t nslots)
{
	size_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = hash_key(t->rows[i].key) & (nslots - 1);
		while (slots[h])
			h = (h + 1) & (nslots - 1);
		slots[h] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

struct mem_row *mem_rows_get(struct mem_rows *t, const char *key)
{
	if (t->nslots < 2 * (t->n + 1) && rehash(t, t->nslots ? t->nslots * 2 : 256))
		return NULL;
	size_t h = hash_key(key) & (t->nslots - 1);
	while (t->slots[h]) {
		struct mem_row *r = &t->rows[t->slots[h] - 1];
		if (strcmp(r->key, key) == 0)
			return r;
		h = (h + 1) & (t->nslots - 1);
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 128;
		struct mem_row *rows = realloc(t->rows, cap * sizeof(*rows));
		if (!rows)
			return NULL;
		t->rows = rows;
		t->cap = cap;
	}
	struct mem_row *r = &t->rows[t->n];
	memset(r, 0, sizeof(*r));
	snprintf(r->key, sizeof(r->key), "%s", key);
	t->slots[h] = ++t->n;
	return r;
}

void mem_rows_free(struct mem_rows *t)
{
	free(t->rows);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
