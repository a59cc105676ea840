#include "snapshot/mem_rows.h"
#include <errno.h>
#include <string.h>

void mem_rows_init(struct keyed_table *t)
{
	KTABLE_INIT(t, struct mem_row, key);
}

struct mem_row *mem_rows_get(struct keyed_table *t, const char *name)
{
	char key[SMAPS_NAME_MAX] = { 0 }; /* zero-padded: the whole buffer is the key */
	strncpy(key, name, sizeof(key) - 1);
	return ktable_get(t, key, NULL);
}

int mem_rows_merge(struct keyed_table *dst, const struct keyed_table *src)
{
	for (size_t i = 0; i < ktable_count(src); i++) {
		const struct mem_row *s = mem_row_at(src, i);
		struct mem_row *d = ktable_get(dst, s->key, NULL);
		if (!d)
			return -ENOMEM;
		mem_counts_add(&d->c, &s->c);
		d->count += s->count;
		d->pids++;
	}
	return 0;
}

static const char *const column_names[] = {
	[COL_PID] = "pid", [COL_USER] = "user", [COL_COMMAND] = "command", [COL_COUNT] = "count",
	[COL_PIDS] = "pids", [COL_MAP] = "map", [COL_SWAP] = "swap", [COL_SWAPPSS] = "swappss",
	[COL_USS] = "uss", [COL_PSS] = "pss", [COL_RSS] = "rss", [COL_VSS] = "vss",
	[COL_OOM] = "oom",
};

int ps_column_parse(const char *name, enum ps_mode mode, enum ps_column *out)
{
	for (size_t i = 0; i < sizeof(column_names) / sizeof(column_names[0]); i++) {
		if (strcmp(name, column_names[i]))
			continue;
		enum ps_column c = (enum ps_column)i;
		bool ok = (c >= COL_SWAP && c != COL_OOM) ||
			  (mode == PS_BY_PROCESS &&
			   (c == COL_PID || c == COL_USER || c == COL_COMMAND || c == COL_OOM)) ||
			  (mode == PS_BY_USER && (c == COL_USER || c == COL_COUNT)) ||
			  (mode == PS_BY_MAPPING && (c == COL_MAP || c == COL_COUNT || c == COL_PIDS));
		if (!ok)
			return -1;
		*out = c;
		return 0;
	}
	return -1;
}

uint64_t mem_row_number(const struct mem_row *r, enum ps_column c)
{
	switch (c) {
	case COL_PID: return (uint64_t)r->pid;
	case COL_COUNT: return r->count;
	case COL_PIDS: return r->pids;
	case COL_SWAP: return r->c.swap;
	case COL_SWAPPSS: return r->c.swap_pss;
	case COL_USS: return mem_uss(&r->c);
	case COL_PSS: return r->c.pss;
	case COL_RSS: return r->c.rss;
	case COL_VSS: return r->c.size;
	default: return 0;
	}
}

/* The order of one sort; qsort (and so ktable_sort) has no context argument. */
static struct {
	enum ps_mode mode;
	enum ps_column col;
	bool reverse;
} order;

static int cmp_rows(const void *a, const void *b)
{
	const struct mem_row *x = a, *y = b;
	int d;
	switch (order.col) {
	case COL_USER: d = strcmp(x->user, y->user); break;
	case COL_COMMAND: d = strcmp(x->command, y->command); break;
	case COL_MAP: d = strcmp(x->key, y->key); break;
	case COL_PID: d = (x->pid > y->pid) - (x->pid < y->pid); break;
	case COL_OOM:
		d = (x->oom_score < y->oom_score) - (x->oom_score > y->oom_score);
		if (!d)
			d = (x->oom_score_adj < y->oom_score_adj) - (x->oom_score_adj > y->oom_score_adj);
		break;
	default: {
		uint64_t u = mem_row_number(x, order.col), v = mem_row_number(y, order.col);
		d = (u < v) - (u > v); /* largest first */
	}
	}
	if (d == 0) /* stable, readable tie order */
		d = order.mode == PS_BY_PROCESS ? (x->pid > y->pid) - (x->pid < y->pid) : strcmp(x->key, y->key);
	return order.reverse ? -d : d;
}

void mem_rows_sort(struct keyed_table *t, enum ps_mode mode, enum ps_column col, bool reverse)
{
	order.mode = mode;
	order.col = col;
	order.reverse = reverse;
	ktable_sort(t, cmp_rows);
}
