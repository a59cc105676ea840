/* What a SIGSEGV/SIGBUS address was, from the mappings the BPF side found around it:
 * pure logic on struct segv_event, so it is unit-tested without a kernel. */
#ifndef MEMMON_SEGV_CLASSIFY_H
#define MEMMON_SEGV_CLASSIFY_H
#include "crash/segv_event.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum segv_what {
	SEGV_WHAT_SENT,           /* kill()/tgkill() from a process, not a fault */
	SEGV_WHAT_NULL_PAGE,      /* address in the first 64 KiB: a NULL pointer (+ offset) */
	SEGV_WHAT_STACK_OVERFLOW, /* just below a stack: its guard gap or guard page */
	SEGV_WHAT_NO_MAPPING,
	SEGV_WHAT_READ_ONLY,      /* write to a mapping without write permission */
	SEGV_WHAT_NON_EXEC,       /* instruction fetch from a mapping without exec permission */
	SEGV_WHAT_NO_ACCESS,      /* a PROT_NONE mapping (guard page, reserved range) */
	SEGV_WHAT_UNREADABLE,     /* read of a mapping without read permission */
	SEGV_WHAT_BUS,            /* SIGBUS: e.g. past the end of a mapped file */
	SEGV_WHAT_OTHER,
};

/* Below this a faulting address is a NULL pointer plus a field offset (mmap_min_addr). */
#define SEGV_NULL_LIMIT 65536
/* How far below a stack an access still counts as overflowing it: the kernel's
 * stack_guard_gap (256 pages) plus one large frame. */
#define SEGV_STACK_REACH ((1ULL << 20) + (64ULL << 10))

struct segv_class {
	enum segv_what what;
	const char *access;    /* read, write, exec or unknown (from the page-fault error code) */
	uint64_t stack_top;    /* stack overflow: top of the overflowing stack */
	uint64_t stack_bytes;  /* stack overflow: top - sp, the depth it reached */
	bool main_stack;       /* stack overflow of the main thread's stack */
	bool in_guard_gap;     /* stack overflow: no mapping there (the gap), not a guard page */
};

void segv_classify(const struct segv_event *e, struct segv_class *c);
/* "stack-overflow", "null-page", ... */
const char *segv_what_name(enum segv_what w);
/* One line in words: "write to a read-only mapping (r--p of segv_cases)". */
void segv_describe(const struct segv_event *e, const struct segv_class *c, char *buf, size_t n);
/* "SEGV_MAPERR", "BUS_ADRERR", "SI_USER", ... */
const char *segv_code_name(int sig, int code);
/* "rwxp"-style permissions of a mapping. */
void segv_perms(const struct segv_vma *v, char out[5]);

#endif
