/* libmemmon_guard: the sampling guard-page allocator `memmon guard` preloads into a program.
 * Internal to the library (src/guard/ is not linked into memmon). */
#ifndef MEMMON_GUARD_H
#define MEMMON_GUARD_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GUARD_STACK_MAX 32
/* The library is built with hidden visibility: only the allocator entry points are
 * exported, so nothing else can clash with (or be interposed on by) the program. */
#define GUARD_API __attribute__((visibility("default")))

enum slot_state { SLOT_EMPTY = 0, SLOT_LIVE, SLOT_FREED };

/* What the pool remembers of each guarded block, kept after free for use-after-free reports. */
struct slot_meta {
	uintptr_t ptr;
	size_t size;
	int state;
	pid_t alloc_tid, free_tid;
	int alloc_depth, free_depth;
	void *alloc_stack[GUARD_STACK_MAX];
	void *free_stack[GUARD_STACK_MAX];
};

/* The pool: [guard][slot 0][guard][slot 1]...[slot n-1][guard], one page per slot. */
struct guard_pool {
	uintptr_t base, end; /* the whole region */
	size_t page, nslots;
	struct slot_meta *meta;
};

extern struct guard_pool guard_pool;

/* Index of the slot whose data page holds addr, or -1 (addr in a guard page or outside). */
long guard_slot_of(uintptr_t addr);
uintptr_t guard_slot_start(size_t i);

/* Installs the SIGSEGV/SIGBUS handler that writes reports (crash/preload/guard_report.c). */
void guard_install_handler(void);
/* free() of a pool address that is not a live block (double or invalid free): writes a
 * report and aborts. slot is -1 for a guard-page address. */
void guard_report_bad_free(long slot, uintptr_t ptr, void *const *stack, int depth)
	__attribute__((noreturn));
/* Writes the allocation counters at exit. */
void guard_write_stats(unsigned long guarded, unsigned long pool_full);

#endif
