/* memmon trend: confirm a leak by sampling USS (heap, anonymous RSS) and fitting a line. */
#include "commands.h"
#include "core/cli.h"
#include "core/launch.h"
#include "core/loop.h"
#include "core/options.h"
#include "core/out_file.h"
#include "proc/proc_file.h"
#include "proc/proc_pid.h"
#include "snapshot/trend_fit.h"
#include "snapshot/trend_print.h"
#include "snapshot/trend_sample.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *CMD = "trend";

struct trend {
	pid_t pid;
	bool json;
	double start; /* of the first sample */
	struct text_buf buf;
	struct trend_series series;
	int lost; /* samples that could not be read */
	bool gone;
};

static void take_sample(void *ctx)
{
	struct trend *tr = ctx;
	struct trend_point p;
	if (tr->gone)
		return;
	int r = trend_sample(tr->pid, &tr->buf, &p);
	if (r) {
		if (r == -ENOENT || r == -ESRCH)
			tr->gone = true;
		else
			tr->lost++;
		return;
	}
	double now = now_seconds();
	if (tr->series.n == 0)
		tr->start = now;
	p.t = now - tr->start;
	if (trend_series_add(&tr->series, &p)) {
		tr->lost++;
		return;
	}
	trend_print_sample(tr->pid, &p, tr->series.n == 1, tr->json, stdout);
}

/* Samples every interval until Ctrl-C, --duration, or the process is gone. Its own loop
 * rather than loop_run(): a -p process that exits stays a zombie (kill(pid, 0) succeeds)
 * until its parent reaps it, but its memory is gone at once. Returns why it stopped. */
static enum loop_end sample_loop(struct trend *tr, const struct cli *cli, struct launch *child)
{
	double start = now_seconds(), next = start + cli->interval;
	for (;;) {
		if (loop_interrupted())
			return LOOP_SIGNAL;
		if (child && launch_poll(child, NULL, NULL))
			return LOOP_PROGRAM_EXITED;
		if (tr->gone)
			return LOOP_PIDS_EXITED;
		double t = now_seconds();
		/* a sample due when the duration ends is taken: -d 3 -i 1 samples at 0, 1, 2, 3 */
		if (t >= next && !(cli->duration > 0 && next - start > cli->duration + 1e-3)) {
			take_sample(tr);
			next += cli->interval;
			if (next < t)
				next = t + cli->interval;
			continue;
		}
		if (cli->duration > 0 && t - start >= cli->duration)
			return LOOP_DURATION;
		double wait = next - t;
		if (cli->duration > 0 && start + cli->duration - t < wait)
			wait = start + cli->duration - t;
		if (wait > 0.1)
			wait = 0.1; /* notice the program's exit and Ctrl-C promptly */
		struct timespec ts = { 0, (long)(wait * 1e9) };
		nanosleep(&ts, NULL);
	}
}

/* OPTS_GO_ON, or the exit code. */
static int parse(struct cli *cli, const char **svg, int argc, char **argv)
{
	struct opt opts[] = {
		OPT_PIDS(cli, "the process to sample"),
		OPT_SAMPLE_INTERVAL(cli, "time between samples (default 1)"),
		OPT_DURATION(cli, "stop after S seconds (default: at exit or Ctrl-C)"),
		OPT_JSON(cli, "JSON Lines: {\"type\":\"trend_sample\",\"t\",\"uss_kb\",\n"
			      "\"heap_kb\",\"anon_kb\",\"rss_kb\"} per sample, then\n"
			      "{\"type\":\"trend_summary\"} with the fit"),
		OPT_STRING(0, "svg", svg, "FILE", "draw the samples and the fitted line as an SVG chart"),
		OPT_REFUSE(0, "comm", true, "--comm is not supported: give -p PID or -- PROGRAM"),
		OPT_END(),
	};
	char about[640];
	snprintf(about, sizeof(about),
		 "Samples the process's USS (private memory), [heap] RSS and anonymous RSS every\n"
		 "interval until --duration, Ctrl-C or its exit, fits a straight line to USS and says\n"
		 "whether memory grows: by how much per minute, the 95%% confidence interval of that\n"
		 "rate and r^2 of the fit. The verdict is 'grows' (or 'shrinks') when the interval\n"
		 "excludes zero and the fitted change is at least 64 kB and 1%% of the mean USS,\n"
		 "else 'steady'; at least %d samples are needed.", TREND_MIN_SAMPLES);
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon trend -p PID [-i SECONDS] [-d SECONDS] [--json] [--svg FILE]\n"
			 "       memmon trend [options] -- PROGRAM ARGS",
		.about = about,
		.opts = opts,
		.cli = cli,
		.program = true,
		.program_help = "launch PROGRAM and sample it from one interval after\n"
				"its start; it is killed if -d ends first",
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if ((cli->npids != 1) == !cli->prog_argv || cli->npids > 1)
		return cli_usage_error(CMD, "give exactly one of -p PID or -- PROGRAM");
	return OPTS_GO_ON;
}

