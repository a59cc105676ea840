/* The run loop of a live command: poll events, print every interval, stop on Ctrl-C,
 * SIGTERM (and SIGHUP, SIGQUIT, SIGUSR1/2, SIGALRM), --duration, the launched program's
 * exit, when every -p pid has exited, or when stdout is closed (memmon ... | head). On a
 * signal a launched program gets the signal too (SIGTERM for the ones meaning nothing to
 * it) and up to 2 s to finish, so its cleanup is traced. */
#ifndef MEMMON_LOOP_H
#define MEMMON_LOOP_H
#include "core/events.h"
#include "core/launch.h"
#include <stdbool.h>
#include <sys/types.h>

enum loop_end {
	LOOP_SIGNAL, LOOP_DURATION, LOOP_PROGRAM_EXITED, LOOP_PIDS_EXITED, LOOP_OUTPUT_CLOSED,
	LOOP_ERROR
};

struct loop {
	struct event_reader *events; /* may be NULL */
	double interval, duration;   /* seconds; 0 = none */
	struct launch *child;        /* may be NULL */
	const pid_t *pids;           /* -p pids: stop when all have exited */
	int npids;
	void *ctx;
	void (*on_interval)(void *ctx);
	void (*on_child_stop)(pid_t pid, void *ctx); /* mappings still there (see core/launch.h) */
	void (*on_tick)(void *ctx);                  /* every poll round (~100 ms) */
	int tick_ms;                                 /* a poll round's length; 0: 100 ms */
};

/* Installs the handlers of the signals that end tracing, and SIGCHLD's; call before
 * launching. */
void loop_install_signals(void);
/* True once one of the signals that end tracing arrived. */
bool loop_interrupted(void);
enum loop_end loop_run(struct loop *l);
const char *loop_end_reason(enum loop_end e);
double now_seconds(void);
/* Sleeps until the monotonic time `until` (now_seconds' clock), waking early once
 * loop_interrupted: for commands that sample on a schedule without loop_run. */
void loop_sleep_until(double until);

#endif
