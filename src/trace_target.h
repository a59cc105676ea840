/* The "which processes" part every pressure command shares: check -p pids, launch
 * `-- PROGRAM` held before exec, fill the BPF pid filter, release the program, and give
 * the run loop its stop conditions. Works with any BPF object that includes
 * bpf/task_filter.bpf.h (filter flags in .rodata, pid_filter map). */
#ifndef MEMMON_TRACE_TARGET_H
#define MEMMON_TRACE_TARGET_H
#include "cli.h"
#include "launch.h"
#include "loop.h"
#include <stdbool.h>

struct trace_target {
	struct cli *cli;
	struct launch child;
	bool launched;
};

/* Checks -p pids and forks the held program. Returns 0 or an exit code. */
int trace_target_prepare(struct trace_target *t, struct cli *cli, const char *cmd);
/* The values for the BPF object's filter_pids and follow_children rodata: a launched
 * program is followed into the processes it forks, -p pids are not. */
bool trace_target_filters_pids(const struct trace_target *t);
bool trace_target_follows_children(const struct trace_target *t);
/* Puts every -p pid and the program's pid into the pid_filter map. 0 or -errno. */
int trace_target_fill(const struct trace_target *t, int pid_filter_fd);
/* Lets the program exec. Returns 0 or an exit code. */
int trace_target_release(struct trace_target *t, const char *cmd);
/* Kills a program that never ran (setup failed). */
void trace_target_abort(struct trace_target *t);
/* Sets the loop's child/pids from the target. */
void trace_target_loop(struct trace_target *t, struct loop *l);

/* The run of an interval command (reclaim, kmem, compact): sets the loop's stop
 * conditions, starts the first interval at *interval_start, runs the loop, then prints the
 * last, partial interval when intervals were printed (so their records add up to the
 * total). Returns how the loop ended; *secs gets the time traced. */
enum loop_end trace_target_run_intervals(struct trace_target *t, struct loop *l,
					 double *interval_start, const unsigned long *intervals,
					 double *secs);

/* How an interval command's run ended and what it could not count. */
struct trace_summary {
	const char *cmd;
	bool json;
	enum loop_end end;
	double secs;
	const char *dropped_key;  /* JSON field of the dropped count */
	const char *dropped_what; /* text: "events not counted (table full)" */
	unsigned long long dropped;
	unsigned long long children_not_followed;
};
/* A "summary" record (or line), and a warning when children went untraced. */
void trace_summary_print(const struct trace_summary *s);

#endif
