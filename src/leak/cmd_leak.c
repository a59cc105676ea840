/* memmon leak: outstanding allocations of processes (uprobes on the allocator) or of the
 * kernel (--kernel, kmem/percpu tracepoints), by stack; double and invalid frees. */
#include "commands.h"
#include "core/cli.h"
#include "core/events.h"
#include "core/json_out.h"
#include "core/launch.h"
#include "core/loop.h"
#include "kernel/bpf_util.h"
#include "kernel/probe_site.h"
#include "leak/leak.h"
#include "leak/leak_report.h"
#include "proc/proc_libs.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: memmon leak [options] -p PID [-p PID ...]\n"
	"       memmon leak [options] -- PROGRAM [ARGS]\n"
	"       memmon leak --kernel [options] [-p PID | -- PROGRAM]\n\n"
	"Outstanding allocations by stack, every interval and at the end; double and\n"
	"invalid frees as they happen. Probes the malloc family, free and anonymous\n"
	"mmap/munmap in the process's libc, and C++ operator new and new[] (all variants)\n"
	"in libstdc++ or, with -static-libstdc++, in the executable: a C++ allocation's\n"
	"first frame is the code that called new (delete is seen at free). C++ names are\n"
	"demangled.\n\n"
	"  -p, --pid PID        trace this process (repeatable)\n"
	"  -- PROGRAM ARGS      launch PROGRAM and trace it from its first instruction\n"
	"      --lib, --obj PATH  allocator library or static executable to probe for the\n"
	"                       malloc family (default: the process's libc)\n"
	"      --kernel         kernel allocations (kmalloc, kmem_cache, pages, percpu);\n"
	"                       with -p or --, only those made by these processes\n"
	"  -i, --interval SEC   report every SEC seconds (default 5; 0 = only at the end)\n"
	"  -d, --duration SEC   stop after SEC seconds\n"
	"      --top N          stacks per report (default 10)\n"
	"      --older-than MS  only allocations older than MS milliseconds\n"
	"      --min-size B     ignore allocations smaller than B bytes (4k, 1M also work)\n"
	"      --max-size B     ignore allocations larger than B bytes\n"
	"      --sample-rate N  track one allocation in N; totals are of the sampled ones\n"
	"                       (invalid frees are then not reported)\n"
	"      --show-allocs    list each outstanding allocation (address, size, age)\n"
	"      --combined       report only the in-kernel per-stack totals (the default\n"
	"                       unless --older-than or --show-allocs need each allocation)\n"
	"      --free-stacks    keep the full stack of every free (double-free reports then\n"
	"                       show the whole first-free stack, not just its caller; slower)\n"
	"      --max-errors N   print at most N memory errors, count the rest (default 100)\n"
	"      --max-allocs N   size of the outstanding-allocation table (default 524288)\n"
	"      --json           JSON Lines: leak_stack, leak_report, leak_error, leak_alloc\n"
	"                       (a launched program's stdout then goes to stderr)\n"
	"  -h, --help           this help\n\n"
	"Ends on Ctrl-C, SIGTERM, --duration, the launched program's exit or the traced\n"
	"processes' exit, and prints a final report. A launched program still running then\n"
	"gets 2 s to exit on its own before it is killed. Invalid frees are reported only for\n"
	"a launched program with nothing filtered (no --min/max-size, --sample-rate), and\n"
	"frees by the allocator library itself (glibc freeing its own caches) are not errors.\n"
	"Exit status: 0, or 1 (runtime failure), 2 (usage); not the program's.\n"
	"Needs root (CAP_BPF, CAP_PERFMON).\n";

enum {
	OPT_LIB = OPT_COMMON_LAST, OPT_KERNEL, OPT_TOP, OPT_OLDER, OPT_MIN, OPT_MAX, OPT_SAMPLE,
	OPT_SHOW, OPT_COMBINED, OPT_MAX_ALLOCS, OPT_FREE_STACKS, OPT_MAX_ERRORS,
};

