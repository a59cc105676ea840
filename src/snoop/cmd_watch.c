/* memmon watch: the per-process memory event log. Every page fault and memory system call
 * of the processes in the watch list, which lives in a pinned BPF map so that
 * `memmon watch-pids` can change it while this runs. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "core/trace_target.h"
#include "snoop/snoop_event.h"
#include "snoop/snoop_log.h"
#include "snoop/snoop_session.h"
#include "snoop/watch_list.h"
#include "snoop/snoop.skel.h"
#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { OPT_FOLLOW = OPT_COMMON_LAST, OPT_BUFFER, OPT_MAP, OPT_NO_SYMBOLS };

static void usage(FILE *out)
{
	fprintf(out,
"usage: memmon watch [-p PID ...] [options] [-- PROGRAM ARGS]\n"
"\n"
"Logs, for the watched processes only, every page fault (ANON, FILE, SWAP, COW, HUGETLB,\n"
"PROT, UNMAPPED; access R/W/X; user or kernel mode; address; faulting instruction) and\n"
"every memory system call with decoded arguments and result (brk, mmap, munmap, mremap,\n"
"mprotect, madvise, mlock, munlock, mlock2, mlockall, munlockall, shmget, shmat, shmdt,\n"
"shmctl), plus exec, fork and exit. One line per event: seconds since start, pid/tid,\n"
"comm, event.\n"
"\n"
"The watch list is a BPF map pinned at --map (default " SNOOP_WATCH_MAP_DEFAULT ");\n"
"change it while this runs with `memmon watch-pids`. A watched process that exits\n"
"leaves the list.\n"
"\n"
"  -p, --pid PID        watch this process (repeatable)\n"
"  -- PROGRAM ARGS      launch PROGRAM and watch it from its first instruction\n"
"      --follow         watch children of watched processes as they fork\n"
"      --buffer-size N  ring buffer size, a power of two (4k, 1M, ...; default 8M)\n"
"      --map PATH       pin the watch list at PATH (in bpffs)\n"
"      --comm NAME      print only events of processes named NAME\n"
"      --no-symbols     do not symbolize faulting instructions\n"
"  -d, --duration SEC   stop after SEC seconds\n"
"      --json           JSON Lines: records watch_syscall, watch_fault, watch_exec,\n"
"                       watch_fork, watch_exit, watch_lost, watch_summary\n"
"  -h, --help           this help\n"
"\n"
"Stops on Ctrl-C, --duration, the launched program's exit, or (with -p and no PROGRAM)\n"
"when the watch list becomes empty. Lost events are reported whenever their count grows.\n");
}

struct watch_state {
	struct snoop_session s;
	struct snoop_log log;
	bool stop_when_empty;
	bool list_emptied;
	unsigned ticks;
	bool output_closed;
	uint64_t lost_shown;
};

static void check_lost(struct watch_state *w, bool final)
{
	uint64_t lost = snoop_session_lost(&w->s);
	if (lost != w->lost_shown || (final && (lost || w->log.pr.json))) {
		w->lost_shown = lost;
		snoop_print_lost(&w->log.pr, lost, final);
	}
}

static void on_tick(void *ctx)
{
	struct watch_state *w = ctx;
	events_drain(&w->s.events); /* the BPF side wakes us only for a large backlog */
	check_lost(w, false);
	if (ferror(stdout) && !w->output_closed) { /* e.g. `memmon watch | head` */
		w->output_closed = true;
		raise(SIGTERM);
	}
	if (++w->ticks % 10 == 0) /* about once a second */
		snoop_session_prune(&w->s);
	if (w->stop_when_empty && !w->list_emptied && snoop_session_watch_count(&w->s) == 0) {
		events_drain(&w->s.events);
		w->list_emptied = true;
		raise(SIGTERM); /* ends loop_run like Ctrl-C */
	}
}

static void on_child_stop(pid_t pid, void *ctx)
{
	struct watch_state *w = ctx;
	events_drain(&w->s.events); /* print what happened while the maps still exist */
	if (w->log.sym)
		symbolizer_capture_pid(w->log.sym, pid);
}

/* trace_target_prepare refuses -p with -- PROGRAM: watch's list takes both. The program
 * joins the list at its exec; a process that exits leaves it. */
static int watch_target(struct trace_target *t, struct cli *cli)
{
	memset(t, 0, sizeof(*t));
	t->cli = cli;
	t->program_from_exec = true;
	t->forget_exited = true;
	if (!cli->prog_argv)
		return 0;
	if (launch_prepare_flags(&t->child, cli->prog_argv, "watch",
				 cli->json ? LAUNCH_STDOUT_TO_STDERR : 0) < 0)
		return EXIT_RUNTIME;
	t->launched = true;
	return 0;
}

