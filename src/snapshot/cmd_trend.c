/* memmon trend: confirm a leak by sampling USS (heap, anonymous RSS) and fitting a line. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/launch.h"
#include "core/loop.h"
#include "core/svg_plot.h"
#include "proc/proc_file.h"
#include "proc/proc_pid.h"
#include "snapshot/linfit.h"
#include "snapshot/trend_sample.h"
#include "snapshot/trend_verdict.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { OPT_SVG = OPT_COMMON_LAST };

static void usage(void)
{
	printf("usage: memmon trend -p PID [-i SECONDS] [-d SECONDS] [--json] [--svg FILE]\n"
	       "       memmon trend [options] -- PROGRAM ARGS\n\n"
	       "Samples the process's USS (private memory), [heap] RSS and anonymous RSS every\n"
	       "interval until --duration, Ctrl-C or its exit, fits a straight line to USS and says\n"
	       "whether memory grows: by how much per minute, the 95%% confidence interval of that\n"
	       "rate and r^2 of the fit. The verdict is 'grows' (or 'shrinks') when the interval\n"
	       "excludes zero and the fitted change is at least 64 kB and 1%% of the mean USS,\n"
	       "else 'steady'; at least %d samples are needed.\n\n"
	       "  -p, --pid PID       the process to sample\n"
	       "  -i, --interval SEC  time between samples (default 1)\n"
	       "  -d, --duration SEC  stop after SEC seconds (default: at exit or Ctrl-C)\n"
	       "      --json          JSON Lines: {\"type\":\"sample\",\"t\",\"uss_kb\",\"heap_kb\",\"anon_kb\",\n"
	       "                      \"rss_kb\"} per sample, then {\"type\":\"trend\"} with the fit\n"
	       "      --svg FILE      draw the samples and the fitted line as an SVG chart\n"
	       "  -h, --help          this help\n", TREND_MIN_SAMPLES);
}

struct trend {
	pid_t pid;
	bool json, quiet_first;
	double start;
	struct text_buf buf;
	struct trend_point *pts;
	size_t n, cap;
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
	if (tr->n == tr->cap) {
		size_t cap = tr->cap ? tr->cap * 2 : 256;
		struct trend_point *pts = realloc(tr->pts, cap * sizeof(*pts));
		if (!pts) {
			tr->lost++;
			return;
		}
		tr->pts = pts;
		tr->cap = cap;
	}
	if (tr->n == 0)
		tr->start = now_seconds();
	p.t = now_seconds() - tr->start;
	tr->pts[tr->n++] = p;
	if (tr->json) {
		struct json_object *j = json_record("sample");
		json_add_int(j, "pid", tr->pid);
		json_add_double(j, "t", p.t);
		json_add_u64(j, "uss_kb", p.uss_kb);
		json_add_u64(j, "heap_kb", p.heap_kb);
		json_add_u64(j, "anon_kb", p.anon_kb);
		json_add_u64(j, "rss_kb", p.rss_kb);
		json_emit(j, NULL);
	} else {
		if (tr->n == 1)
			printf("%9s %10s %10s %10s %10s  (kB)\n", "time", "USS", "heap", "anon", "RSS");
		printf("%8.1fs %10llu %10llu %10llu %10llu\n", p.t, (unsigned long long)p.uss_kb,
		       (unsigned long long)p.heap_kb, (unsigned long long)p.anon_kb, (unsigned long long)p.rss_kb);
		fflush(stdout);
	}
}

struct fits {
	struct linfit uss_fit, heap_fit, anon_fit;
	double mean_uss;
	double *x, *uss, *heap, *anon;
};

static int fit_all(const struct trend *tr, struct fits *f)
{
	memset(f, 0, sizeof(*f));
	size_t n = tr->n ? tr->n : 1;
	f->x = calloc(n, sizeof(double));
	f->uss = calloc(n, sizeof(double));
	f->heap = calloc(n, sizeof(double));
	f->anon = calloc(n, sizeof(double));
	if (!f->x || !f->uss || !f->heap || !f->anon)
		return -ENOMEM;
	for (size_t i = 0; i < tr->n; i++) {
		f->x[i] = tr->pts[i].t;
		f->uss[i] = (double)tr->pts[i].uss_kb;
		f->heap[i] = (double)tr->pts[i].heap_kb;
		f->anon[i] = (double)tr->pts[i].anon_kb;
		f->mean_uss += f->uss[i] / (double)tr->n;
	}
	linfit(f->x, f->uss, tr->n, &f->uss_fit);
	linfit(f->x, f->heap, tr->n, &f->heap_fit);
	linfit(f->x, f->anon, tr->n, &f->anon_fit);
	return 0;
}

static void fits_free(struct fits *f)
{
	free(f->x);
	free(f->uss);
	free(f->heap);
	free(f->anon);
}

/* --svg is written at the end: find out now, not after the whole run, that it cannot be. */
static bool svg_path_writable(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	const char *bad = access(path, F_OK) == 0 ? (access(path, W_OK) ? path : NULL) :
			  access(dir, W_OK) ? dir : NULL;
	if (bad)
		fprintf(stderr, "memmon trend: cannot write --svg %s: %s: %s\n", path, bad,
			strerror(errno));
	return !bad;
}

