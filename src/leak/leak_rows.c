#include "leak/leak_rows.h"
#include <errno.h>
#include <stdbool.h>

void leak_rows_init(struct keyed_table *rows)
{
	KTABLE_INIT(rows, struct leak_row, key);
}

struct leak_row *leak_rows_get(struct keyed_table *rows, const struct stack_key *key)
{
	return ktable_get(rows, key, NULL);
}

int leak_rows_add(struct keyed_table *rows, const struct stack_key *key, uint64_t size,
		  uint32_t fn, uint64_t ts_ns)
{
	struct leak_row *r = leak_rows_get(rows, key);
	if (!r)
		return -ENOMEM;
	r->bytes += size;
	r->count++;
	r->fn = fn;
	if (ts_ns && (!r->oldest_ns || ts_ns < r->oldest_ns))
		r->oldest_ns = ts_ns;
	return 0;
}

/* The BPF side keeps the totals themselves (not deltas): a row takes them as they are. */
static void take_totals(void *row, bool created, const void *value, void *ctx)
{
	struct leak_row *r = row;
	const struct stack_stats *s = value;
	r->bytes = s->bytes;
	r->count = s->count;
	r->fn = s->fn;
}

static bool has_allocations(const void *row, void *ctx)
{
	return ((const struct leak_row *)row)->count != 0;
}

int leak_rows_read_totals(struct keyed_table *rows, int combined_fd)
{
	int err = ktable_read_bpf_map(rows, combined_fd, sizeof(struct stack_stats), take_totals, NULL);
	/* every allocation of a stack freed: the BPF side keeps the entry at zero */
	ktable_filter(rows, has_allocations, NULL);
	return err;
}

static int most_bytes_first(const void *a, const void *b)
{
	const struct leak_row *x = a, *y = b;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return 0;
}

void leak_rows_sort(struct keyed_table *rows)
{
	ktable_sort(rows, most_bytes_first);
}
