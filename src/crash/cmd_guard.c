/* memmon guard -- PROGRAM: a sampling guard-page allocator (libmemmon_guard.so, installed
 * beside memmon) preloaded into the program; the library reports a fault's raw facts to a
 * private directory and memmon, waiting for the program, symbolizes and prints them. */
#include "commands.h"
#include "core/cli.h"
#include "core/launch.h"
#include "core/loop.h"
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
#include <unistd.h>

#define GUARD_DEFAULT_RATE 5000
#define GUARD_DEFAULT_SLOTS 512

enum { OPT_SAMPLE_RATE = OPT_COMMON_LAST, OPT_ALL, OPT_LEFT, OPT_SLOTS, OPT_ALIGN };

struct guard_opts {
	long rate, slots, align;
	bool left, all, rate_set, align_set; /* *_set: given on the command line */
};

static int usage(void)
{
	printf("usage: memmon guard [--sample-rate N | --all] [--left | --align N] [--slots N] [--json]\n"
	       "                    -- PROGRAM [ARGS]\n\n"
	       "Catches heap-buffer overflows, underflows and use after free in a running program\n"
	       "without rebuilding it: one allocation in N is placed alone on a page between\n"
	       "inaccessible guard pages (libmemmon_guard.so, preloaded). A bad access faults at\n"
	       "once; memmon prints what happened with the faulting, allocation and free stacks,\n"
	       "then the program gets the signal it would have got (memmon exits with its status).\n\n"
	       "  --sample-rate N  guard one allocation in N, chosen at random (default %d)\n"
	       "  --all            guard every allocation (for short test runs)\n"
	       "  --left           align guarded blocks to the left guard page: catches underflows\n"
	       "                   instead of overflows\n"
	       "  --align N        alignment of right-aligned blocks (power of two, default 16, as\n"
	       "                   malloc promises): an overflow within the padding up to it is not\n"
	       "                   caught; 1 catches every byte but breaks programs that rely on\n"
	       "                   malloc's alignment\n"
	       "  --slots N        at most N guarded blocks live or quarantined (default %d;\n"
	       "                   each costs one page of memory while in use)\n"
	       "  --json           JSON Lines output (guard_error, guard_stats records)\n"
	       "  -h, --help       this help\n\n"
	       "Guarded: malloc, calloc, realloc, memalign, posix_memalign, aligned_alloc, valloc,\n"
	       "pvalloc (and C++ operator new/delete, which call them) of blocks up to one page.\n"
	       "Forked children and exec'd programs keep the guard (the environment carries it)\n"
	       "and their reports are printed too. -p PID is not supported: replacing the allocator\n"
	       "of a running process cannot be done safely.\n",
	       GUARD_DEFAULT_RATE, GUARD_DEFAULT_SLOTS);
	return EXIT_OK;
}

static int parse_args(int argc, char **argv, struct cli *cli, struct guard_opts *go)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "sample-rate", required_argument, NULL, OPT_SAMPLE_RATE },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "left", no_argument, NULL, OPT_LEFT },
		{ "slots", required_argument, NULL, OPT_SLOTS },
		{ "align", required_argument, NULL, OPT_ALIGN },
		{ 0 },
	};
	int c;
	argc = cli_split_program(cli, argc, argv);
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return usage() + 100;
		case OPT_SAMPLE_RATE:
			if (cli_parse_long(optarg, 1, 1L << 30, &go->rate))
				return cli_usage_error("guard", "--sample-rate wants a number from 1, got '%s'", optarg);
			go->rate_set = true;
			break;
		case OPT_ALL:
			go->all = true;
			go->rate = 1;
			break;
		case OPT_LEFT:
			go->left = true;
			break;
		case OPT_ALIGN:
			if (cli_parse_long(optarg, 1, 4096, &go->align) || (go->align & (go->align - 1)))
				return cli_usage_error("guard", "--align wants a power of two from 1 to 4096, got '%s'", optarg);
			go->align_set = true;
			break;
		case OPT_SLOTS:
			if (cli_parse_long(optarg, 1, 1L << 20, &go->slots))
				return cli_usage_error("guard", "--slots wants a number from 1 to 1048576, got '%s'", optarg);
			break;
		case '?':
			return cli_bad_option("guard");
		default: {
			int r = cli_common_option(cli, "guard", c, optarg);
			if (r < 0)
				return EXIT_USAGE;
			if (r == 0)
				return cli_bad_option("guard");
		}
		}
	}
	if (optind < argc)
		return cli_usage_error("guard", "unexpected argument '%s' (the program goes after --)", argv[optind]);
	if (go->all && go->rate_set)
		return cli_usage_error("guard", "--all and --sample-rate exclude each other");
	if (go->left && go->align_set)
		return cli_usage_error("guard", "--left and --align exclude each other (--align sets "
					       "the alignment of right-aligned blocks)");
	if (cli->interval > 0 || cli->duration > 0 || cli->comm)
		return cli_usage_error("guard", "-i, -d and --comm do not apply: guard runs until the program exits");
	if (cli->npids)
		return cli_usage_error("guard", "-p is not supported: replacing the allocator of a running "
					       "process cannot be done safely; launch it with -- PROGRAM");
	if (!cli->prog_argv)
		return cli_usage_error("guard", "no program: memmon guard [options] -- PROGRAM [ARGS]");
	return 0;
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

/* Prints every report and stats file the program (and its children) wrote; removes them. */
static int collect(const char *dir, bool json)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), errors = 0;
	if (n < 0)
		return 0;
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
				guard_print_report(sym, &r, json);
				errors++;
			} else if (is_stats && guard_stats_parse(text, len, &guarded, &full) == 0) {
				guard_print_stats((pid_t)atoi(name + 6), guarded, full, json);
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
	return errors;
}

int cmd_guard(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct guard_opts go = { .rate = GUARD_DEFAULT_RATE, .slots = GUARD_DEFAULT_SLOTS, .align = 16 };
	int rc = parse_args(argc, argv, &cli, &go);
	if (rc)
		return rc >= 100 ? rc - 100 : rc;
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
	if (setup_env(lib, dir, &go)) {
		fprintf(stderr, "memmon guard: cannot set the environment: %s\n", strerror(errno));
		rmdir(dir);
		return EXIT_RUNTIME;
	}
	loop_install_signals();
	struct launch child;
	if (launch_prepare_flags(&child, cli.prog_argv, "guard", cli.json ? LAUNCH_STDOUT_TO_STDERR : 0) < 0 || launch_release(&child, "guard") < 0) {
		collect(dir, cli.json);
		rmdir(dir);
		return EXIT_RUNTIME;
	}
	struct loop l = { .child = &child };
	if (loop_run(&l) != LOOP_PROGRAM_EXITED)
		launch_abort(&child);
	int errors = collect(dir, cli.json);
	rmdir(dir);
	if (!cli.json && !errors)
		printf("memmon guard: no memory error caught\n");
	return launch_exit_code(&child);
}
