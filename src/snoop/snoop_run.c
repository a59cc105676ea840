#include "core/json_out.h"
#include "snoop/snoop_run.h"
#include <stdio.h>

int snoop_run_open(struct snoop_run *r, struct snoop_session_opts *o, bool symbols)
{
	int rc;
	if (snoop_log_init(&r->log, r->cmd, r->cli.json, symbols)) {
		fprintf(stderr, "memmon %s: out of memory\n", r->cmd);
		rc = EXIT_RUNTIME;
	} else {
		o->target = &r->target;
		if (!(rc = snoop_session_open(&r->s, o)))
			return 0;
	}
	trace_target_abort(&r->target);
	snoop_log_free(&r->log);
	return rc;
}

int snoop_run_release(struct snoop_run *r)
{
	int rc = trace_target_release(&r->target, r->cmd);
	if (rc)
		snoop_run_close(r);
	return rc;
}

static void on_tick(void *ctx)
{
	snoop_run_tick(ctx);
}

static void on_child_stop(pid_t pid, void *ctx)
{
	struct snoop_run *r = ctx;
	events_drain(&r->s.events); /* print what happened while the maps still exist */
	if (r->log.sym)
		symbolizer_capture_pid(r->log.sym, pid);
	unwind_tables_add_pid(r->s.unwind, pid);
}

enum loop_end snoop_run_loop(struct snoop_run *r, struct loop *l)
{
	l->events = &r->s.events;
	l->ctx = r;
	if (!l->on_tick)
		l->on_tick = on_tick;
	if (!l->on_child_stop)
		l->on_child_stop = on_child_stop;
	r->start = r->interval_start = snoop_run_now(r);
	enum loop_end end = loop_run(l);
	events_drain(&r->s.events);
	return end;
}

void snoop_run_lost(struct snoop_run *r, bool final)
{
	uint64_t lost = snoop_session_lost(&r->s);
	if (lost != r->lost_shown || (final && (lost || r->log.pr.json))) {
		r->lost_shown = lost;
		snoop_print_lost(&r->log.pr, lost, final);
	}
}

void snoop_run_tick(struct snoop_run *r)
{
	events_drain(&r->s.events); /* the BPF side wakes us only for a large backlog */
	snoop_run_lost(r, false);
	unwind_tables_poll(r->s.unwind);
}

double snoop_run_now(const struct snoop_run *r)
{
	return now_seconds() - r->log.t0;
}

struct json_object *snoop_run_summary(const struct snoop_run *r, const char *reason)
{
	char type[64];
	snprintf(type, sizeof(type), "%s_summary", r->cmd);
	struct json_object *o = json_record(type);
	json_add_str(o, "reason", reason);
	json_add_double(o, "seconds", snoop_run_now(r) - r->start);
	json_add_u64(o, "lost_events", snoop_session_lost(&r->s));
	return o;
}

void snoop_run_close(struct snoop_run *r)
{
	trace_target_abort(&r->target);
	snoop_session_close(&r->s);
	snoop_log_free(&r->log);
}
