/* The reclaim statistics map read once per interval: each row's change since the last read
 * (the map only grows, so counters are never reset under concurrent updates) and the
 * totals since the start. */
#ifndef MEMMON_VMSCAN_TABLE_H
#define MEMMON_VMSCAN_TABLE_H
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "vmscan_event.h"

struct vmscan_row {
	struct vmscan_key key;
	struct vmscan_stats total; /* since the start */
	struct vmscan_stats delta; /* since the previous read */
};

struct vmscan_table {
	struct vmscan_row *rows;
	size_t n, cap;
};

/* Reads every entry of the stats map fd; 0 or -errno. */
int vmscan_table_read(struct vmscan_table *t, int fd);
/* delta = cur - prev for every counter (names and comm come from cur). */
void vmscan_stats_diff(const struct vmscan_stats *cur, const struct vmscan_stats *prev,
		       struct vmscan_stats *delta);
bool vmscan_stats_zero(const struct vmscan_stats *s);
/* Sorts rows by the time they spent reclaiming (the given view), largest first. */
void vmscan_table_sort(struct vmscan_table *t, bool by_delta);
void vmscan_table_free(struct vmscan_table *t);

#endif
