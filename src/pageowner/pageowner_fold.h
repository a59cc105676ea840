/* Folding of page_owner records into blocks, as tools/mm/page_owner_sort does, but in a
 * hash table keyed by what is folded (memory grows with distinct blocks, not records).
 * Without --cull, records fold when their text is the same except timestamps (header with
 * ts/free_ts removed, stack, extra lines); with --cull, when the chosen fields match. */
#ifndef MEMMON_PAGEOWNER_FOLD_H
#define MEMMON_PAGEOWNER_FOLD_H
#include "pageowner/pageowner_parse.h"
#include <stdbool.h>
#include <stdint.h>

enum po_key {
	PO_KEY_TIMES, PO_KEY_PAGES, PO_KEY_PID, PO_KEY_TGID, PO_KEY_COMM, PO_KEY_STACK,
	PO_KEY_TXT, PO_KEY_ALLOC_TS, PO_KEY_FREE_TS, PO_KEY_ALLOCATOR,
};

enum {
	PO_CULL_PID = 1 << 0,
	PO_CULL_TGID = 1 << 1,
	PO_CULL_COMM = 1 << 2,
	PO_CULL_STACK = 1 << 3,
	PO_CULL_FREE = 1 << 4,
	PO_CULL_ALLOCATOR = 1 << 5,
};

/* Which allocator a block comes from, as page_owner_sort decides it. */
enum {
	PO_ALLOC_CMA = 1 << 0,
	PO_ALLOC_SLAB = 1 << 1,
	PO_ALLOC_VMALLOC = 1 << 2,
	PO_ALLOC_OTHERS = 1 << 3,
};

#define PO_MAX_SORT 16
#define PO_MAX_LIST 256

struct po_sort_key {
	enum po_key key;
	int sign; /* 1 ascending, -1 descending */
};

struct po_options {
	unsigned cull;
	struct po_sort_key sort[PO_MAX_SORT];
	int nsort;
	int pids[PO_MAX_LIST], npids;
	int tgids[PO_MAX_LIST], ntgids;
	char *comms[PO_MAX_LIST];
	int ncomms;
	bool skip_freed; /* -f: leave out blocks freed after their allocation */
};

struct po_group {
	struct po_group *next; /* hash chain */
	uint64_t hash;
	char *key;             /* what folds; without --cull: header sans ts + stack + extra */
	size_t keylen;
	char *header;          /* header of the earliest allocation (without --cull) */
	char *stack;           /* frame lines, each ending in '\n' */
	char *extra;           /* extra lines (without --cull) */
	char comm[PO_COMM_MAX];
	int pid, tgid;
	unsigned order;
	uint64_t gfp_mask;
	uint64_t times, pages;
	uint64_t ts_ns;        /* earliest allocation */
	uint64_t free_ts_ns;   /* latest free_ts */
	bool has_ts;
	int allocator;
};

struct po_fold;
struct po_fold *po_fold_new(const struct po_options *o);
void po_fold_free(struct po_fold *f);
/* The filters (--pid, --tgid, --name, -f): true if the record is kept. */
bool po_record_selected(const struct po_options *o, const struct po_record *r);
/* Adds a selected record. */
void po_fold_add(struct po_fold *f, const struct po_record *r);
/* The blocks in report order (sorted by the options); the array is owned by f. */
struct po_group **po_fold_sorted(struct po_fold *f, size_t *n);
size_t po_fold_count(const struct po_fold *f);
int po_record_allocator(const struct po_record *r);

#endif
