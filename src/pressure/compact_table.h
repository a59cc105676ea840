/* The compaction counting table read every interval: totals since the start and the change
 * since the previous read, per (process, row type, result or reason). */
#ifndef MEMMON_COMPACT_TABLE_H
#define MEMMON_COMPACT_TABLE_H
#include <linux/types.h>
#include <stddef.h>
#include "pressure/compact_event.h"

struct compact_row {
	struct compact_key key;
	struct compact_value total, delta;
};

struct compact_table {
	struct compact_row *rows;
	size_t n, cap;
};

/* 0 or -errno. */
int compact_table_read(struct compact_table *t, int fd);
/* Sorts by type, then time (compaction) or pages (migration), largest first. */
void compact_table_sort(struct compact_table *t);
void compact_table_free(struct compact_table *t);

#endif
