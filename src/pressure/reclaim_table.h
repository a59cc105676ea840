/* The reclaim statistics map read once per interval into a core/keyed_table of vmscan_row:
 * each row's change since the last read (the map only grows, so counters are never reset
 * under concurrent updates) and the totals since the start. */
#ifndef MEMMON_RECLAIM_TABLE_H
#define MEMMON_RECLAIM_TABLE_H
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "core/keyed_table.h"
#include "pressure/reclaim_event.h"

struct vmscan_row {
	struct vmscan_key key;
	struct vmscan_stats total; /* since the start */
	struct vmscan_stats delta; /* since the previous read */
};

/* An empty table of vmscan_row. */
void reclaim_table_init(struct keyed_table *t);
/* Reads every entry of the stats map fd; 0 or -errno. */
int reclaim_table_read(struct keyed_table *t, int fd);
/* delta = cur - prev for every counter (names and comm come from cur). */
void vmscan_stats_diff(const struct vmscan_stats *cur, const struct vmscan_stats *prev,
		       struct vmscan_stats *delta);
bool vmscan_stats_zero(const struct vmscan_stats *s);
/* Sorts rows by the time they spent reclaiming (the given view), largest first. */
void reclaim_table_sort(struct keyed_table *t, bool by_delta);

#endif
