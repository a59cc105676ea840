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

/* A thread's state: private memory (mmap), found through one TLS pointer. */
struct heap_thread {
	struct heap_ring *ring; /* NULL until the first event */
	struct heap_event *ev;
	uint64_t mask, head, tail_seen;
	uint64_t stack_lo, stack_hi; /* the thread's stack: walks read nowhere else */
	struct rule_cache_entry cache[RULE_CACHE];
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
 * Returns the frame count; *end says why the walk ended (enum unwind_end). */
int heap_walk(struct heap_thread *t, uint64_t ip, uint64_t sp, uint64_t bp, uint64_t *frames,
	      int max, uint32_t *end) HIDDEN;
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
