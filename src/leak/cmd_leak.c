/* memmon leak: outstanding allocations of processes (uprobes on the allocator) or of the
 * kernel (--kernel, kmem/percpu tracepoints), by stack; double and invalid frees. */
#include "commands.h"
#include "core/cli.h"
#include "core/options.h"
#include "kernel/bpf_util.h"
#include "leak/leak.h"
#include "proc/regular_file.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The checks between options, after the table has parsed each one. OPTS_GO_ON, or the
 * exit code. */
static int check_leak_options(const struct leak_opts *o)
{
	if (o->combined && (o->older_than_ns || o->show_allocs))
		return cli_usage_error("leak", "--combined cannot be used with --older-than or --show-allocs");
	if (o->min_size > o->max_size)
		return cli_usage_error("leak", "--min-size is larger than --max-size");
	if (o->kernel && (o->lib || o->free_stacks))
		return cli_usage_error("leak", "--lib and --free-stacks apply to user allocations, not --kernel");
	if (o->follow && o->no_follow)
		return cli_usage_error("leak", "--follow and --no-follow cannot be combined");
	if (o->kernel && (o->follow || o->no_follow))
		return cli_usage_error("leak", "--follow and --no-follow apply to user allocations, not --kernel");
	if (o->follow && !o->cli.npids)
		return cli_usage_error("leak", "--follow needs -p (a launched program is followed anyway)");
	if (cli_one_target(&o->cli, "leak"))
		return EXIT_USAGE;
	if (!o->kernel && !o->cli.prog_argv && !o->cli.npids)
		return cli_usage_error("leak", "nothing to trace: give -p PID, -- PROGRAM or --kernel");
	return OPTS_GO_ON;
}

