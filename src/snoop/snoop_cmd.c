#include "core/json_out.h"
#include "core/loop.h"
#include "core/trace_target.h"
#include "snoop/snoop_cmd.h"
#include <errno.h>
#include <signal.h>
#include <string.h>

enum { OPT_BUFFER = OPT_COMMON_LAST };

static struct snoop_run run; /* large (symbol cache); one snoop per process */
static const struct snoop_def *snoop;

double now_seconds_since(const struct snoop_run *r)
{
	return now_seconds() - r->log.t0;
}

static void on_interval(void *ctx)
{
	double now = now_seconds_since(&run);
	run.intervals++;
	if (snoop->on_interval)
		snoop->on_interval(&run);
	run.interval_start = now; /* the next interval starts here, not after printing */
}

static uint64_t lost_shown;
static bool output_closed;

static void on_tick(void *ctx)
{
	events_drain(&run.s.events); /* the BPF side wakes us only for a large backlog */
	if (ferror(stdout) && !output_closed) { /* e.g. `memmon mmap | head` */
		output_closed = true;
		raise(SIGTERM);
	}
	uint64_t lost = snoop_session_lost(&run.s);
	if (lost != lost_shown) {
		lost_shown = lost;
		snoop_print_lost(&run.log.pr, lost, false);
	}
}

static void on_child_stop(pid_t pid, void *ctx)
{
	events_drain(&run.s.events);
	if (run.log.sym)
		symbolizer_capture_pid(run.log.sym, pid);
}

int snoop_main(const struct snoop_def *def, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "buffer-size", required_argument, NULL, OPT_BUFFER },
		{ 0 },
	};
	const char *cmd = def->cmd;
	memset(&run, 0, sizeof(run));
	snoop = def;
	lost_shown = 0;
	output_closed = false;
	run.ctx = def->ctx;
	unsigned long long buffer = SNOOP_BUFFER_DEFAULT;
	argc = cli_split_program(&run.cli, argc, argv);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		switch (c) {
		case 'h': def->usage(stdout); return EXIT_OK;
		case OPT_BUFFER:
			if (cli_parse_size(optarg, &buffer) || !snoop_buffer_size_valid(buffer))
				return cli_usage_error(cmd, "invalid --buffer-size '%s' (a power of two, "
							    "at least a page, at most 4G)", optarg);
			break;
		case '?': return cli_bad_option(cmd);
		default: {
			int r = cli_common_option(&run.cli, cmd, c, optarg);
			if (r < 0)
				return EXIT_USAGE;
			if (r == 0)
				return cli_bad_option(cmd);
		}
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s' (a program goes after --)",
				       argv[optind]);
	if (run.cli.interval > 0 && !def->on_interval)
		return cli_usage_error(cmd, "-i/--interval does not apply: every call is printed");
	if (cli_one_target(&run.cli, cmd))
		return EXIT_USAGE;
	if (!cli_check_user_pids(&run.cli, cmd))
		return EXIT_RUNTIME;
	if (snoop_log_init(&run.log, cmd, run.cli.json, def->symbols)) {
		fprintf(stderr, "memmon %s: out of memory\n", cmd);
		return EXIT_RUNTIME;
	}
	struct trace_target tt;
	int rc;
	loop_install_signals();
	if ((rc = trace_target_prepare(&tt, &run.cli, cmd))) {
		snoop_log_free(&run.log);
		return rc;
	}
	tt.program_from_exec = true;
	struct snoop_session_opts o = {
		.cmd = cmd, .target = &tt, .sys_mask = def->sys_mask,
		.brk_stack = def->brk_stack, .buffer_size = buffer,
		.on_event = def->on_event ? def->on_event : snoop_log_event,
		.ctx = def->on_event ? (void *)&run : (void *)&run.log,
	};
	if ((rc = snoop_session_open(&run.s, &o))) {
		trace_target_abort(&tt);
		snoop_log_free(&run.log);
		return rc;
	}
	if ((rc = trace_target_release(&tt, cmd))) {
		snoop_session_close(&run.s);
		snoop_log_free(&run.log);
		return rc;
	}
	fprintf(stderr, "memmon %s: tracing %s; Ctrl-C to end\n", cmd,
		trace_target_filters_pids(&tt) ? "the selected processes" : "every process");
	struct loop l = {
		.events = &run.s.events, .interval = run.cli.interval, .duration = run.cli.duration,
		.on_interval = on_interval, .on_child_stop = on_child_stop, .on_tick = on_tick,
	};
	trace_target_loop(&tt, &l);
	double start = run.interval_start = now_seconds_since(&run);
	enum loop_end end = loop_run(&l);
	events_drain(&run.s.events);
	if (def->on_end)
		def->on_end(&run);
	uint64_t lost = snoop_session_lost(&run.s);
	if (run.cli.json) {
		char type[32];
		snprintf(type, sizeof(type), "%s_summary", cmd);
		struct json_object *e = json_record(type);
		json_add_str(e, "reason", output_closed ? "output closed" : loop_end_reason(end));
		json_add_double(e, "seconds", now_seconds_since(&run) - start);
		json_add_u64(e, "lost_events", lost);
		if (def->totals)
			def->totals(&run, e);
		else
			json_add_u64(e, "events", run.log.pr.printed);
		json_emit(e, stdout);
	} else {
		fprintf(stderr, "memmon %s: %s; %llu events lost\n", cmd,
			output_closed ? "output closed" : loop_end_reason(end),
			(unsigned long long)lost);
	}
	trace_target_abort(&tt); /* -d ended tracing: the program does not run on untraced */
	snoop_session_close(&run.s);
	snoop_log_free(&run.log);
	return end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
}
