/* The faults command's rows, on core/keyed_table: the kernel's table read into one table
 * that keeps each row's totals and what it gained since the read before (one interval),
 * and the rows of a view, grouped by the key fields it shows and sorted busiest first.
 * Pure data but fault_table_read (a BPF map walk), so it is unit-tested directly. */
#ifndef MEMMON_FAULTS_TABLE_H
#define MEMMON_FAULTS_TABLE_H
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/keyed_table.h"
#include "faults/faults_event.h"

enum faults_view { VIEW_STACK, VIEW_FILE, VIEW_PROCESS, VIEW_PROCESS_FILE, VIEW_SUMMARY };

/* A row of the kernel's table as read so far. */
struct fault_row {
	struct fault_key key;
	struct fault_counts total; /* at the last read */
	struct fault_counts delta; /* gained between the two last reads */
};

/* A row of a view: the counts of every kernel row with the same shown fields. */
struct fault_entry {
	struct fault_key key;
	struct fault_counts c;
};

/* Which key fields a view keeps; the others are cleared before grouping. */
enum {
	FG_TGID = 1,
	FG_STACK = 2, /* user and kernel stack ids */
	FG_FILE = 4,  /* kind, file identity, hugetlb flag */
};

/* Key fields (FG_*) view v groups by. */
unsigned faults_view_mask(enum faults_view v);

/* A table of struct fault_row, or of struct fault_entry (the output of fault_group). */
void fault_table_init(struct keyed_table *t);
void fault_entries_init(struct keyed_table *t);

/* One read of the kernel's table (a BPF hash map fd): every row's total becomes the map's,
 * its delta what it gained since the read before (rows new to the table count from zero;
 * rows not in the map gain nothing). 0 or -errno. */
int fault_table_read(struct keyed_table *t, int map_fd);
/* The same read fed by hand, entry by entry (what fault_table_read does per map entry):
 * fault_table_begin, then fault_table_put for each entry. fault_table_put: 0 or -ENOMEM. */
void fault_table_begin(struct keyed_table *t);
int fault_table_put(struct keyed_table *t, const struct fault_key *k, const struct fault_counts *c);

uint64_t fault_counts_total(const struct fault_counts *c);
void fault_counts_add(struct fault_counts *to, const struct fault_counts *c);

/* Groups the rows of in (fault_row) by the fields in mask into out (fault_entry), sorted by
 * total faults, largest first, equal totals by key. totals: the rows' totals, else their
 * deltas (rows that gained nothing left out). 0 or -ENOMEM. */
int fault_group(const struct keyed_table *in, bool totals, unsigned mask, struct keyed_table *out);

#endif