static int parse_leak_options(struct leak_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "lib", required_argument, NULL, OPT_LIB },
		{ "obj", required_argument, NULL, OPT_LIB },
		{ "kernel", no_argument, NULL, OPT_KERNEL },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "older-than", required_argument, NULL, OPT_OLDER },
		{ "min-size", required_argument, NULL, OPT_MIN },
		{ "max-size", required_argument, NULL, OPT_MAX },
		{ "sample-rate", required_argument, NULL, OPT_SAMPLE },
		{ "show-allocs", no_argument, NULL, OPT_SHOW },
		{ "combined", no_argument, NULL, OPT_COMBINED },
		{ "max-allocs", required_argument, NULL, OPT_MAX_ALLOCS },
		{ "free-stacks", no_argument, NULL, OPT_FREE_STACKS },
		{ "max-errors", required_argument, NULL, OPT_MAX_ERRORS },
		{ 0 },
	};
	long v;
	int c;
	o->cli.interval = 5;
	o->top = 10;
	o->max_size = ~0ULL;
	o->sample_rate = 1;
	o->max_allocs = 524288;
	o->max_errors = 100;
	argc = cli_split_program(&o->cli, argc, argv);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (c == 'i' && optarg && strcmp(optarg, "0") == 0) {
			o->cli.interval = 0; /* only the final report */
			continue;
		}
		if (c == OPT_COMM)
			return cli_usage_error("leak", "--comm is not supported: name processes with -p");
		int r = cli_common_option(&o->cli, "leak", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case OPT_LIB: o->lib = optarg; break;
		case OPT_KERNEL: o->kernel = true; break;
		case OPT_TOP:
			if (cli_parse_long(optarg, 1, 100000, &v))
				return cli_usage_error("leak", "invalid --top '%s'", optarg);
			o->top = (int)v;
			break;
		case OPT_OLDER:
			if (cli_parse_long(optarg, 0, LONG_MAX / 1000000, &v))
				return cli_usage_error("leak", "invalid --older-than '%s' (ms)", optarg);
			o->older_than_ns = (uint64_t)v * 1000000;
			break;
		case OPT_MIN:
			if (cli_parse_size(optarg, &o->min_size))
				return cli_usage_error("leak", "invalid --min-size '%s'", optarg);
			break;
		case OPT_MAX:
			if (cli_parse_size(optarg, &o->max_size))
				return cli_usage_error("leak", "invalid --max-size '%s'", optarg);
			break;
		case OPT_SAMPLE:
			if (cli_parse_long(optarg, 1, 1 << 30, &v))
				return cli_usage_error("leak", "invalid --sample-rate '%s'", optarg);
			o->sample_rate = (uint32_t)v;
			break;
		case OPT_SHOW: o->show_allocs = true; break;
		case OPT_COMBINED: o->combined = true; break;
		case OPT_FREE_STACKS: o->free_stacks = true; break;
		case OPT_MAX_ERRORS:
			if (cli_parse_long(optarg, 0, 1 << 30, &v))
				return cli_usage_error("leak", "invalid --max-errors '%s'", optarg);
			o->max_errors = (uint32_t)v;
			break;
		case OPT_MAX_ALLOCS:
			/* each entry costs ~128 bytes of kernel memory, allocated up front */
			if (cli_parse_long(optarg, 1024, 1 << 23, &v))
				return cli_usage_error("leak", "invalid --max-allocs '%s' (1024..8388608)", optarg);
			o->max_allocs = (uint32_t)v;
			break;
		case '?':
		default:
			return cli_bad_option("leak");
		}
	}
	if (optind < argc)
		return cli_usage_error("leak", "unexpected argument '%s' (a program goes after --)", argv[optind]);
	if (o->combined && (o->older_than_ns || o->show_allocs))
		return cli_usage_error("leak", "--combined cannot be used with --older-than or --show-allocs");
	if (o->min_size > o->max_size)
		return cli_usage_error("leak", "--min-size is larger than --max-size");
	if (o->kernel && (o->lib || o->free_stacks))
		return cli_usage_error("leak", "--lib and --free-stacks apply to user allocations, not --kernel");
	if (cli_one_target(&o->cli, "leak"))
		return EXIT_USAGE;
	if (!o->kernel && !o->cli.prog_argv && !o->cli.npids)
		return cli_usage_error("leak", "nothing to trace: give -p PID, -- PROGRAM or --kernel");
	return 0;
}

/* --lib names a file to probe: say plainly when it is missing or not an ELF object. */
static int check_lib(const char *lib)
{
	int fd = open(lib, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "memmon leak: cannot open --lib %s: %s\n", lib, strerror(errno));
		return -1;
	}
	unsigned char magic[4] = { 0 };
	ssize_t n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n != 4 || memcmp(magic, "\177ELF", 4)) {
		fprintf(stderr, "memmon leak: --lib %s is not an ELF file (give the allocator's "
				"shared library or a static executable)\n", lib);
		return -1;
	}
	return 0;
}

int cmd_leak(int argc, char **argv)
{
	struct leak_opts o;
	memset(&o, 0, sizeof(o));
	int r = parse_leak_options(&o, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (!(o.kernel ? cli_check_pids(&o.cli, "leak") : cli_check_user_pids(&o.cli, "leak")))
		return EXIT_RUNTIME;
	if (o.lib && check_lib(o.lib))
		return EXIT_RUNTIME;
	if (bpf_preflight("leak"))
		return EXIT_RUNTIME;
	return o.kernel ? leak_kernel_run(&o) : leak_user_run(&o);
}
