#include "pressure/pressure_run.h"
#include "core/events.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* One run of a pressure command. */
struct run {
	const struct pressure_cmd *cmd;
	void *ctx;
	struct cli *cli;
	struct trace_target tt;
	void *skel;
	struct pressure_skel_parts parts;
	struct event_reader er;
	double interval_start;
	unsigned long intervals; /* interval reports printed so far */
};

void pressure_clock(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, n, "%H:%M:%S", &tm);
}

void pressure_report_title(bool final, double secs, char *buf, size_t n)
{
	if (final)
		snprintf(buf, n, "Total over %.1f s:", secs);
	else
		pressure_clock(buf, n);
}

/* "compact" + "_summary" */
static const char *record_type(const struct run *r, const char *what, char *buf, size_t n)
{
	snprintf(buf, n, "%s_%s", r->cmd->name, what);
	return buf;
}

/* OPTS_GO_ON, or the exit code. */
static int parse(struct run *r, const struct opt *opts, int argc, char **argv)
{
	char usage[96];
	snprintf(usage, sizeof(usage), "memmon %s [options] [-- PROGRAM ARGS]", r->cmd->name);
	struct opts_spec spec = {
		.cmd = r->cmd->name,
		.usage = usage,
		.about = r->cmd->about,
		.opts = opts,
		.cli = r->cli,
		.program = true,
		.program_help = "run PROGRAM, trace only it and the processes it starts,\n"
				"stop when it exits",
	};
	r->cli->interval = CLI_INTERVAL_UNSET; /* no -i: every second; -i 0: only the total */
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (r->cli->interval == CLI_INTERVAL_UNSET)
		r->cli->interval = r->cmd->report ? 1 : 0;
	return r->cmd->check ? r->cmd->check(r->ctx, r->cli) : OPTS_GO_ON;
}

/* Opens, configures, loads, fills and attaches the probe set. 0 or the exit code. */
static int start_probes(struct run *r)
{
	const struct pressure_cmd *cmd = r->cmd;
	if (!(r->skel = cmd->skel->open()))
		return bpf_fail(cmd->name, "opening the BPF object", errno);
	r->parts = cmd->skel->parts(r->skel);
	trace_target_configure(&r->tt, r->parts.task_filter);
	if (cmd->configure)
		cmd->configure(r->ctx, r->skel);
	bpf_load_stats_prepare(r->parts.obj);
	int err = cmd->skel->load(r->skel);
	bpf_load_stats_print(cmd->name, r->parts.obj);
	if (err)
		return bpf_fail(cmd->name, "loading the BPF object", err);
	if ((err = trace_target_fill(&r->tt, bpf_map__fd(r->parts.pid_filter))))
		return bpf_fail(cmd->name, "filling the pid filter", err);
	if (cmd->loaded && (err = cmd->loaded(r->ctx, r->parts.obj)))
		return err;
	if (cmd->attach) {
		int rc = cmd->attach(r->ctx, r->skel);
		if (rc)
			return rc;
	} else if ((err = cmd->skel->attach(r->skel))) {
		char what[128];
		snprintf(what, sizeof(what), "attaching to %s", cmd->attach_what);
		return bpf_fail(cmd->name, what, err);
	}
	if (cmd->on_event &&
	    (err = events_open(&r->er, bpf_map__fd(r->parts.events), cmd->on_event, r->ctx,
			       r->parts.lost_events)))
		return bpf_fail(cmd->name, "opening the ring buffer", err);
	return 0;
}

/* One interval's report, closed by its COMMAND_interval record. */
static void on_interval(void *v)
{
	struct run *r = v;
	double now = now_seconds(), secs = now - r->interval_start;
	r->cmd->report(r->ctx, false, secs);
	r->intervals++;
	r->interval_start = now;
	if (r->cli->json) {
		char type[64];
		struct json_object *o = json_record(record_type(r, "interval", type, sizeof(type)));
		json_add_u64(o, "interval", r->intervals);
		json_add_double(o, "seconds", secs);
		json_emit(o, stdout);
	}
}

