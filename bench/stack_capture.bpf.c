// SPDX-License-Identifier: GPL-2.0
/* bench/stack_capture.sh's programs: 32 captures of the current stack per run, into a
 * STACK_TRACE map (what memmon used before) or the stack store; `none` is the loop alone.
 * Run with BPF_PROG_TEST_RUN, so the kernel stack is the same every time and the user
 * stack is whatever the calling thread's frame pointers give. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#define STACK_STORE_DEPTH 64
#define STACK_STORE_ENTRIES 65536
#include "symbols/stack_store.bpf.h"

const volatile __u64 flags = 0;
__u64 failures = 0;
__s64 sink = 0;

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 65536);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, STACK_STORE_DEPTH * sizeof(__u64));
} stack_trace SEC(".maps");

SEC("raw_tp")
int run_none(void *ctx)
{
	for (int i = 0; i < 32; i++)
		sink += i;
	return 0;
}

SEC("raw_tp")
int run_stack_trace(void *ctx)
{
	for (int i = 0; i < 32; i++) {
		long id = bpf_get_stackid(ctx, &stack_trace, flags);
		if (id < 0)
			failures++;
		sink += id;
	}
	return 0;
}

SEC("raw_tp")
int run_store(void *ctx)
{
	for (int i = 0; i < 32; i++) {
		__s64 id = stack_store_get(ctx, flags);
		if (id < 0)
			failures++;
		sink += id;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