static int report(const struct trend *tr, const char *comm, const char *svg)
{
	struct fits f;
	if (fit_all(tr, &f)) {
		fits_free(&f);
		fprintf(stderr, "memmon trend: out of memory\n");
		return EXIT_RUNTIME;
	}
	double span = tr->n ? tr->pts[tr->n - 1].t : 0;
	enum trend_verdict v = trend_judge(&f.uss_fit, span, f.mean_uss);
	if (tr->json) {
		struct json_object *j = json_record("trend");
		json_add_int(j, "pid", tr->pid);
		json_add_str(j, "comm", comm);
		json_add_int(j, "samples", (int64_t)tr->n);
		json_add_int(j, "unreadable_samples", tr->lost);
		json_add_double(j, "duration_s", span);
		json_add_str(j, "verdict", trend_verdict_name(v));
		json_add_double(j, "uss_kb_per_min", f.uss_fit.slope * 60);
		json_add_double(j, "uss_kb_per_min_ci95", f.uss_fit.ci95 * 60);
		json_add_double(j, "r2", f.uss_fit.r2);
		json_add_double(j, "heap_kb_per_min", f.heap_fit.slope * 60);
		json_add_double(j, "anon_kb_per_min", f.anon_fit.slope * 60);
		json_add_u64(j, "first_uss_kb", tr->n ? tr->pts[0].uss_kb : 0);
		json_add_u64(j, "last_uss_kb", tr->n ? tr->pts[tr->n - 1].uss_kb : 0);
		json_emit(j, NULL);
	} else {
		printf("\npid %d (%s): %zu samples over %.1f s", tr->pid, comm, tr->n, span);
		if (tr->lost)
			printf(", %d unreadable", tr->lost);
		printf("\n");
		if (v == TREND_TOO_FEW) {
			printf("verdict: too few samples (need %d; sample longer or more often)\n", TREND_MIN_SAMPLES);
		} else {
			printf("USS %+.0f kB/min (95%% CI +-%.0f kB/min), r^2 %.3f; heap %+.0f kB/min, anon RSS %+.0f kB/min\n",
			       f.uss_fit.slope * 60, f.uss_fit.ci95 * 60, f.uss_fit.r2, f.heap_fit.slope * 60, f.anon_fit.slope * 60);
			printf("verdict: %s\n", trend_verdict_name(v));
		}
	}
	int rc = EXIT_OK;
	if (svg) {
		char title[128], fit_label[96];
		snprintf(title, sizeof(title), "memmon trend: pid %d (%s), USS %s", tr->pid, comm, trend_verdict_name(v));
		snprintf(fit_label, sizeof(fit_label), "USS fit %+.0f kB/min, r2 %.3f", f.uss_fit.slope * 60, f.uss_fit.r2);
		struct svg_series series[] = {
			{ "USS", "#d62728", f.uss }, { "[heap] RSS", "#1f77b4", f.heap }, { "anon RSS", "#2ca02c", f.anon },
		};
		struct svg_plot p = {
			.title = title, .x_label = "seconds", .y_label = "kB", .x = f.x, .n = tr->n,
			.series = series, .nseries = 3, .fit_slope = f.uss_fit.slope,
			.fit_intercept = f.uss_fit.intercept, .fit_label = fit_label,
		};
		int r = svg_plot_write(svg, &p);
		if (r) {
			fprintf(stderr, "memmon trend: cannot write %s: %s\n", svg, strerror(-r));
			rc = EXIT_RUNTIME;
		}
	}
	fits_free(&f);
	return rc;
}

