#include "core/keyed_table.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ktable_init(struct keyed_table *t, size_t key_size, size_t row_size)
{
	memset(t, 0, sizeof(*t));
	t->key_size = key_size;
	t->row_size = row_size;
}

/* FNV-1a over the key bytes, then a final mix so low bits spread. */
static uint64_t key_hash(const void *key, size_t n)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t slot_of(const struct keyed_table *t, const void *key)
{
	size_t mask = t->nslots - 1, i = key_hash(key, t->key_size) & mask;
	while (t->slots[i] && memcmp(ktable_row(t, t->slots[i] - 1), key, t->key_size))
		i = (i + 1) & mask;
	return i;
}

/* Puts every row back into the index (after rows moved). */
static void rebuild_index(struct keyed_table *t)
{
	if (!t->nslots)
		return;
	memset(t->slots, 0, t->nslots * sizeof(*t->slots));
	for (size_t r = 0; r < t->n; r++)
		t->slots[slot_of(t, ktable_row(t, r))] = (uint32_t)(r + 1);
}

static int grow_index(struct keyed_table *t, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	rebuild_index(t);
	return 0;
}

void *ktable_find(const struct keyed_table *t, const void *key)
{
	if (!t->nslots)
		return NULL;
	uint32_t s = t->slots[slot_of(t, key)];
	return s ? ktable_row(t, s - 1) : NULL;
}

void *ktable_get(struct keyed_table *t, const void *key, bool *created)
{
	if (created)
		*created = false;
	void *row = ktable_find(t, key);
	if (row)
		return row;
	if (t->n >= UINT32_MAX - 1)
		return NULL;
	if (2 * (t->n + 1) > t->nslots && grow_index(t, t->nslots ? 2 * t->nslots : 64))
		return NULL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		unsigned char *rows = realloc(t->rows, cap * t->row_size);
		if (!rows)
			return NULL;
		t->rows = rows;
		t->cap = cap;
	}
	row = ktable_row(t, t->n);
	memset(row, 0, t->row_size);
	memcpy(row, key, t->key_size);
	t->slots[slot_of(t, key)] = (uint32_t)(++t->n);
	if (created)
		*created = true;
	return row;
}

void ktable_sort(struct keyed_table *t, int (*cmp)(const void *a, const void *b))
{
	if (t->n < 2)
		return;
	qsort(t->rows, t->n, t->row_size, cmp);
	rebuild_index(t);
}

void ktable_filter(struct keyed_table *t, bool (*keep)(const void *row, void *ctx), void *ctx)
{
	size_t out = 0;
	for (size_t i = 0; i < t->n; i++) {
		void *row = ktable_row(t, i);
		if (!keep(row, ctx))
			continue;
		if (out != i)
			memcpy(ktable_row(t, out), row, t->row_size);
		out++;
	}
	t->n = out;
	rebuild_index(t);
}

void ktable_clear(struct keyed_table *t)
{
	t->n = 0;
	if (t->slots)
		memset(t->slots, 0, t->nslots * sizeof(*t->slots));
}

void ktable_free(struct keyed_table *t)
{
	free(t->rows);
	free(t->slots);
	size_t k = t->key_size, r = t->row_size;
	memset(t, 0, sizeof(*t));
	t->key_size = k;
	t->row_size = r;
}

int ktable_read_bpf_map(struct keyed_table *t, int map_fd, size_t value_size, ktable_merge_fn fn,
			void *ctx)
{
	unsigned char key[512], next[512], value_small[1024];
	/* The map must be what the table says: keys of the table's size, values of value_size,
	 * one per key (a per-CPU map would write a value per CPU). */
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.key_size != t->key_size || info.value_size != value_size ||
	    t->key_size > sizeof(key) || info.type == BPF_MAP_TYPE_PERCPU_HASH ||
	    info.type == BPF_MAP_TYPE_LRU_PERCPU_HASH || info.type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return -EINVAL;
	unsigned char *value = value_size <= sizeof(value_small) ? value_small : malloc(value_size);
	if (!value)
		return -ENOMEM;
	int rc = 0;
	void *prev = NULL;
	while (bpf_map_get_next_key(map_fd, prev, next) == 0) {
		memcpy(key, next, t->key_size);
		prev = key;
		if (bpf_map_lookup_elem(map_fd, key, value))
			continue; /* deleted meanwhile */
		bool created;
		void *row = ktable_get(t, key, &created);
		if (!row) {
			rc = -ENOMEM;
			break;
		}
		fn(row, created, value, ctx);
	}
	if (value != value_small)
		free(value);
	return rc;
}
