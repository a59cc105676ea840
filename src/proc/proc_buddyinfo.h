/* Parser of /proc/buddyinfo (free blocks per order per zone) and the external
 * fragmentation figure derived from it. */
#ifndef MEMMON_PROC_BUDDYINFO_H
#define MEMMON_PROC_BUDDYINFO_H
#include <stddef.h>
#include <stdint.h>

#define BUDDY_MAX_ORDERS 16
#define BUDDY_MAX_ZONES 64

struct buddy_zone {
	int node;
	char name[16];
	int norders;
	uint64_t free[BUDDY_MAX_ORDERS]; /* free blocks of 2^order pages */
};

/* Returns the number of zones (at most max), or -EINVAL for a malformed line. */
int buddyinfo_parse(const char *text, size_t len, struct buddy_zone *zones, int max);
/* Free pages in the zone. */
uint64_t buddy_free_pages(const struct buddy_zone *z);
/* Unusable free space index at order: the share of free memory in blocks too small for a
 * 2^order allocation (0 = none, 1 = all of it; 0 when nothing is free). */
double buddy_unusable_index(const struct buddy_zone *z, int order);

#endif
