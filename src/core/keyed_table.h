/* The one container of every command's rows: rows of one fixed size that begin with a
 * fixed-size key, kept in one array (so a printer sorts and walks them like an array) and
 * found by key through an open-addressing hash index (so aggregating a million entries
 * stays linear). Pure data: no I/O but ktable_read_bpf_map, which walks a BPF hash map
 * into the table. */
#ifndef MEMMON_KEYED_TABLE_H
#define MEMMON_KEYED_TABLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keyed_table {
	size_t key_size, row_size;
	unsigned char *rows; /* n rows of row_size bytes; the key is each row's first bytes */
	size_t n, cap;
	uint32_t *slots;     /* row index + 1; 0 = empty */
	size_t nslots;       /* a power of two, at least twice n */
};

/* key_size bytes at the start of each row_size-byte row are its key. */
void ktable_init(struct keyed_table *t, size_t key_size, size_t row_size);
/* For a row struct whose first member is its key. */
#define KTABLE_INIT(t, row_type, key_member)                                              \
	do {                                                                               \
		_Static_assert(offsetof(row_type, key_member) == 0, "the key comes first"); \
		ktable_init((t), sizeof(((row_type *)0)->key_member), sizeof(row_type));   \
	} while (0)

/* The row of key, or NULL. */
void *ktable_find(const struct keyed_table *t, const void *key);
/* The row of key, created zeroed with the key copied in if absent (*created then true;
 * created may be NULL). NULL when out of memory. A row pointer is valid until the next
 * ktable_get, ktable_sort, ktable_filter, ktable_clear or ktable_free; key must not point
 * into the table itself. Keys compare as bytes: zero a key's padding before use. */
void *ktable_get(struct keyed_table *t, const void *key, bool *created);

static inline size_t ktable_count(const struct keyed_table *t)
{
	return t->n;
}
static inline void *ktable_row(const struct keyed_table *t, size_t i)
{
	return t->rows + i * t->row_size;
}

/* Sorts the rows with qsort's cmp (on whole rows) and rebuilds the index. */
void ktable_sort(struct keyed_table *t, int (*cmp)(const void *a, const void *b));
/* Drops the rows where keep(row, ctx) is false, keeping the order. */
void ktable_filter(struct keyed_table *t, bool (*keep)(const void *row, void *ctx), void *ctx);
/* Empties the table, keeping its memory. */
void ktable_clear(struct keyed_table *t);
void ktable_free(struct keyed_table *t);

/* Walks every entry of a BPF hash map (keys of the table's key size, value_size-byte
 * values, not per-CPU: else -EINVAL) and calls fn with the entry's row (created when new)
 * and value: the usual use keeps totals and the change since the last read in the row.
 * 0, or -errno (ENOMEM). A hash map walk restarts from its first key when the key it was
 * at is deleted meanwhile, so fn may see an entry twice in one walk: fn must give the
 * same row either way (set totals from the value, do not add it). The counting maps
 * memmon reads this way never delete entries. */
typedef void (*ktable_merge_fn)(void *row, bool created, const void *value, void *ctx);
int ktable_read_bpf_map(struct keyed_table *t, int map_fd, size_t value_size, ktable_merge_fn fn,
			void *ctx);

#endif
