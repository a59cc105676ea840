#include "core/json_out.h"
#include "core/options.h"
#include "snoop/snoop_cmd.h"
#include <stdio.h>
#include <string.h>

static struct snoop_run run; /* large (symbol cache); one snoop per process */
static const struct snoop_def *snoop;

#define NO_PROFILES "--pprof, --folded and --flamegraph need stacks: this snoop prints each call"

/* OPTS_GO_ON, or the exit code. */
static int parse(const struct snoop_def *def, struct cli *cli, unsigned long long *buffer,
		 int argc, char **argv)
{
	struct opt opts[] = {
		OPT_PIDS(cli, "only this process (repeatable); stops when all have exited"),
		OPT_COMM(cli, "only processes named NAME"),
		def->on_interval ? (struct opt)OPT_INTERVAL(cli, def->interval_help) :
				   (struct opt)OPT_REFUSE('i', "interval", true,
							  "-i/--interval does not apply: every call is printed"),
		OPT_RING_SIZE(buffer, "ring buffer size, a power of two (default 8M)"),
		OPT_DURATION(cli, "stop after S seconds"),
		def->profiles ? (struct opt)OPT_PPROF_FILE(def->profiles, "the calls by stack") :
				(struct opt)OPT_REFUSE(0, "pprof", true, NO_PROFILES),
		def->profiles ? (struct opt)OPT_FOLDED_FILE(def->profiles, "the calls by stack") :
				(struct opt)OPT_REFUSE(0, "folded", true, NO_PROFILES),
		def->profiles ? (struct opt)OPT_FLAMEGRAPH_FILE(def->profiles, "the calls by stack") :
				(struct opt)OPT_REFUSE(0, "flamegraph", true, NO_PROFILES),
		OPT_JSON(cli, def->json_help),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = def->cmd, .usage = def->usage, .about = def->about, .opts = opts,
		.cli = cli, .program = true,
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	return OPTS_GO_ON;
}

static void on_interval(void *ctx)
{
	double now = snoop_run_now(&run);
	run.intervals++;
	snoop->on_interval(&run);
	run.interval_start = now; /* the next interval starts here, not after printing */
}

static void summary(enum loop_end end)
{
	const char *reason = loop_end_reason(end);
	if (run.cli.json) {
		struct json_object *o = snoop_run_summary(&run, reason);
		if (snoop->totals)
			snoop->totals(&run, o);
		else
			json_add_u64(o, "events", run.log.pr.printed);
		json_emit(o, stdout);
	} else {
		fprintf(stderr, "memmon %s: %s; %llu events lost\n", snoop->cmd, reason,
			(unsigned long long)snoop_session_lost(&run.s));
	}
}

static int trace(const struct snoop_def *def, unsigned long long buffer);

int snoop_main(const struct snoop_def *def, int argc, char **argv)
{
	const char *cmd = def->cmd;
	memset(&run, 0, sizeof(run));
	snoop = def;
	run.cmd = cmd;
	run.ctx = def->ctx;
	unsigned long long buffer = SNOOP_BUFFER_DEFAULT;
	int rc = parse(def, &run.cli, &buffer, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (def->profiles && profile_files_open(def->profiles, cmd)) /* a bad path fails at once */
		return EXIT_RUNTIME;
	rc = trace(def, buffer);
	if (def->profiles)
		profile_files_discard(def->profiles); /* written by on_end; a failed run's go */
	return rc;
}

static int trace(const struct snoop_def *def, unsigned long long buffer)
{
	const char *cmd = def->cmd;
	int rc;
	loop_install_signals();
	if ((rc = trace_target_prepare(&run.target, &run.cli, cmd, TT_USER_MEMORY)))
		return rc;
	run.target.program_from_exec = true; /* the log starts at its exec */
	struct snoop_session_opts o = {
		.cmd = cmd, .sys_mask = def->sys_mask, .brk_stack = def->brk_stack,
		.buffer_size = buffer,
		.follow = run.target.launched, /* a launched program's children too */
		.on_event = def->on_event ? def->on_event : snoop_log_event,
		.ctx = def->on_event ? (void *)&run : (void *)&run.log,
	};
	if ((rc = snoop_run_open(&run, &o, def->symbols)))
		return rc;
	if ((rc = snoop_run_release(&run)))
		return rc;
	fprintf(stderr, "memmon %s: tracing %s; Ctrl-C to end\n", cmd,
		trace_target_filters_pids(&run.target) ? "the selected processes" : "every process");
	struct loop l = { .interval = run.cli.interval, .duration = run.cli.duration,
			  .on_interval = def->on_interval ? on_interval : NULL };
	trace_target_loop(&run.target, &l);
	enum loop_end end = snoop_run_loop(&run, &l);
	if (def->on_end)
		def->on_end(&run);
	summary(end);
	snoop_run_close(&run);
	return end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
}
