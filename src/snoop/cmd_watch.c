/* memmon watch: the per-process memory event log. Every page fault and memory system call
 * of the processes in the watch list, which lives in a pinned BPF map so that
 * `memmon watch-pids` can change it while this runs. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "core/options.h"
#include "snoop/snoop_event.h"
#include "snoop/snoop_run.h"
#include "snoop/watch_list.h"
#include "snoop/snoop.skel.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *CMD = "watch";

struct watch_opts {
	bool follow;
	bool no_follow;
	bool no_symbols;
	unsigned long long buffer;
	const char *map;
};

struct watch_state {
	struct snoop_run run;
	bool stop_when_empty;
	bool list_emptied;
	unsigned ticks;
};

/* OPTS_GO_ON, or the exit code. */
static int parse(struct cli *cli, struct watch_opts *w, int argc, char **argv)
{
	struct opt opts[] = {
		OPT_PIDS(cli, "watch this process (repeatable)"),
		OPT_FLAG(0, "follow", &w->follow, "watch children of watched processes as they fork\n"
						  "(the default for a launched program)"),
		OPT_FLAG(0, "no-follow", &w->no_follow, "do not watch a launched program's children"),
		OPT_RING_SIZE(&w->buffer, "ring buffer size, a power of two (4k, 1M, ...; default 8M)"),
		OPT_STRING(0, "map", &w->map, "PATH", "pin the watch list at PATH (in bpffs), shared with\n"
						      "every watch naming the same PATH (default: a list\n"
						      "of this watch's own)"),
		OPT_COMM(cli, "print only events of processes named NAME"),
		OPT_FLAG(0, "no-symbols", &w->no_symbols, "do not symbolize faulting instructions"),
		OPT_REFUSE('i', "interval", true, "-i/--interval does not apply: watch logs every event"),
		OPT_DURATION(cli, "stop after S seconds"),
		OPT_JSON(cli, "JSON Lines: records watch_syscall, watch_fault, watch_exec,\n"
			      "watch_fork, watch_exit, watch_lost, watch_summary"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon watch [-p PID ...] [options] [-- PROGRAM ARGS]",
		.about = "Logs, for the watched processes only, every page fault (ANON, FILE, SWAP, COW, HUGETLB,\n"
			 "PROT, UNMAPPED; access R/W/X; user or kernel mode; address; faulting instruction) and\n"
			 "every memory system call with decoded arguments and result (brk, mmap, munmap, mremap,\n"
			 "mprotect, madvise, mlock, munlock, mlock2, mlockall, munlockall, shmget, shmat, shmdt,\n"
			 "shmctl), plus exec, fork and exit. One line per event: seconds since start, pid/tid,\n"
			 "comm, event.\n"
			 "\n"
			 "Each watch has its own watch list, a BPF map pinned at " SNOOP_WATCH_DIR "/\n"
			 SNOOP_WATCH_SESSION_PREFIX "PID (PID: this memmon's), or at --map PATH, shared by\n"
			 "every watch naming that PATH; change it while this runs with `memmon watch-pids`.\n"
			 "A watched process that exits leaves the list.",
		.epilog = "Stops on Ctrl-C, --duration, the launched program's exit, or (with -p and no PROGRAM)\n"
			  "when the watch list becomes empty. Lost events are reported whenever their count grows.",
		.opts = opts,
		.cli = cli,
		.program = true,
		.program_help = "launch PROGRAM and watch it from its first instruction",
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (w->map && (strlen(w->map) >= sizeof(((struct snoop_session *)0)->pin_path) || w->map[0] != '/'))
		return cli_usage_error(CMD, "--map needs an absolute path under /sys/fs/bpf");
	if (w->follow && w->no_follow)
		return cli_usage_error(CMD, "--follow and --no-follow cannot be combined");
	return OPTS_GO_ON;
}

static void on_tick(void *ctx)
{
	struct snoop_run *r = ctx;
	struct watch_state *w = r->ctx;
	snoop_run_tick(r);
	if (++w->ticks % 10 == 0) /* about once a second */
		snoop_session_prune(&w->run.s);
	if (w->stop_when_empty && !w->list_emptied && snoop_session_watch_count(&w->run.s) == 0) {
		events_drain(&w->run.s.events);
		w->list_emptied = true;
		raise(SIGTERM); /* ends loop_run like Ctrl-C */
	}
}

/* The -p pids that exited before they could be watched are said, and dropped from the
 * list (their exit was not seen). */
static void check_pids(struct watch_state *w, const char *map)
{
	struct snoop_run *r = &w->run;
	if (r->s.reused_pin)
		fprintf(stderr, "memmon watch: sharing the watch list already pinned at %s\n", map);
	for (int i = 0; i < r->cli.npids; i++) {
		if (!snoop_pid_alive(r->cli.pids[i]))
			fprintf(stderr, "memmon watch: pid %d exited before tracing started\n",
				r->cli.pids[i]);
		else if (r->log.sym) /* now, while it lives: its code mapped since comes as events */
			symbolizer_capture_pid(r->log.sym, r->cli.pids[i]);
	}
	snoop_session_prune(&r->s);
}

static void summary(struct watch_state *w, enum loop_end end)
{
	struct snoop_run *r = &w->run;
	const char *reason = loop_end_reason(end);
	if (w->list_emptied && end != LOOP_OUTPUT_CLOSED)
		reason = "watch list empty";
	uint64_t lost = snoop_session_lost(&r->s), children = r->s.skel->bss->children_not_followed;
	if (r->cli.json) {
		struct json_object *o = snoop_run_summary(r, reason);
		json_add_u64(o, "events", r->log.pr.printed);
		json_add_u64(o, "children_not_followed", children);
		json_emit(o, stdout);
	} else {
		fprintf(stderr, "memmon watch: %s; %llu events, %llu lost\n", reason,
			(unsigned long long)r->log.pr.printed, (unsigned long long)lost);
	}
	if (children)
		fprintf(stderr, "memmon watch: %llu child processes not watched (watch list full)\n",
			(unsigned long long)children);
	if (getenv("MEMMON_DEBUG"))
		fprintf(stderr, "memmon watch: vma lookups %llu, vma cache hits %llu\n",
			(unsigned long long)r->s.skel->bss->vma_lookups,
			(unsigned long long)r->s.skel->bss->vma_cache_hits);
}

int cmd_watch(int argc, char **argv)
{
	static struct watch_state w; /* the event log's symbol cache is large */
	memset(&w, 0, sizeof(w));
	struct snoop_run *r = &w.run;
	r->cmd = CMD;
	r->ctx = &w;
	struct watch_opts wo = { .buffer = SNOOP_BUFFER_DEFAULT };
	int rc = parse(&r->cli, &wo, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	char own[256];
	if (!wo.map) { /* a list of its own: another watch's pids are not this one's */
		watch_list_session_path(getpid(), own, sizeof(own));
		unlink(own); /* left by a memmon that died with this pid */
		wo.map = own;
	}
	loop_install_signals();
	if ((rc = trace_target_prepare(&r->target, &r->cli, CMD, TT_USER_MEMORY | TT_PIDS_AND_PROGRAM)))
		return rc;
	r->target.program_from_exec = true; /* the program joins the list at its exec */
	r->target.forget_exited = true;     /* a process that exits leaves it */
	struct snoop_session_opts o = {
		.cmd = CMD, .watch_list = true, .sys_mask = (1u << SNOOP_SYS_COUNT) - 1,
		.faults = true, .lifecycle = true, .buffer_size = wo.buffer,
		/* a launched program is followed into its children, like every command's */
		.follow = !wo.no_follow && (wo.follow || r->target.launched),
		.code_maps = !wo.no_symbols,
		.pin_path = wo.map, .on_event = snoop_log_event, .ctx = &r->log,
	};
	if ((rc = snoop_run_open(r, &o, !wo.no_symbols)))
		return rc;
	check_pids(&w, wo.map);
	if ((rc = snoop_run_release(r)))
		return rc;
	w.stop_when_empty = r->cli.npids > 0 && !r->cli.prog_argv;
	fprintf(stderr, "memmon watch: tracing; watch list at %s; Ctrl-C to end\n", wo.map);
	struct loop l = { .duration = r->cli.duration, .on_tick = on_tick,
			  .child = r->target.launched ? &r->target.child : NULL };
	enum loop_end end = snoop_run_loop(r, &l);
	snoop_run_lost(r, true);
	summary(&w, end);
	snoop_run_close(r);
	return end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
}