int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "buffer-size", required_argument, NULL, OPT_BUFFER },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "no-symbols", no_argument, NULL, OPT_NO_SYMBOLS },
		{ 0 },
	};
	struct cli cli = { 0 };
	bool follow = false, symbols = true;
	unsigned long long buffer = SNOOP_BUFFER_DEFAULT;
	const char *map = SNOOP_WATCH_MAP_DEFAULT;
	argc = cli_split_program(&cli, argc, argv);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return EXIT_OK;
		case OPT_FOLLOW: follow = true; break;
		case OPT_NO_SYMBOLS: symbols = false; break;
		case OPT_MAP: map = optarg; break;
		case OPT_BUFFER:
			if (cli_parse_size(optarg, &buffer) || !snoop_buffer_size_valid(buffer))
				return cli_usage_error("watch", "invalid --buffer-size '%s' (a power of "
							"two, at least a page, at most 4G)", optarg);
			break;
		case '?': return cli_bad_option("watch");
		default: {
			int r = cli_common_option(&cli, "watch", c, optarg);
			if (r < 0)
				return EXIT_USAGE;
			if (r == 0)
				return cli_bad_option("watch");
		}
		}
	}
	if (optind < argc)
		return cli_usage_error("watch", "unexpected argument '%s' (a program goes after --)",
				       argv[optind]);
	if (cli.interval > 0)
		return cli_usage_error("watch", "-i/--interval does not apply: watch logs every event");
	if (strlen(map) >= sizeof(((struct snoop_session *)0)->pin_path) || map[0] != '/')
		return cli_usage_error("watch", "--map needs an absolute path under /sys/fs/bpf");
	if (!cli_check_user_pids(&cli, "watch"))
		return EXIT_RUNTIME;

	static struct watch_state w; /* the printer's symbol cache is large */
	memset(&w, 0, sizeof(w));
	if (snoop_log_init(&w.log, "watch", cli.json, symbols)) {
		fprintf(stderr, "memmon watch: out of memory\n");
		return EXIT_RUNTIME;
	}
	struct trace_target tt;
	int rc;
	loop_install_signals();
	if ((rc = watch_target(&tt, &cli))) {
		snoop_log_free(&w.log);
		return rc;
	}
	struct snoop_session_opts o = {
		.cmd = "watch", .target = &tt, .watch_list = true,
		.sys_mask = (1u << SNOOP_SYS_COUNT) - 1, .faults = true,
		.lifecycle = true, .follow = follow, .buffer_size = buffer, .pin_path = map,
		.on_event = snoop_log_event, .ctx = &w.log,
	};
	if ((rc = snoop_session_open(&w.s, &o))) {
		trace_target_abort(&tt);
		snoop_log_free(&w.log);
		return rc;
	}
	if (w.s.reused_pin)
		fprintf(stderr, "memmon watch: sharing the watch list already pinned at %s\n", map);
	for (int i = 0; i < cli.npids; i++)
		if (!snoop_pid_alive(cli.pids[i]))
			fprintf(stderr, "memmon watch: pid %d exited before tracing started\n",
				cli.pids[i]);
	snoop_session_prune(&w.s);
	if ((rc = trace_target_release(&tt, "watch"))) {
		snoop_session_close(&w.s);
		snoop_log_free(&w.log);
		return rc;
	}
	w.stop_when_empty = cli.npids > 0 && !cli.prog_argv;
	fprintf(stderr, "memmon watch: tracing; watch list at %s; Ctrl-C to end\n", map);
	struct loop l = {
		.events = &w.s.events, .duration = cli.duration,
		.child = tt.launched ? &tt.child : NULL, .ctx = &w,
		.on_child_stop = on_child_stop, .on_tick = on_tick,
	};
	double start = now_seconds();
	enum loop_end end = loop_run(&l);
	events_drain(&w.s.events);
	check_lost(&w, true);
	const char *reason = w.output_closed ? "output closed" :
			     w.list_emptied ? "watch list empty" : loop_end_reason(end);
	if (cli.json) {
		struct json_object *e = json_record("watch_summary");
		json_add_str(e, "reason", reason);
		json_add_double(e, "seconds", now_seconds() - start);
		json_add_u64(e, "events", w.log.pr.printed);
		json_add_u64(e, "lost_events", snoop_session_lost(&w.s));
		json_add_u64(e, "children_not_followed", w.s.skel->bss->children_not_followed);
		json_emit(e, stdout);
	} else {
		fprintf(stderr, "memmon watch: %s; %llu events, %llu lost\n", reason,
			(unsigned long long)w.log.pr.printed, (unsigned long long)snoop_session_lost(&w.s));
	}
	if (w.s.skel->bss->children_not_followed)
		fprintf(stderr, "memmon watch: %llu child processes not watched (watch list full)\n",
			(unsigned long long)w.s.skel->bss->children_not_followed);
	if (getenv("MEMMON_DEBUG"))
		fprintf(stderr, "memmon watch: vma lookups %llu, vma cache hits %llu\n",
			(unsigned long long)w.s.skel->bss->vma_lookups,
			(unsigned long long)w.s.skel->bss->vma_cache_hits);
	trace_target_abort(&tt); /* -d ended tracing: the program does not run on unwatched */
	snoop_session_close(&w.s);
	snoop_log_free(&w.log);
	if (end == LOOP_ERROR)
		return EXIT_RUNTIME;
	return EXIT_OK;
}
