/* memmon heap -- PROGRAM: where the heap goes. libmemmon_heap.so (installed beside memmon)
 * is preloaded into the program and records every allocation with its stack, walked by
 * the unwind tables memmon builds before the program starts, into memory memmon shares
 * with it (heap/heap_shm.h); memmon drains it every millisecond (heap/heap_session.c),
 * accounts (heap/heap_account.c) and reports (heap/heap_report.c). */
#include "commands.h"
#include "core/cli.h"
#include "core/launch.h"
#include "core/loop.h"
#include "core/options.h"
#include "core/out_file.h"
#include "core/svg_plot.h"
#include "heap/heap_attach.h"
#include "heap/heap_diff.h"
#include "heap/heap_profile.h"
#include "heap/heap_report.h"
#include "heap/heap_session.h"
#include "proc/proc_libs.h"
#include "symbols/unwind_tables.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD "heap"
#define SVG_INTERVAL 0.1 /* --svg without -i: the heap sampled this often */

struct heap_opts {
	unsigned long long sample_bytes;
	uint64_t seed;
	long top;
	int sort;
	const char *svg, *diff;
	struct profile_files profiles;
};

static int parse(int argc, char **argv, struct cli *cli, struct heap_opts *ho)
{
	struct opt opts[] = {
		OPT_SIZE(0, "sample-bytes", &ho->sample_bytes, "N", 1, 1ULL << 40,
			 "record one allocation per N bytes allocated on average\n"
			 "(Poisson sampling, each sample weighted: estimates\n"
			 "for always-on use; e.g. 512k); default: every one"),
		OPT_NUMBER(0, "seed", &ho->seed, "N", 1, INT64_MAX,
			   "seed of the sampling draws (the same run, the same\n"
			   "samples; -- PROGRAM only); default: from the clock"),
		OPT_NUMBER(0, "top", &ho->top, "N", 0, 1000000,
			   "print the N first stacks (default 20, 0: all)"),
		OPT_CHOICE(0, "sort", &ho->sort, "allocated|allocations|temporary|peak|leaked",
			   "order of the stacks: allocated (bytes, the default),\n"
			   "allocations, temporary, peak or leaked"),
		OPT_INTERVAL(cli, "sample the heap's total every S seconds and print it"),
		OPT_DURATION(cli, "stop after S seconds (a launched program is ended)"),
		OPT_STRING(0, "svg", &ho->svg, "FILE", "draw the heap over time as an SVG chart"),
		OPT_STRING(0, "diff", &ho->diff, "BASE",
			   "compare with BASE, the --json output or the --pprof\n"
			   "file of an earlier run: per stack what grew or shrank"),
		OPT_PPROF_FILE(&ho->profiles, "every stack (alloc_objects, alloc_space,\n"
					      "inuse_objects, inuse_space: in use = leaked at the end)"),
		OPT_FOLDED_FILE(&ho->profiles, "every stack's bytes allocated"),
		OPT_FLAMEGRAPH_FILE(&ho->profiles, "every stack's bytes allocated"),
		OPT_JSON(cli, "JSON Lines: heap_stack rows, heap_process per process,\n"
			      "heap_interval with -i, heap_summary last"),
		OPT_PIDS(cli, "trace this running process (repeatable): exact, by\n"
			      "memmon leak's uprobes (traps into the kernel: slower)"),
		OPT_REFUSE(0, "comm", true, "--comm is not supported: name processes with -p"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon heap [options] -p PID [-p PID ...]\n"
			 "       memmon heap [--sample-bytes N [--seed N]] [-i S] [-d S] [--svg FILE]\n"
			 "                   [--top N] [--sort KEY] [--diff BASE] [--pprof FILE]\n"
			 "                   [--folded FILE] [--flamegraph FILE] [--json]\n"
			 "                   -- PROGRAM [ARGS]",
		.about = "Where the heap goes, by stack: allocations, bytes allocated, temporary\n"
			 "allocations (heaptrack's: freed by the thread's very next allocator call),\n"
			 "bytes held at the process's heap peak, and what is still allocated at the\n"
			 "end (leaked). A preload library (libmemmon_heap.so) records every allocator\n"
			 "call with its stack, walked by call frame information (right through -O2 code\n"
			 "without frame pointers), into memory memmon shares with the program: no trap\n"
			 "into the kernel, no lock, no event lost (a thread whose ring is full waits for\n"
			 "memmon).",
		.epilog = "Wrapped: malloc, calloc, realloc, reallocarray, posix_memalign, aligned_alloc,\n"
			  "memalign, valloc, pvalloc, free and C++ operator new/delete. A forked child is\n"
			  "a process of its own in the report; an exec'd program is traced too (the\n"
			  "environment carries the library), and what the image before exec held is\n"
			  "not counted as leaked. Static executables cannot be traced this way.\n"
			  "-p PID traces a running process instead, through memmon leak's uprobes on\n"
			  "its libc and libstdc++ (every call traps into the kernel: several times\n"
			  "slower than the library; blocks allocated before it attached are not\n"
			  "counted, their frees ignored; forks and execs followed as above); it ends\n"
			  "when the processes exit, on Ctrl-C or --duration. Needs root (CAP_BPF,\n"
			  "CAP_PERFMON). With --sample-bytes the probes still trap at every call but\n"
			  "take a stack, a table entry and an event only for the sampled allocations.",
		.opts = opts,
		.cli = cli,
		.program = true,
		.program_help = "run PROGRAM with the library (memmon exits 0, not with\nthe program's status)",
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (cli_one_target(cli, CMD))
		return EXIT_USAGE;
	if (!cli->prog_argv && !cli->npids)
		return cli_usage_error(CMD, "nothing to trace: give -p PID or -- PROGRAM [ARGS]");
	if (cli->npids && ho->seed)
		return cli_usage_error(CMD, "--seed applies to a launched program (-- PROGRAM): with -p the\n"
					    "kernel's random numbers draw the samples");
	if (ho->seed && !ho->sample_bytes)
		return cli_usage_error(CMD, "--seed needs --sample-bytes");
	return OPTS_GO_ON;
}

static int find_library(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return -errno;
	exe[len] = 0;
	snprintf(out, n, "%s/libmemmon_heap.so", dirname(exe));
	return access(out, R_OK) ? -errno : 0;
}

static int setup_env(const char *lib, int shm_fd, int tables_fd)
{
	char num[32], *preload;
	const char *old = getenv("LD_PRELOAD");
	if (asprintf(&preload, "%s%s%s", lib, old && *old ? ":" : "", old && *old ? old : "") < 0)
		return -1;
	int rc = setenv("LD_PRELOAD", preload, 1);
	free(preload);
	snprintf(num, sizeof(num), "%d", shm_fd);
	rc |= setenv("MEMMON_HEAP_FD", num, 1);
	snprintf(num, sizeof(num), "%d", tables_fd);
	rc |= setenv("MEMMON_HEAP_UNWIND_FD", num, 1);
	return rc;
}

struct run {
	struct heap_session s;
	struct cli *cli;
	double start;
	int intervals;
	double *xs, *ys;
	size_t n, cap;
};

static void on_tick(void *ctx)
{
	struct run *r = ctx;
	/* while events flow, keep draining (up to 50 ms): a full ring makes its thread wait */
	double until = now_seconds() + 0.05;
	while (heap_session_drain(&r->s, false) > 4096 && now_seconds() < until)
		;
}

static void on_interval(void *ctx)
{
	struct run *r = ctx;
	heap_session_drain(&r->s, false);
	double t = now_seconds() - r->start, bytes = heap_account_live(&r->s.acct);
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		double *xs = realloc(r->xs, cap * sizeof(double)), *ys = xs ? realloc(r->ys, cap * sizeof(double)) : NULL;
		if (xs)
			r->xs = xs;
		if (!xs || !ys)
			return;
		r->ys = ys;
		r->cap = cap;
	}
	r->xs[r->n] = t;
	r->ys[r->n++] = bytes;
	if (r->cli->interval > 0)
		heap_report_interval(&r->s, ++r->intervals, t, bytes, r->cli->json);
}

static int write_svg(struct run *r, struct out_file *svg, const char *prog)
{
	char title[PATH_MAX + 32];
	snprintf(title, sizeof(title), "memmon heap: %s", prog);
	struct svg_series series[] = { { "heap bytes", "#d62728", r->ys } };
	struct svg_plot p = { .title = title, .x_label = "seconds", .y_label = "bytes", .x = r->xs,
			      .n = r->n, .series = series, .nseries = 1 };
	int err = svg_plot_write(svg->fp, &p);
	if (err)
		fprintf(stderr, "memmon heap: cannot write %s: %s\n", svg->path, strerror(-err));
	return err || out_file_commit(svg, CMD) ? -1 : 0;
}

/* The report (or the differences from --diff's BASE, then the summary), --svg and the
 * profile files, of either mode. what: the program, or the pids. Returns an exit code. */
static int final_report(struct run *r, struct heap_opts *ho, struct heap_diff_base *base,
			const char *reason, const struct unwind_tables *tables, struct out_file *svg,
			const char *what)
{
	int rc = EXIT_OK;
	struct heap_report_opts o = { .rows = true, .json = r->cli->json, .top = (int)ho->top,
				      .sort = ho->sort, .reason = reason,
				      .seconds = now_seconds() - r->start, .unwind = tables };
	if (ho->diff) { /* the differences instead of the rows, then the same summary */
		o.rows = false;
		rc = heap_diff_print(base, &r->s, r->cli->json, (int)ho->top) ? EXIT_RUNTIME : 0;
	}
	if (heap_report_print(&r->s, &o))
		rc = EXIT_RUNTIME;
	if (svg->fp && write_svg(r, svg, what))
		rc = EXIT_RUNTIME;
	if (profile_files_wanted(&ho->profiles)) {
		char title[PATH_MAX + 48];
		snprintf(title, sizeof(title), "memmon heap: bytes allocated by %s", what);
		if (heap_profile_write(&r->s, &ho->profiles, o.seconds, title))
			rc = EXIT_RUNTIME;
	}
	return rc;
}

/* -p PID: leak's uprobes feed the accounting (heap/heap_attach.h). */
static int run_attached(struct cli *cli, struct heap_opts *ho, struct heap_diff_base *base,
			struct out_file *svg)
{
	struct run r = { .cli = cli };
	int err = heap_session_open(&r.s, ho->sample_bytes, 0);
	if (err) {
		fprintf(stderr, "memmon heap: cannot make the shared memory: %s\n", strerror(-err));
		return EXIT_RUNTIME;
	}
	loop_install_signals();
	r.start = now_seconds();
	double interval = cli->interval > 0 ? cli->interval : ho->svg ? SVG_INTERVAL : 0;
	const char *reason;
	int rc = heap_attach_run(&r.s, cli, interval, on_interval, &r, &r.start, &reason);
	if (rc == EXIT_OK) {
		if (interval > 0)
			on_interval(&r); /* the last point: the heap at the end */
		char what[64];
		snprintf(what, sizeof(what), "pid %d%s", cli->pids[0], cli->npids > 1 ? " and others" : "");
		rc = final_report(&r, ho, base, reason, NULL, svg, what);
	}
	heap_session_close(&r.s);
	free(r.xs);
	free(r.ys);
	return rc;
}

int cmd_heap(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct heap_opts ho = { .top = 20 };
	int rc = parse(argc, argv, &cli, &ho);
	if (rc != OPTS_GO_ON)
		return rc;
	rc = EXIT_OK;
	struct heap_diff_base base = { 0 };
	if (ho.diff && heap_diff_load(&base, ho.diff))
		return EXIT_RUNTIME;
	char lib[PATH_MAX], path[PATH_MAX];
	if (!cli.npids && find_library(lib, sizeof(lib))) {
		fprintf(stderr, "memmon heap: %s not found: it is built and installed beside memmon\n", lib);
		heap_diff_free(&base);
		return EXIT_RUNTIME;
	}
	struct out_file svg = { .dirfd = -1 };
	if (ho.svg && out_file_open(&svg, ho.svg, 0, CMD)) {
		heap_diff_free(&base);
		return EXIT_RUNTIME;
	}
	if (profile_files_open(&ho.profiles, CMD)) {
		out_file_discard(&svg);
		heap_diff_free(&base);
		return EXIT_RUNTIME;
	}
	if (cli.npids) {
		rc = run_attached(&cli, &ho, &base, &svg);
		out_file_discard(&svg);
		profile_files_discard(&ho.profiles); /* written by the report; a failed run's go */
		heap_diff_free(&base);
		return rc;
	}
	struct run r = { .cli = &cli };
	int err = heap_session_open(&r.s, ho.sample_bytes, ho.seed);
	struct unwind_tables *tables = err ? NULL : unwind_tables_open_shared(2u << 20, 65536, 4096);
	if (err || !tables) {
		fprintf(stderr, "memmon heap: cannot make the shared memory: %s\n",
			strerror(err ? -err : errno));
		if (!err)
			heap_session_close(&r.s);
		out_file_discard(&svg);
		profile_files_discard(&ho.profiles);
		heap_diff_free(&base);
		return EXIT_RUNTIME;
	}
	r.s.tables = tables;
	/* the tables of the program and the libraries its loader will map, before it runs */
	if (resolve_program(cli.prog_argv[0], path, sizeof(path)) == 0)
		unwind_tables_add_program(tables, path);
	int tables_fd = dup(unwind_tables_shared_fd(tables)); /* inherited: no close-on-exec */
	char dir[64], link[96];
	snprintf(dir, sizeof(dir), "/tmp/memmon-heap.%d.XXXXXX", (int)getpid());
	bool have_dir = mkdtemp(dir) != NULL;
	/* ld.so splits LD_PRELOAD at spaces and colons: a link in a private directory */
	snprintf(link, sizeof(link), "%s/libmemmon_heap.so", dir);
	if (tables_fd < 0 || !have_dir || symlink(lib, link) || setup_env(link, r.s.fd, tables_fd)) {
		fprintf(stderr, "memmon heap: cannot set up the program's environment: %s\n", strerror(errno));
		rc = EXIT_RUNTIME;
		goto out;
	}
	loop_install_signals();
	struct launch child;
	heap_session_start(&r.s);
	r.start = now_seconds();
	if (launch_prepare_flags(&child, cli.prog_argv, CMD, cli.json ? LAUNCH_STDOUT_TO_STDERR : 0) < 0 ||
	    launch_release(&child, CMD) < 0) {
		launch_abort(&child);
		rc = EXIT_RUNTIME;
		goto out;
	}
	struct loop l = { .child = &child, .duration = cli.duration, .ctx = &r, .on_tick = on_tick,
			  .tick_ms = ho.sample_bytes ? 20 : 1, /* sampled: few events */ .on_interval = on_interval,
			  .interval = cli.interval > 0 ? cli.interval : ho.svg ? SVG_INTERVAL : 0 };
	enum loop_end end = loop_run(&l);
	launch_abort(&child);
	heap_session_drain(&r.s, true);
	if (l.interval > 0)
		on_interval(&r); /* the last point: the heap at the end */
	rc = final_report(&r, &ho, &base, loop_end_reason(end), tables, &svg, cli.prog_argv[0]);
	if (r.s.procs_seen == 0 && end == LOOP_PROGRAM_EXITED) {
		fprintf(stderr, "memmon heap: the library was not loaded into the program (a static "
				"executable, or one that clears LD_PRELOAD): nothing was traced\n");
		rc = EXIT_RUNTIME;
	}
out:
	if (have_dir) {
		unlink(link);
		rmdir(dir);
	}
	if (tables_fd >= 0)
		close(tables_fd);
	out_file_discard(&svg);
	profile_files_discard(&ho.profiles); /* written above; a failed run's go */
	unwind_tables_close(tables);
	heap_session_close(&r.s);
	free(r.xs);
	free(r.ys);
	heap_diff_free(&base);
	return rc;
}
