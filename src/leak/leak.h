/* memmon leak's options and its two modes: user allocations (leak/leak_user.c) and kernel
 * allocations (leak/leak_kernel.c). Both gather reports with leak/leak_collect.h and print
 * them with leak/leak_report.h. */
#ifndef MEMMON_LEAK_H
#define MEMMON_LEAK_H
#include "core/cli.h"
#include "output/profile_files.h"
#include <stdbool.h>
#include <stdint.h>

struct leak_maps;
struct alloc_stream_event;

/* memmon heap -p: leak's probes and run loop, each tracked allocation and free handed to
 * these hooks as it happens (heap/heap_attach.c) instead of leak's own reports. */
struct leak_stream {
	void *ctx;
	/* m: to read the event's stack (leak_stack_ips) */
	void (*on_event)(void *ctx, const struct alloc_stream_event *e, const struct leak_maps *m);
	void (*on_start)(void *ctx); /* the probes are in: tracing starts now */
	/* a traced process forked tgid (exec false), or tgid exec'd (parent 0, exec true);
	 * both come before that process's own events after it */
	void (*on_follow)(void *ctx, pid_t tgid, pid_t parent, bool exec);
	void (*on_tick)(void *ctx);
	void (*on_interval)(void *ctx);
	/* the run ended (reason as loop_end_reason); lost: allocations and frees not seen
	 * (ring buffer full, allocation or per-thread call table full) */
	void (*on_end)(void *ctx, const char *reason, uint64_t lost);
};

struct leak_opts {
	struct cli cli;
	const char *lib;
	bool kernel, show_allocs, combined, free_stacks;
	int top;
	uint64_t older_than_ns;
	unsigned long long min_size, max_size;
	uint32_t sample_rate, max_allocs, max_errors;
	uint64_t sample_bytes; /* memmon heap -p --sample-bytes: the mean bytes between samples */
	int stack_walk; /* 0: by call frame information, 1: by frame pointers (--stack-walk) */
	bool follow, no_follow; /* children of -p pids too / of nobody (default: a launched program's) */
	unsigned long long ring_size; /* --buffer-size: mapping calls and errors in flight */
	struct profile_files *profiles; /* --pprof, --folded, --flamegraph of the final report */
	const struct leak_stream *stream; /* memmon heap -p, else NULL */
	const char *cmd; /* the command named in messages: "leak" (NULL) or "heap" */
};
#define LEAK_RING_DEFAULT (16ULL << 20)

int leak_user_run(const struct leak_opts *o);
int leak_kernel_run(const struct leak_opts *o);

#endif
