/* memmon guard -- PROGRAM: a sampling guard-page allocator (libmemmon_guard.so, installed
 * beside memmon) preloaded into the program; the library reports a fault's raw facts to a
 * private directory and memmon, waiting for the program, symbolizes and prints them. */
#include "commands.h"
#include "core/cli.h"
#include "core/launch.h"
#include "core/loop.h"
#include "core/options.h"
#include "crash/guard_parse.h"
#include "crash/guard_print.h"
#include "symbols/symbolize.h"
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CMD "guard"
#define GUARD_DEFAULT_RATE 5000
#define GUARD_DEFAULT_SLOTS 512
#define GUARD_DEFAULT_ALIGN 16 /* malloc's alignment */
#define STR(x) #x
#define XSTR(x) STR(x) /* a default's value in the help */

struct guard_opts {
	long rate, slots, align; /* rate and align 0: not given on the command line */
	bool left, all;
};

/* --align N: a power of two from 1 to 4096. */
static int parse_align(const char *arg, void *ctx)
{
	struct guard_opts *go = ctx;
	if (cli_parse_long(arg, 1, 4096, &go->align) || (go->align & (go->align - 1)))
		return cli_usage_error(CMD, "invalid --align '%s' (a power of two from 1 to 4096)", arg);
	return 0;
}

static const char NO_PID[] = "-p is not supported: replacing the allocator of a running "
			     "process cannot be done safely; launch it with -- PROGRAM";
static const char NO_TIMING[] = "-i, -d and --comm do not apply: guard runs until the program exits";

/* OPTS_GO_ON, or the exit code. */
static int parse(int argc, char **argv, struct cli *cli, struct guard_opts *go)
{
	struct opt opts[] = {
		OPT_NUMBER(0, "sample-rate", &go->rate, "N", 1, 1L << 30,
			   "guard one allocation in N, chosen at random\n"
			   "(default " XSTR(GUARD_DEFAULT_RATE) ")"),
		OPT_FLAG(0, "all", &go->all, "guard every allocation (for short test runs)"),
		OPT_FLAG(0, "left", &go->left, "align guarded blocks to the left guard page:\n"
					       "catches underflows instead of overflows"),
		OPT_CALLBACK(0, "align", "N", parse_align, go,
			     "alignment of right-aligned blocks (power of two,\n"
			     "default " XSTR(GUARD_DEFAULT_ALIGN) ", as malloc promises): an overflow\n"
			     "within the padding up to it is not caught; 1\n"
			     "catches every byte but breaks programs that rely\n"
			     "on malloc's alignment"),
		OPT_NUMBER(0, "slots", &go->slots, "N", 1, 1L << 20,
			   "at most N guarded blocks live or quarantined\n"
			   "(default " XSTR(GUARD_DEFAULT_SLOTS) "; each costs one page of memory\n"
			   "while in use)"),
		OPT_JSON(cli, "JSON Lines: guard_error records, a guard_process per\n"
			      "process that exited, guard_summary last"),
		OPT_REFUSE('p', "pid", true, NO_PID),
		OPT_REFUSE('i', "interval", true, NO_TIMING),
		OPT_REFUSE('d', "duration", true, NO_TIMING),
		OPT_REFUSE(0, "comm", true, NO_TIMING),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon guard [--sample-rate N | --all] [--left | --align N] [--slots N] [--json]\n"
			 "                    -- PROGRAM [ARGS]",
		.about = "Catches heap-buffer overflows, underflows and use after free in a running program\n"
			 "without rebuilding it: one allocation in N is placed alone on a page between\n"
			 "inaccessible guard pages (libmemmon_guard.so, preloaded). A bad access faults at\n"
			 "once; memmon prints what happened with the faulting, allocation and free stacks,\n"
			 "then the program gets the signal it would have got (memmon exits with its status).",
		.epilog = "Guarded: malloc, calloc, realloc, memalign, posix_memalign, aligned_alloc, valloc,\n"
			  "pvalloc (and C++ operator new/delete, which call them) of blocks up to one page.\n"
			  "Forked children and exec'd programs keep the guard (the environment carries it)\n"
			  "and their reports are printed too.",
		.opts = opts,
		.cli = cli,
		.program = true,
		.program_help = "run PROGRAM with the guard; memmon exits with its status",
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (go->all && go->rate)
		return cli_usage_error(CMD, "--all and --sample-rate exclude each other");
	if (go->left && go->align)
		return cli_usage_error(CMD, "--left and --align exclude each other (--align sets "
					    "the alignment of right-aligned blocks)");
	if (!cli->prog_argv)
		return cli_usage_error(CMD, "no program: memmon guard [options] -- PROGRAM [ARGS]");
	go->rate = go->all ? 1 : go->rate ? go->rate : GUARD_DEFAULT_RATE;
	if (!go->align)
		go->align = GUARD_DEFAULT_ALIGN;
	return OPTS_GO_ON;
}

/* libmemmon_guard.so is installed beside the memmon binary. */
static int find_library(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return -errno;
	exe[len] = 0;
	snprintf(out, n, "%s/libmemmon_guard.so", dirname(exe));
	return access(out, R_OK) ? -errno : 0;
}

static int setup_env(const char *lib, const char *dir, const struct guard_opts *go)
{
	char num[32], *preload;
	const char *old = getenv("LD_PRELOAD");
	if (asprintf(&preload, "%s%s%s", lib, old && *old ? ":" : "", old && *old ? old : "") < 0)
		return -1;
	int rc = setenv("LD_PRELOAD", preload, 1);
	free(preload);
	snprintf(num, sizeof(num), "%ld", go->rate);
	rc |= setenv("MEMMON_GUARD_RATE", num, 1);
	snprintf(num, sizeof(num), "%ld", go->slots);
	rc |= setenv("MEMMON_GUARD_SLOTS", num, 1);
	rc |= setenv("MEMMON_GUARD_LEFT", go->left ? "1" : "0", 1);
	snprintf(num, sizeof(num), "%ld", go->align);
	rc |= setenv("MEMMON_GUARD_ALIGN", num, 1);
	rc |= setenv("MEMMON_GUARD_DIR", dir, 1);
	return rc;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "re");
	if (!fp)
		return NULL;
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(fp);
	*len = n;
	return buf;
}

