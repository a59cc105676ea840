/* memmon heap's accounting: the events of every traced process, in time order, become
 * per-stack totals (the rows of the report, in one keyed table a printer or a profile
 * writer walks), per-process totals with the heap's peak, and the live blocks.
 *
 * Peak: each stack's bytes at its process's heap peak are kept lazily: a stack's value
 * changes only when it allocates or frees, so when it does, the value it had at the last
 * peak (if a peak came since its last change) is saved first. O(1) per event.
 * Sampled mode: each recorded allocation stands for size / (1 - exp(-size / rate)) bytes
 * and that divided by size allocations (an unbiased estimate under Poisson sampling by
 * bytes); frees take back what their block stood for. Exact mode: weight 1. */
#ifndef MEMMON_HEAP_ACCOUNT_H
#define MEMMON_HEAP_ACCOUNT_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/keyed_table.h"

struct heap_stack_key {
	uint32_t proc;  /* process slot */
	uint32_t stack; /* stack table slot; 0 none */
};

/* One row per (process, stack): what a pprof/folded writer needs (the four sample types
 * allocations/allocated bytes, in use count/bytes) and heaptrack's temporary and peak. */
struct heap_stack_row {
	struct heap_stack_key key;
	double allocations, allocated_bytes, temporary;
	double live_count, live_bytes; /* now; at the end, leaked */
	double peak_saved;             /* live_bytes at its process's last peak (see above) */
	uint32_t peak_epoch;           /* the process's peak epoch when peak_saved was taken */
	uint32_t pad;
};

struct heap_proc_acct {
	uint32_t slot;
	pid_t pid, ppid;
	bool forked, replaced; /* replaced: the pid exec'd another image since */
	bool attached;         /* a running process (-p), not launched */
	bool dead;
	double live_bytes, live_count, peak_bytes;
	uint64_t peak_tsc;
	uint32_t peak_epoch;
	double allocations, allocated_bytes, temporary;
	uint64_t unknown_frees; /* frees of blocks allocated before tracing (or inherited) */
};

struct heap_block {
	uint64_t key; /* 0: empty */
	uint32_t row; /* index into the rows table */
	uint32_t pad;
	double bytes, count; /* what it stands for */
};

struct heap_account {
	uint64_t sample_bytes; /* 0: exact */
	struct keyed_table rows; /* struct heap_stack_row */
	struct heap_proc_acct *procs;
	uint32_t nprocs;
	struct heap_block *blocks;
	uint64_t nblocks, cap; /* cap: a power of two */
	uint64_t events;
	/* (process, stack) -> row, direct-mapped: most events come from a few hot sites */
	struct { uint64_t key; uint32_t row; } row_cache[4096];
};

/* Blocks: open addressing by process and address (heap_account.c). */
static inline uint64_t heap_block_key(uint32_t proc, uint64_t ptr)
{
	return ptr ^ ((uint64_t)(proc + 1) << 52);
}

static inline uint64_t heap_block_slot(const struct heap_account *a, uint64_t key)
{
	return (key >> 4) * 0x9e3779b97f4a7c15ull >> 20 & (a->cap - 1);
}

/* An event a few ahead will look its block up: fetch the slot now. The table is far
 * larger than the caches (a program with millions of live blocks), so each lookup would
 * otherwise wait for memory, one after the other. */
static inline void heap_account_prefetch(const struct heap_account *a, uint32_t proc, uint64_t ptr)
{
	if (a->cap)
		__builtin_prefetch(&a->blocks[heap_block_slot(a, heap_block_key(proc, ptr))], 1);
}

void heap_account_init(struct heap_account *a, uint64_t sample_bytes);
void heap_account_free(struct heap_account *a);
/* The process of a slot, created (zeroed) if new. NULL when out of memory. */
struct heap_proc_acct *heap_account_proc(struct heap_account *a, uint32_t slot);
/* A thread's last allocation, for heaptrack's rule of temporary: a free that is the
 * thread's next allocator call after it (no allocation or free between) is temporary when
 * the block it frees has this allocation's stack and size (heaptrack matches those, not
 * the address: freeing the first of 64 equal blocks right after the 64th counts). */
struct heap_last_alloc {
	uint32_t row;  /* +1; 0: none */
	double bytes;
};
/* Returns what the block is to heap_account_free_block's rule (row 0: not accounted). */
struct heap_last_alloc heap_account_alloc(struct heap_account *a, uint32_t proc, uint64_t ptr,
					  uint64_t size, uint32_t stack, uint64_t tsc);
/* after: the thread's last allocation when this free is its next call, else NULL. */
void heap_account_free_block(struct heap_account *a, uint32_t proc, uint64_t ptr,
			     const struct heap_last_alloc *after);
/* A process whose image was replaced by exec: its blocks are forgotten (not leaks). */
void heap_account_forget_proc(struct heap_account *a, uint32_t proc);
/* A row's bytes at its process's peak. */
double heap_row_peak(const struct heap_account *a, const struct heap_stack_row *r);
/* Total live bytes over every process. */
double heap_account_live(const struct heap_account *a);

#endif