/* The COMMAND_summary record (or line) that ends every run: an event command's totals and
 * lost events, an interval command's uncounted events (its skeleton's not_counted); and a
 * warning when children went untraced. */
static void print_summary(struct run *r, enum loop_end end, double secs)
{
	const struct pressure_cmd *cmd = r->cmd;
	unsigned long long children = *r->parts.children_not_followed;
	if (r->cli->json) {
		char type[64];
		struct json_object *o = json_record(record_type(r, "summary", type, sizeof(type)));
		if (cmd->on_event) {
			cmd->totals_json(r->ctx, o);
			json_add_u64(o, "lost_events", events_lost(&r->er));
			json_add_double(o, "seconds", secs);
		} else {
			json_add_double(o, "seconds", secs);
			json_add_u64(o, cmd->dropped_key, *r->parts.not_counted);
		}
		json_add_str(o, "reason", loop_end_reason(end));
		json_add_u64(o, "children_not_followed", children);
		json_emit(o, stdout);
	} else if (cmd->on_event) {
		char totals[256];
		cmd->totals_text(r->ctx, totals, sizeof(totals));
		printf("%s in %.1f s (%s); %llu events lost\n", totals, secs, loop_end_reason(end),
		       (unsigned long long)events_lost(&r->er));
	} else {
		printf("%s after %.1f s; %llu %s\n", loop_end_reason(end), secs,
		       (unsigned long long)*r->parts.not_counted, cmd->dropped_what);
	}
	trace_target_warn_children(cmd->name, children);
}

/* An interval command: a report every interval and a last, partial one when intervals
 * were printed (so their records add up to the total), then the final report. */
static enum loop_end run_intervals(struct run *r)
{
	struct loop l = { .interval = r->cli->interval, .duration = r->cli->duration, .ctx = r,
			  .on_interval = on_interval };
	trace_target_loop(&r->tt, &l);
	double start = now_seconds();
	r->interval_start = start;
	enum loop_end end = loop_run(&l);
	double secs = now_seconds() - start;
	if (r->intervals)
		on_interval(r);
	r->cmd->report(r->ctx, true, secs);
	print_summary(r, end, secs);
	return end;
}

static enum loop_end run_events(struct run *r)
{
	struct loop l = { .events = &r->er, .duration = r->cli->duration, .ctx = r->ctx,
			  .on_child_stop = r->cmd->on_child_stop, .on_tick = r->cmd->on_tick };
	trace_target_loop(&r->tt, &l);
	double start = now_seconds();
	enum loop_end end = loop_run(&l);
	events_drain(&r->er);
	print_summary(r, end, now_seconds() - start);
	return end;
}

int pressure_main(const struct pressure_cmd *cmd, struct cli *cli, const struct opt *opts,
		  void *ctx, int argc, char **argv)
{
	struct run r = { .cmd = cmd, .ctx = ctx, .cli = cli };
	int rc = parse(&r, opts, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if ((rc = bpf_preflight(cmd->name)))
		return rc;
	loop_install_signals();
	if ((rc = trace_target_prepare(&r.tt, cli, cmd->name, 0)))
		return rc;
	if ((cmd->setup && (rc = cmd->setup(ctx))) || (rc = start_probes(&r)) ||
	    (rc = trace_target_release(&r.tt, cmd->name)))
		goto out;
	fprintf(stderr, "memmon %s: tracing %s; Ctrl-C to end\n", cmd->name,
		cmd->tracing_of ? cmd->tracing_of(ctx) : cmd->tracing);
	if (cmd->started)
		cmd->started(ctx);
	enum loop_end end = cmd->on_event ? run_events(&r) : run_intervals(&r);
	rc = end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
out:
	trace_target_abort(&r.tt);
	events_close(&r.er);
	if (r.skel)
		cmd->skel->destroy(r.skel);
	if (cmd->cleanup)
		cmd->cleanup(ctx);
	return rc;
}
