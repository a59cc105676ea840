/* The faults command's rows: snapshots of the kernel's table, differences between two
 * snapshots (one interval), and grouping by the fields a view shows. Pure data, no BPF,
 * so it is unit-tested directly. */
#ifndef MEMMON_FAULTS_TABLE_H
#define MEMMON_FAULTS_TABLE_H
#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>
#include "faults/faults_event.h"

struct fault_entry {
	struct fault_key key;
	struct fault_counts c;
};

/* A snapshot: entries sorted by key. */
struct fault_snapshot {
	struct fault_entry *e;
	size_t n, cap;
};

/* Which key fields a view keeps; the others are cleared before grouping. */
enum {
	FG_TGID = 1,
	FG_STACK = 2, /* user and kernel stack ids */
	FG_FILE = 4,  /* kind, file identity, hugetlb flag */
};

void fault_snapshot_init(struct fault_snapshot *s);
void fault_snapshot_free(struct fault_snapshot *s);
/* Adds an entry (the snapshot is unsorted until fault_snapshot_sort). 0 or -ENOMEM. */
int fault_snapshot_add(struct fault_snapshot *s, const struct fault_key *k,
		       const struct fault_counts *c);
void fault_snapshot_sort(struct fault_snapshot *s);
/* Reads every row of the kernel's table (a BPF hash map fd) into s, sorted. 0 or -errno. */
int fault_snapshot_read(struct fault_snapshot *s, int map_fd);

/* out = cur - prev per key (keys only in cur count from zero; zero rows are dropped). */
int fault_snapshot_delta(const struct fault_snapshot *cur, const struct fault_snapshot *prev,
			 struct fault_snapshot *out);

uint64_t fault_counts_total(const struct fault_counts *c);
void fault_counts_add(struct fault_counts *to, const struct fault_counts *c);

/* Groups in by the fields in mask into out, sorted by total faults, largest first. */
int fault_group(const struct fault_snapshot *in, unsigned mask, struct fault_snapshot *out);

#endif