/* Samples every interval until Ctrl-C, --duration, or the process is gone. Its own loop
 * rather than loop_run(): a -p process that exits stays a zombie (kill(pid, 0) succeeds)
 * until its parent reaps it, but its memory is gone at once. Returns why it stopped. */
static const char *sample_loop(struct trend *tr, const struct cli *cli, struct launch *child)
{
	double start = now_seconds(), next = start + cli->interval;
	for (;;) {
		if (loop_interrupted())
			return "interrupted";
		if (child && launch_poll(child, NULL, NULL))
			return "program exited";
		if (tr->gone)
			return "process exited";
		double t = now_seconds();
		if (cli->duration > 0 && t - start >= cli->duration)
			return "duration elapsed";
		if (t >= next) {
			take_sample(tr);
			next += cli->interval;
			if (next < t)
				next = t + cli->interval;
			continue;
		}
		double wait = next - t;
		if (cli->duration > 0 && start + cli->duration - t < wait)
			wait = start + cli->duration - t;
		if (wait > 0.1)
			wait = 0.1; /* notice the program's exit and Ctrl-C promptly */
		struct timespec ts = { 0, (long)(wait * 1e9) };
		nanosleep(&ts, NULL);
	}
}

int cmd_trend(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS, { "svg", required_argument, NULL, OPT_SVG }, { NULL, 0, NULL, 0 },
	};
	struct cli cli = { .interval = 1.0 };
	const char *svg = NULL;
	argc = cli_split_program(&cli, argc, argv);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		int r = cli_common_option(&cli, "trend", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		if (c == 'h') {
			usage();
			return EXIT_OK;
		}
		if (c == OPT_SVG) {
			svg = optarg;
			continue;
		}
		return cli_bad_option("trend");
	}
	if (optind < argc)
		return cli_usage_error("trend", "unexpected argument '%s'", argv[optind]);
	if (cli.comm)
		return cli_usage_error("trend", "--comm is not supported: give -p PID or -- PROGRAM");
	if ((cli.npids != 1) == !cli.prog_argv || cli.npids > 1)
		return cli_usage_error("trend", "give exactly one of -p PID or -- PROGRAM");
	if (!cli_check_user_pids(&cli, "trend"))
		return EXIT_RUNTIME;
	if (svg && !svg_path_writable(svg))
		return EXIT_RUNTIME;

	struct trend tr = { .json = cli.json };
	struct launch child;
	char comm[64] = "?";
	loop_install_signals();
	if (cli.prog_argv) {
		if (launch_prepare_flags(&child, cli.prog_argv, "trend", cli.json ? LAUNCH_STDOUT_TO_STDERR : 0))
			return EXIT_RUNTIME;
		if (launch_release(&child, "trend"))
			return EXIT_RUNTIME;
		tr.pid = child.pid;
		const char *base = strrchr(cli.prog_argv[0], '/');
		snprintf(comm, sizeof(comm), "%s", base ? base + 1 : cli.prog_argv[0]);
	} else {
		tr.pid = cli.pids[0];
		struct proc_info pi;
		int r = proc_pid_info(tr.pid, &tr.buf, &pi);
		if (r) {
			fprintf(stderr, "memmon trend: cannot read pid %d: %s\n", tr.pid, strerror(-r));
			text_buf_free(&tr.buf);
			return EXIT_RUNTIME;
		}
		snprintf(comm, sizeof(comm), "%s", pi.comm);
		take_sample(&tr); /* a running process: sample at t=0 */
		if (tr.gone || (tr.n == 0 && tr.lost)) {
			fprintf(stderr, "memmon trend: cannot read the memory of pid %d (exited, or not yours: run as root)\n", tr.pid);
			text_buf_free(&tr.buf);
			return EXIT_RUNTIME;
		}
	}
	const char *why = sample_loop(&tr, &cli, cli.prog_argv ? &child : NULL);
	if (!cli.json)
		printf("(stopped: %s)\n", why);
	int rc = report(&tr, comm, svg);
	if (cli.prog_argv && !child.exited)
		launch_abort(&child);
	free(tr.pts);
	text_buf_free(&tr.buf);
	return rc;
}
