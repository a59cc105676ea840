/* The "which processes" part every tracing command shares: check -p pids, launch
 * `-- PROGRAM` held before exec, set and fill the one BPF process filter, release the
 * program, and give the run loop its stop conditions. Works with any BPF object that
 * includes core/task_filter.bpf.h (task_filter in .rodata, the pid_filter map). */
#ifndef MEMMON_TRACE_TARGET_H
#define MEMMON_TRACE_TARGET_H
#include "core/cli.h"
#include "core/launch.h"
#include "core/loop.h"
#include "core/task_filter.h"
#include <stdbool.h>

struct trace_target {
	struct cli *cli;
	struct launch child;
	bool launched;
	/* Set before trace_target_fill: the launched program is selected from its exec on
	 * (not while it is memmon's child waiting to exec), and processes that exit leave the
	 * pid filter. */
	bool program_from_exec;
	bool forget_exited;
	/* Whose children are followed: 0 a launched program's (the default), 1 also those of
	 * -p pids (--follow), -1 nobody's (--no-follow). */
	int follow;
};

/* What a command's targets may be. */
enum {
	TT_USER_MEMORY = 1,      /* the command is about user memory: a kernel thread is refused */
	TT_PIDS_AND_PROGRAM = 2, /* -p and -- PROGRAM together (watch's list holds both) */
};
/* Checks -p pids and forks the held program. Returns 0 or an exit code. Clears *t: set
 * program_from_exec and forget_exited after it. */
int trace_target_prepare(struct trace_target *t, struct cli *cli, const char *cmd, unsigned flags);
/* True when only some processes are traced (-p pids or a launched program). */
bool trace_target_filters_pids(const struct trace_target *t);
/* A launched program is followed into the processes it forks; -p pids are not (unless
 * t->follow says otherwise). */
bool trace_target_follows_children(const struct trace_target *t);
/* Fills the probe set's filter config (skel->rodata->task_filter) before load: pids,
 * --comm, following children; memmon itself is never selected. */
void trace_target_configure(const struct trace_target *t, struct task_filter_config *cfg);
/* Puts every -p pid and the program's pid into the pid_filter map. 0 or -errno. */
int trace_target_fill(const struct trace_target *t, int pid_filter_fd);
/* For a probe set attached program by program (not with the skeleton's attach): attaches
 * the filter's own fork/exec/exit programs (core/task_filter.bpf.h), their links kept in
 * the skeleton (skel->skeleton). 0 or -errno. */
struct bpf_object_skeleton;
int trace_target_attach_filter(const struct bpf_object_skeleton *s);
/* Lets the program exec. Returns 0 or an exit code. */
int trace_target_release(struct trace_target *t, const char *cmd);
/* Ends the launched program and its process group (core/launch.h): at the end of every
 * run, and when set-up failed. */
void trace_target_abort(struct trace_target *t);
/* Sets the loop's child/pids from the target. */
void trace_target_loop(struct trace_target *t, struct loop *l);
/* Says on stderr how many child processes the filter had no room to follow (the BPF
 * object's children_not_followed), if any. */
void trace_target_warn_children(const char *cmd, unsigned long long not_followed);

#endif
