/* The compaction counting table read every interval (a core/keyed_table of compact_row):
 * totals since the start and the change since the previous read, per (process, row type,
 * result or reason). */
#ifndef MEMMON_COMPACT_TABLE_H
#define MEMMON_COMPACT_TABLE_H
#include <linux/types.h>
#include "core/keyed_table.h"
#include "pressure/compact_event.h"

struct compact_row {
	struct compact_key key;
	struct compact_value total, delta;
	char name[48]; /* the result or reason by name: filled by the command before printing */
};

/* An empty table of compact_row. */
void compact_table_init(struct keyed_table *t);
/* Reads the counts map fd; 0 or -errno. */
int compact_table_read(struct keyed_table *t, int fd);
/* Sorts by type, then time (compaction) or pages (migration), largest first. */
void compact_table_sort(struct keyed_table *t);

#endif
