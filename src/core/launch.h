/* `-- PROGRAM ARGS`: start the program held before exec, so every probe is attached before
 * its first instruction, then release it. The launched child is PTRACE_SEIZEd with
 * PTRACE_O_TRACEEXIT: at its exit stop its mappings still exist, so a command can capture
 * them (stacks resolve after the program is gone), then let it finish.
 *
 * The program never runs on untraced: it is in a process group of its own (the terminal's
 * foreground group while it runs, when memmon's was) and in a cgroup of its own where the
 * v2 hierarchy allows one (core/launch_cgroup.h), which launch_abort ends whole, and if
 * memmon itself dies, even by SIGKILL, the kernel kills the program (PR_SET_PDEATHSIG,
 * PTRACE_O_EXITKILL) and a small reaper process kills the rest of its group and cgroup. */
#ifndef MEMMON_LAUNCH_H
#define MEMMON_LAUNCH_H
#include "core/launch_cgroup.h"
#include <stdbool.h>
#include <sys/types.h>

struct launch {
	pid_t pid;
	pid_t pgid;  /* its process group: pid */
	struct launch_cgroup cgroup; /* its cgroup, which also holds what leaves the group */
	pid_t reaper;
	int reaper_fd;       /* write end of the reaper's pipe */
	bool took_terminal;  /* the program's group is the terminal's foreground */
	int go_fd;   /* write end: closing it lets the child exec */
	int err_fd;  /* read end: exec errno arrives here, EOF means exec succeeded */
	bool traced; /* seized with ptrace */
	bool exited;
	int status;  /* wait status once exited */
	const char *prog;      /* argv[0] as given, for messages */
	int last_stop;         /* during on_stop: PTRACE_EVENT_EXEC, PTRACE_EVENT_EXIT or 0 (signal) */
};

/* Forks the child, which waits. Returns 0 or -errno (message printed). */
int launch_prepare(struct launch *l, char **argv, const char *cmd);
/* The same with flags: LAUNCH_STDOUT_TO_STDERR keeps memmon's stdout for its JSON. */
#define LAUNCH_STDOUT_TO_STDERR 1u
int launch_prepare_flags(struct launch *l, char **argv, const char *cmd, unsigned flags);
/* Lets the child exec. Returns 0, or -errno if exec failed or memmon was interrupted
 * during set-up (then the program is not run; message printed). */
int launch_release(struct launch *l, const char *cmd);
/* Reaps/continues the child without blocking. on_stop is called when the child stops at
 * exec or exit with its mappings intact. Returns true once the child has exited. */
bool launch_poll(struct launch *l, void (*on_stop)(pid_t pid, void *ctx), void *ctx);
/* Ends the program's whole process group (SIGKILL), reaps the program if it still ran,
 * gives the terminal back and dismisses the reaper. Every command calls it once, at the
 * end or when set-up fails; safe once the program has exited. */
void launch_abort(struct launch *l);
/* Sends sig to the program's process group (memmon's Ctrl-C, SIGTERM, SIGHUP passed on). */
void launch_signal(struct launch *l, int sig);
/* Exit code to propagate: the program's exit status, or 128+signal. */
int launch_exit_code(const struct launch *l);

#endif