/* OPTS_GO_ON, or the exit code. */
static int parse_leak_options(struct leak_opts *o, int argc, char **argv)
{
	uint64_t older_than_ms = 0;
	o->cli.interval = 5;
	o->top = 10;
	o->max_size = ~0ULL;
	o->sample_rate = 1;
	o->max_allocs = 524288;
	o->max_errors = 100;
	o->ring_size = LEAK_RING_DEFAULT;
	struct opt opts[] = {
		OPT_PIDS(&o->cli, "trace this process (repeatable)"),
		OPT_REFUSE(0, "comm", true, "--comm is not supported: name processes with -p"),
		OPT_STRING(0, "lib|obj", &o->lib, "PATH",
			   "allocator library or static executable to probe for the\n"
			   "malloc family (default: the process's libc)"),
		OPT_FLAG(0, "kernel", &o->kernel, "kernel allocations (kmalloc, kmem_cache, pages, percpu);\n"
						  "with -p or --, only those made by these processes"),
		OPT_FLAG(0, "follow", &o->follow, "also trace the processes the -p pids fork from now on"),
		OPT_FLAG(0, "no-follow", &o->no_follow, "trace a launched program alone, not the processes it\n"
							 "forks (by default they are traced, each on its own)"),
		OPT_INTERVAL_OR_ZERO(&o->cli, "report every S seconds (default 5; 0 = only at the end)"),
		OPT_DURATION(&o->cli, "stop after S seconds"),
		OPT_NUMBER(0, "top", &o->top, "N", 1, 100000, "stacks per report (default 10)"),
		OPT_NUMBER(0, "older-than", &older_than_ms, "MS", 0, LONG_MAX / 1000000,
			   "only allocations older than MS milliseconds"),
		OPT_SIZE(0, "min-size", &o->min_size, "B", 0, 0,
			 "ignore allocations smaller than B bytes (4k, 1M also work)"),
		OPT_SIZE(0, "max-size", &o->max_size, "B", 0, 0, "ignore allocations larger than B bytes"),
		OPT_NUMBER(0, "sample-rate", &o->sample_rate, "N", 1, 1 << 30,
			   "track one allocation in N; totals are of the sampled ones\n"
			   "(invalid frees are then not reported)"),
		OPT_FLAG(0, "show-allocs", &o->show_allocs,
			 "list each outstanding allocation (address, size, age)"),
		OPT_FLAG(0, "combined", &o->combined,
			 "report only the in-kernel per-stack totals (the default\n"
			 "unless --older-than or --show-allocs need each allocation)"),
		OPT_CHOICE(0, "stack-walk", &o->stack_walk, "cfi|fp",
			   "how user stacks are walked: by call frame information\n"
			   "(default; right through code without frame pointers) or\n"
			   "by frame pointers only (what other eBPF tools do)"),
		OPT_FLAG(0, "free-stacks", &o->free_stacks,
			 "keep the full stack of every free (double-free reports then\n"
			 "show the whole first-free stack, not just its caller; slower)"),
		OPT_NUMBER(0, "max-errors", &o->max_errors, "N", 0, 1 << 30,
			   "print at most N memory errors, count the rest (default 100)"),
		/* each entry costs ~128 bytes of kernel memory, allocated up front */
		OPT_NUMBER(0, "max-allocs", &o->max_allocs, "N", 1024, 1 << 23,
			   "size of the outstanding-allocation table (default 524288)"),
		OPT_RING_SIZE(&o->ring_size, "ring buffer of mapping calls and errors, a power\n"
					     "of two (default 16M: a report's pause at 100000\n"
					     "mmap calls a second loses nothing)"),
		OPT_PROFILE_FILES(o->profiles, "the final report's outstanding allocations"),
		OPT_JSON(&o->cli, "JSON Lines: leak_stack and leak_alloc rows closed by leak_interval\n"
				  "(each interval) or leak_summary (at the end); leak_error as\n"
				  "it happens (a launched program's stdout then goes to stderr)"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = "leak",
		.usage = "memmon leak [options] -p PID [-p PID ...]\n"
			 "       memmon leak [options] -- PROGRAM [ARGS]\n"
			 "       memmon leak --kernel [options] [-p PID | -- PROGRAM]",
		.about = "Outstanding allocations by stack, every interval and at the end; double and\n"
			 "invalid frees as they happen. Probes the malloc family, free and anonymous\n"
			 "mmap/munmap in the process's libc, and C++ operator new and new[] (all variants)\n"
			 "in libstdc++ or, with -static-libstdc++, in the executable: a C++ allocation's\n"
			 "first frame is the code that called new (delete is seen at free). C++ names are\n"
			 "demangled.",
		.epilog = "Ends on Ctrl-C, SIGTERM, --duration, the launched program's exit or the traced\n"
			  "processes' exit, and prints a final report. A launched program still running then\n"
			  "gets 2 s to exit on its own before it is killed. Invalid frees are reported only for\n"
			  "a launched program with nothing filtered (no --min/max-size, --sample-rate), and\n"
			  "frees by the allocator library itself (glibc freeing its own caches) are not errors.\n"
			  "Exit status: 0, or 1 (runtime failure), 2 (usage); not the program's.\n"
			  "Needs root (CAP_BPF, CAP_PERFMON).",
		.opts = opts,
		.cli = &o->cli,
		.program = true,
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	o->older_than_ns = older_than_ms * 1000000;
	return check_leak_options(o);
}

/* --lib names a file to probe: say plainly when it is missing or not an ELF object. */
static int check_lib(const char *lib)
{
	int fd = regular_file_open(lib, NULL);
	if (fd < 0) {
		fprintf(stderr, "memmon leak: cannot open --lib %s: %s\n", lib,
			fd == -EINVAL ? "not a regular file" : strerror(-fd));
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
	struct profile_files profiles;
	memset(&o, 0, sizeof(o));
	memset(&profiles, 0, sizeof(profiles));
	o.profiles = &profiles;
	int rc = parse_leak_options(&o, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (!(o.kernel ? cli_check_pids(&o.cli, "leak") : cli_check_user_pids(&o.cli, "leak")))
		return EXIT_RUNTIME;
	if (o.lib && check_lib(o.lib))
		return EXIT_RUNTIME;
	if (bpf_preflight("leak") || profile_files_open(&profiles, "leak"))
		return EXIT_RUNTIME;
	rc = o.kernel ? leak_kernel_run(&o) : leak_user_run(&o);
	profile_files_discard(&profiles); /* written by the final report; a failed run's go */
	return rc;
}