/* The process to sample: the launched program, or the -p process with its first sample
 * (a running process is sampled at t = 0). Its name goes to comm. 0 or the exit code. */
static int start_target(struct trend *tr, const struct cli *cli, struct launch *child,
			char *comm, size_t size)
{
	if (cli->prog_argv) {
		if (launch_prepare_flags(child, cli->prog_argv, CMD, cli->json ? LAUNCH_STDOUT_TO_STDERR : 0))
			return EXIT_RUNTIME;
		if (launch_release(child, CMD))
			return EXIT_RUNTIME;
		tr->pid = child->pid;
		const char *base = strrchr(cli->prog_argv[0], '/');
		snprintf(comm, size, "%s", base ? base + 1 : cli->prog_argv[0]);
		return 0;
	}
	tr->pid = cli->pids[0];
	struct proc_info pi;
	int r = proc_pid_info(tr->pid, &tr->buf, &pi);
	if (r) {
		fprintf(stderr, "memmon trend: cannot read pid %d: %s\n", tr->pid, strerror(-r));
		return EXIT_RUNTIME;
	}
	snprintf(comm, size, "%s", pi.comm);
	take_sample(tr);
	if (tr->gone || (tr->series.n == 0 && tr->lost)) {
		fprintf(stderr, "memmon trend: cannot read the memory of pid %d (exited, or not yours: run as root)\n", tr->pid);
		return EXIT_RUNTIME;
	}
	return 0;
}

/* Fits the samples, prints the verdict and writes the chart. The exit code. */
static int report(const struct trend *tr, const char *comm, enum loop_end end, double seconds,
		  struct out_file *svg)
{
	struct trend_fits f;
	if (trend_fit(&tr->series, &f)) {
		trend_fits_free(&f);
		fprintf(stderr, "memmon trend: out of memory\n");
		return EXIT_RUNTIME;
	}
	struct trend_report r = {
		.pid = tr->pid, .comm = comm, .series = &tr->series, .fits = &f, .unreadable = tr->lost,
		.seconds = seconds, .reason = loop_end_reason(end),
		.stopped = end == LOOP_PIDS_EXITED ? "process exited" : loop_end_reason(end),
	};
	trend_print_summary(&r, tr->json, stdout);
	int rc = EXIT_OK, err;
	if (svg->fp) {
		if ((err = trend_write_svg(svg->fp, &r)))
			fprintf(stderr, "memmon trend: cannot write %s: %s\n", svg->path, strerror(-err));
		if (err || out_file_commit(svg, CMD))
			rc = EXIT_RUNTIME;
	}
	trend_fits_free(&f);
	return rc;
}

int cmd_trend(int argc, char **argv)
{
	struct cli cli = { .interval = 1.0 };
	const char *svg = NULL;
	int rc = parse(&cli, &svg, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (!cli_check_user_pids(&cli, CMD))
		return EXIT_RUNTIME;
	/* --svg is written at the end: its file is made now, not found unwritable after the run */
	struct out_file svg_file = { .dirfd = -1 };
	if (svg && out_file_open(&svg_file, svg, 0, CMD))
		return EXIT_RUNTIME;

	struct trend tr = { .json = cli.json };
	struct launch child = { 0 };
	char comm[64] = "?";
	loop_install_signals();
	double start = now_seconds();
	rc = start_target(&tr, &cli, &child, comm, sizeof(comm));
	if (!rc) {
		enum loop_end end = sample_loop(&tr, &cli, cli.prog_argv ? &child : NULL);
		rc = report(&tr, comm, end, now_seconds() - start, &svg_file);
	}
	if (cli.prog_argv)
		launch_abort(&child); /* its whole process group, also after it exited */
	out_file_discard(&svg_file);
	trend_series_free(&tr.series);
	text_buf_free(&tr.buf);
	return rc;
}
