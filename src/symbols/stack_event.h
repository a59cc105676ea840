/* Shared between symbols/stack_store.bpf.h and symbols/stack_store.c: the layout of a stack store.
 * A stack is kept once, keyed by a 63-bit hash of its frames; events carry that id
 * (< 0: not captured). */
#ifndef MEMMON_STACK_EVENT_H
#define MEMMON_STACK_EVENT_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* The deepest store any probe set may declare (perf_event_max_stack's default): the
 * size of the reader's buffer. */
#define STACK_STORE_MAX_DEPTH 127

/* A stored stack. A store of depth D has values of this layout with ips[D]; frames past
 * nr are zero. */
struct stack_store_value {
	__u32 nr;
	__u32 end; /* a user stack walked by CFI: why the walk ended (enum unwind_end); else 0 */
	__u64 ips[STACK_STORE_MAX_DEPTH];
};

#endif
