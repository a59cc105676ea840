/* libmemmon_heap.so's parts: the allocator wrappers (heap_preload.c), the stack walker by
 * memmon's unwind tables (heap_walk.c) and the stack table (heap_stacks.c). Nothing here
 * may call malloc: the library runs inside the program's allocator calls. */
#ifndef MEMMON_HEAP_LIB_H
#define MEMMON_HEAP_LIB_H
#include "heap/heap_shm.h"
#include "symbols/unwind_event.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define HIDDEN __attribute__((visibility("hidden")))
#define RULE_CACHE 1024 /* per thread, direct-mapped by return address */

struct rule_cache_entry {
	uint64_t ip; /* lookup address; 0: empty */
	struct unwind_rule rule;
	uint32_t kind; /* 0: rule holds; else the enum unwind_end a walk meets here */
	uint32_t gen;  /* the maps snapshot it was found in */
};

/* What a walk read: each word of the stack (its offset from the first sp, its value)
 * and the caller's bp if a rule used it (offset WALK_BP). With the same first ip and sp,
 * the same words give the same walk: the walk cache's check. */
#define WALK_READS 64
#define WALK_BP UINT32_MAX
struct walk_log {
	uint64_t sp0;
	uint32_t n; /* words read; past WALK_READS: too many to keep */
	uint32_t off[WALK_READS];
	uint64_t val[WALK_READS];
};

#define WALK_CACHE 128 /* per thread, direct-mapped by the first ip and sp */
struct walk_cache_entry {
	uint64_t ip; /* 0: empty */
	uint32_t gen;   /* the maps snapshot it was walked in */
	uint32_t stack; /* its slot in the stack table */
	struct walk_log log;
};

/* A thread's state: private memory (mmap), found through one TLS pointer. */
struct heap_thread {
	struct heap_ring *ring; /* NULL until the first event */
	struct heap_event *ev;
	uint64_t mask, head, tail_seen;
	uint64_t stack_lo, stack_hi; /* the thread's stack: walks read nowhere else */
	struct rule_cache_entry cache[RULE_CACHE];
	struct walk_cache_entry walks[WALK_CACHE];
};

/* The shared memory and tables, set once at start (and again in a forked child). */
struct heap_lib {
	struct heap_shm_header *shm;
	const struct unwind_shared_header *tables; /* NULL: no tables, stacks are one frame */
	uint32_t proc;                              /* our process slot */
	pid_t pid;
};
extern struct heap_lib heap_lib HIDDEN;

uint64_t heap_tsc(void) HIDDEN;

/* Walks the stack of the current thread from a frame's (ip, sp, bp), ip a return address.
 * Returns the frame count; *end says why the walk ended (enum unwind_end). log: NULL, or
 * where the walk notes what it read. */
int heap_walk(struct heap_thread *t, uint64_t ip, uint64_t sp, uint64_t bp, uint64_t *frames,
	      int max, uint32_t *end, struct walk_log *log) HIDDEN;
/* The stack table slot of the stack from (ip, sp, bp): the thread's walk cache when the
 * words the last walk from there read are unchanged, else a walk (heap_walk_cache.c). */
uint32_t heap_stack_from(struct heap_thread *t, uint64_t ip, uint64_t sp, uint64_t bp) HIDDEN;
/* The generation of the current maps snapshot (0: none yet), published after it. */
extern uint32_t heap_snap_gen HIDDEN;
static inline uint32_t heap_maps_gen(void)
{
	return __atomic_load_n(&heap_snap_gen, __ATOMIC_ACQUIRE);
}
/* Copies /proc/self/maps into our process slot and rebuilds the mapping snapshot. */
void heap_maps_reload(void) HIDDEN;
/* Does the snapshot have code mappings without a table? */
bool heap_maps_missing_tables(void) HIDDEN;
/* Asks memmon to build the tables of our mappings; wait: until it did (at most 2 s). */
void heap_tables_request(bool wait) HIDDEN;
/* A forked child starts over: a fresh snapshot lock. */
void heap_maps_after_fork(void) HIDDEN;

/* The stack table slot of frames (inserted if new); 0 when the table is full. */
uint32_t heap_stack_id(const uint64_t *frames, int n, uint32_t end) HIDDEN;

#endif