/* The copy of /proc/self/maps the faulting process wrote: its stacks resolve through it,
 * as the process is gone. */
static void capture_maps(struct symbolizer *sym, const struct guard_report *r)
{
	if (!r->maps)
		return;
	FILE *fp = fmemopen((void *)r->maps, r->maps_len, "r");
	if (fp) {
		symbolizer_capture_maps(sym, r->pid, fp);
		fclose(fp);
	}
}

/* Prints every report and stats file the program (and its children) wrote, adds them to
 * *t, and removes them. */
static void collect(const char *dir, bool json, struct guard_totals *t)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return;
	struct symbolizer *sym = symbolizer_new();
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			const char *name = ents[i]->d_name;
			bool is_report = !strncmp(name, "report.", 7), is_stats = !strncmp(name, "stats.", 6);
			if ((pass == 0 && !is_report) || (pass == 1 && !is_stats))
				continue;
			char path[PATH_MAX];
			size_t len;
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			char *text = read_file(path, &len);
			if (!text)
				continue;
			struct guard_report r;
			unsigned long guarded = 0, full = 0;
			if (is_report && guard_report_parse(text, len, &r) == 0) {
				capture_maps(sym, &r);
				guard_print_report(sym, &r, json);
				t->errors++;
			} else if (is_stats && guard_stats_parse(text, len, &guarded, &full) == 0) {
				guard_print_stats((pid_t)atoi(name + 6), guarded, full, json);
				t->processes++;
				t->guarded += guarded;
				t->pool_full += full;
			} else {
				fprintf(stderr, "memmon guard: unreadable report %s\n", name);
			}
			free(text);
			unlink(path);
		}
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	symbolizer_free(sym);
}

int cmd_guard(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct guard_opts go = { .slots = GUARD_DEFAULT_SLOTS };
	int rc = parse(argc, argv, &cli, &go);
	if (rc != OPTS_GO_ON)
		return rc;
	char lib[PATH_MAX], dir[64];
	if (find_library(lib, sizeof(lib))) {
		fprintf(stderr, "memmon guard: %s not found: it is built and installed beside memmon\n", lib);
		return EXIT_RUNTIME;
	}
	snprintf(dir, sizeof(dir), "/tmp/memmon-guard.%d.XXXXXX", (int)getpid());
	if (!mkdtemp(dir)) {
		fprintf(stderr, "memmon guard: cannot create %s: %s\n", dir, strerror(errno));
		return EXIT_RUNTIME;
	}
	/* ld.so splits LD_PRELOAD at spaces and colons: the library is preloaded through a
	 * link in the private directory, whose name has neither, wherever memmon is installed. */
	char link[sizeof(dir) + 32];
	snprintf(link, sizeof(link), "%s/libmemmon_guard.so", dir);
	if (symlink(lib, link) || setup_env(link, dir, &go)) {
		fprintf(stderr, "memmon guard: cannot set the environment: %s\n", strerror(errno));
		unlink(link);
		rmdir(dir);
		return EXIT_RUNTIME;
	}
	loop_install_signals();
	struct launch child;
	struct guard_totals totals = { 0 };
	if (launch_prepare_flags(&child, cli.prog_argv, CMD, cli.json ? LAUNCH_STDOUT_TO_STDERR : 0) < 0 || launch_release(&child, CMD) < 0) {
		launch_abort(&child);
		collect(dir, cli.json, &totals);
		unlink(link);
		rmdir(dir);
		return EXIT_RUNTIME;
	}
	struct loop l = { .child = &child };
	double start = now_seconds();
	enum loop_end end = loop_run(&l);
	launch_abort(&child); /* its whole process group, also after it exited */
	collect(dir, cli.json, &totals);
	unlink(link);
	rmdir(dir);
	if (!totals.processes && !totals.errors && end == LOOP_PROGRAM_EXITED &&
	    WIFEXITED(child.status))
		/* every process that ran with the guard reports at exit: none did */
		fprintf(stderr, "memmon guard: the guard was not loaded into the program (a static "
				"executable, or one that clears LD_PRELOAD): nothing was checked\n");
	guard_print_summary(&totals, loop_end_reason(end), now_seconds() - start, cli.json);
	return launch_exit_code(&child);
}
