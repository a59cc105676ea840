/* What watch and the mmap/brk/shm snoops share while they run: the trace target, the BPF
 * session, the event log, reporting lost events as their count grows, ending when stdout
 * is closed (memmon ... | head), and the COMMAND_summary record. */
#ifndef MEMMON_SNOOP_RUN_H
#define MEMMON_SNOOP_RUN_H
#include "core/cli.h"
#include "core/loop.h"
#include "core/trace_target.h"
#include "snoop/snoop_log.h"
#include "snoop/snoop_session.h"
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

struct snoop_run {
	const char *cmd;
	struct cli cli;
	struct trace_target target; /* prepared by the command */
	struct snoop_session s;
	struct snoop_log log;
	uint64_t lost_shown;
	double start;            /* seconds since the start when the loop began */
	unsigned long intervals; /* -i intervals so far, the one being printed included */
	double interval_start;   /* seconds since the start when the current interval began */
	void *ctx;               /* the command's own state */
};

/* Starts the event log (symbols: with a symbolizer) and the session for o, whose target
 * is r->target; undoes both and kills a launched program on failure. 0 or an exit code. */
int snoop_run_open(struct snoop_run *r, struct snoop_session_opts *o, bool symbols);
/* Lets the launched program exec. 0, or an exit code (everything closed). */
int snoop_run_release(struct snoop_run *r);
/* Runs the loop (its ctx is r; on_child_stop and on_tick are set when NULL), then prints
 * what is left in the ring buffer. */
enum loop_end snoop_run_loop(struct snoop_run *r, struct loop *l);
/* Every poll round: prints pending events, the lost count when it grew, and ends the run
 * when stdout is closed. */
void snoop_run_tick(struct snoop_run *r);
/* COMMAND_lost when the count changed; final: at the end, where JSON always has one and
 * text only when something was lost. */
void snoop_run_lost(struct snoop_run *r, bool final);
/* Seconds since the start (when the event log began). */
double snoop_run_now(const struct snoop_run *r);
/* The COMMAND_summary record: reason, seconds traced, lost_events; the caller adds its
 * totals and emits it. */
struct json_object *snoop_run_summary(const struct snoop_run *r, const char *reason);
/* Kills a launched program still running (-d ended tracing: it does not run on
 * untraced), closes the session, frees the log. */
void snoop_run_close(struct snoop_run *r);

#endif
