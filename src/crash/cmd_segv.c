/* memmon segv: every SIGSEGV and SIGBUS on the system as it happens (or of -p PIDs, --comm,
 * or a launched program): who, where, what the address was, the user stack; stack
 * overflows with their depth and the recursing function. */
#include "commands.h"
#include "core/cli.h"
#include "core/events.h"
#include "core/json_out.h"
#include "core/launch.h"
#include "core/loop.h"
#include "core/options.h"
#include "crash/segv_buildid.h"
#include "crash/segv_print.h"
#include "kernel/bpf_util.h"
#include "symbols/symbolize.h"
#include "symbols/unwind_tables.h"
#include "crash/segv.skel.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "segv"
#define MAX_PENDING 64
#define PENDING_WAIT 0.5 /* seconds to wait for a fault's delivery event */

/* A fault waits here for its delivery event (its stack as build-ids) to arrive. */
struct pending {
	struct segv_event *e;
	double since;
	bool maps_known; /* memmon read the process's maps while it lived */
};

struct segv_ctx {
	struct cli *cli;
	struct symbolizer *sym;
	struct buildid_index *buildids;
	struct unwind_tables *unwind; /* CFI tables of the launched program's or -p processes' code */
	pid_t child; /* launched program: only its signals */
	unsigned long reported;
	double last_capture;
	struct pending pending[MAX_PENDING];
	int npending;
	pid_t next_fake_pid;
};

/* OPTS_GO_ON, or the exit code. */
static int parse(int argc, char **argv, struct cli *cli)
{
	struct opt opts[] = {
		OPT_PIDS(cli, "only this process (repeatable)"),
		OPT_COMM(cli, "only processes with this name"),
		OPT_DURATION(cli, "stop after S seconds (default: until Ctrl-C)"),
		OPT_JSON(cli, "JSON Lines: one \"segv_crash\" record per signal, then\n"
			      "\"segv_summary\""),
		OPT_REFUSE('i', "interval", true, "-i does not apply: every signal is printed as it happens"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon segv [-p PID]... [--comm NAME] [-d SECONDS] [--json] [-- PROGRAM [ARGS]]",
		.about = "Reports every SIGSEGV and SIGBUS as it is generated, system-wide unless filtered:\n"
			 "process, thread, signal code, faulting address, instruction and stack pointers, the\n"
			 "access (read/write/exec), what the address was (NULL page, no mapping, read-only or\n"
			 "non-executable mapping, PROT_NONE mapping, guard gap or guard page below a stack)\n"
			 "and the symbolized user stack. A fault just below a thread's stack is reported as\n"
			 "a stack overflow with the stack's depth and the function that recursed. Signals\n"
			 "sent with kill() are reported with the sender's pid.",
		.epilog = "Needs root (BPF). Stacks resolve through the process's maps when memmon could read\n"
			  "them (a launched program, -p processes: re-read every 2 s), else through the\n"
			  "build-ids the kernel records as the signal is delivered: the executable by its path,\n"
			  "libraries found in the system library directories.",
		.opts = opts,
		.cli = cli,
		.program = true,
		.program_help = "launch PROGRAM, report its signals, stop when it exits",
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (cli_one_target(cli, CMD))
		return EXIT_USAGE;
	return OPTS_GO_ON;
}

static bool selected(struct segv_ctx *ctx, pid_t pid, const char *comm)
{
	if (ctx->child ? pid != ctx->child : !cli_pid_selected(ctx->cli, pid))
		return false;
	return !comm || !ctx->cli->comm || strncmp(comm, ctx->cli->comm, 15) == 0;
}

/* Prints a fault, resolving its stack in its own process if memmon read its maps, else
 * through the build-ids of its delivery event d (may be NULL). */
static void report(struct segv_ctx *ctx, const struct segv_event *e, bool maps_known,
		   const struct segv_deliver_event *d)
{
	uint64_t ips[SEGV_STACK_DEPTH];
	int n = e->nframes > SEGV_STACK_DEPTH ? SEGV_STACK_DEPTH : e->nframes > 0 ? e->nframes : 0;
	memcpy(ips, e->frames, n * sizeof(ips[0]));
	struct segv_stack st = { e->pid, ips, n, e->frames };
	if (d && n && !maps_known) {
		st.pid = --ctx->next_fake_pid;
		int m = segv_buildid_stack(ctx->buildids, ctx->sym, d, st.pid, ips);
		st.n = m < n ? m : n;
	}
	segv_print(ctx->sym, e, &st, ctx->cli->json);
	ctx->reported++;
}

static void flush_pending(struct segv_ctx *ctx, double older_than)
{
	double t = now_seconds();
	int kept = 0;
	for (int i = 0; i < ctx->npending; i++) {
		if (t - ctx->pending[i].since >= older_than) {
			report(ctx, ctx->pending[i].e, ctx->pending[i].maps_known, NULL);
			free(ctx->pending[i].e);
		} else {
			ctx->pending[kept++] = ctx->pending[i];
		}
	}
	ctx->npending = kept;
}

static void on_generate(struct segv_ctx *ctx, const struct segv_event *e)
{
	if (!selected(ctx, e->pid, e->comm))
		return;
	/* now, while it may still be alive; a launched program's and -p processes' maps were
	 * read before */
	symbolizer_capture_pid(ctx->sym, e->pid);
	bool known = symbolizer_knows_pid(ctx->sym, e->pid);
	if (!e->from_fault) {
		report(ctx, e, known, NULL);
		return;
	}
	if (ctx->npending == MAX_PENDING)
		flush_pending(ctx, -1);
	struct segv_event *copy = malloc(sizeof(*copy));
	if (!copy) {
		report(ctx, e, known, NULL);
		return;
	}
	*copy = *e;
	ctx->pending[ctx->npending++] = (struct pending){ copy, now_seconds(), known };
}

static void on_deliver(struct segv_ctx *ctx, const struct segv_deliver_event *d)
{
	for (int i = 0; i < ctx->npending; i++) {
		struct segv_event *e = ctx->pending[i].e;
		if (e->tid != d->tid || e->pid != d->pid)
			continue;
		report(ctx, e, ctx->pending[i].maps_known, d);
		free(e);
		ctx->pending[i] = ctx->pending[--ctx->npending];
		return;
	}
}

static int on_event(void *ctxp, void *data, size_t size)
{
	struct segv_ctx *ctx = ctxp;
	__u32 kind = size >= sizeof(kind) ? *(const __u32 *)data : 0;
	if (kind == SEGV_EVENT_GENERATE && size >= sizeof(struct segv_event))
		on_generate(ctx, data);
	else if (kind == SEGV_EVENT_DELIVER && size >= sizeof(struct segv_deliver_event))
		on_deliver(ctx, data);
	return 0;
}

/* A crashing process is usually gone before its event is read: keep the maps of the -p
 * processes fresh (every 2 s) so their stacks resolve. */
static void on_tick(void *ctxp)
{
	struct segv_ctx *ctx = ctxp;
	flush_pending(ctx, PENDING_WAIT);
	unwind_tables_poll(ctx->unwind);
	double t = now_seconds();
	if (!ctx->cli->npids || t - ctx->last_capture < 2)
		return;
	ctx->last_capture = t;
	for (int i = 0; i < ctx->cli->npids; i++) {
		symbolizer_capture_pid(ctx->sym, ctx->cli->pids[i]);
		unwind_tables_add_pid(ctx->unwind, ctx->cli->pids[i]);
	}
}

static void on_child_stop(pid_t pid, void *ctxp)
{
	struct segv_ctx *ctx = ctxp;
	symbolizer_capture_pid(ctx->sym, pid);
	unwind_tables_add_pid(ctx->unwind, pid);
}

int cmd_segv(int argc, char **argv)
{
	struct cli cli = { 0 };
	int rc = parse(argc, argv, &cli);
	if (rc != OPTS_GO_ON)
		return rc;
	if (!cli_check_user_pids(&cli, CMD))
		return EXIT_RUNTIME;
	if ((rc = bpf_preflight(CMD)) || (rc = bpf_require_find_vma(CMD)))
		return rc;
	struct segv_ctx ctx = { .cli = &cli, .sym = symbolizer_new(), .buildids = buildid_index_new() };
	struct segv_bpf *skel = segv_bpf__open();
	if (skel) {
		bpf_load_stats_prepare(skel->obj);
		int err = segv_bpf__load(skel);
		bpf_load_stats_print(CMD, skel->obj);
		if (err) {
			segv_bpf__destroy(skel);
			skel = NULL;
			errno = -err;
		}
	}
	if (!skel) {
		symbolizer_free(ctx.sym);
		buildid_index_free(ctx.buildids);
		return bpf_fail(CMD, "loading the signal probes", -errno);
	}
	struct event_reader reader = { 0 };
	struct launch child = { 0 };
	bool launched = false;
	int exit_code = EXIT_OK;
	if (!(ctx.unwind = unwind_tables_open(skel->obj))) {
		exit_code = bpf_fail(CMD, "mapping the unwind tables", -errno);
		goto out;
	}
	if ((rc = segv_bpf__attach(skel))) {
		exit_code = bpf_fail(CMD, "attaching to signal:signal_generate and exceptions:page_fault_user", rc);
		goto out;
	}
	if ((rc = events_open(&reader, bpf_map__fd(skel->maps.events), on_event, &ctx,
			      (void *)&skel->bss->memmon_lost_events))) {
		exit_code = bpf_fail(CMD, "opening the ring buffer", rc);
		goto out;
	}
	loop_install_signals();
	if (cli.prog_argv) {
		if (launch_prepare_flags(&child, cli.prog_argv, CMD, cli.json ? LAUNCH_STDOUT_TO_STDERR : 0) < 0) {
			exit_code = EXIT_RUNTIME;
			goto out;
		}
		launched = true;
		ctx.child = child.pid;
		unwind_tables_add_targets(ctx.unwind, &cli);
		if (launch_release(&child, CMD) < 0) {
			exit_code = EXIT_RUNTIME;
			goto out;
		}
	} else { /* also with --json: stderr is not the report */
		fprintf(stderr, "memmon segv: tracing SIGSEGV and SIGBUS%s; Ctrl-C to end\n",
			cli.npids ? " of the given pids" : "");
	}
	struct loop l = { .events = &reader, .duration = cli.duration, .child = launched ? &child : NULL,
			  .pids = cli.npids ? cli.pids : NULL, .npids = cli.npids, .ctx = &ctx,
			  .on_child_stop = on_child_stop, .on_tick = on_tick };
	on_tick(&ctx);
	double start = now_seconds();
	enum loop_end end = loop_run(&l);
	double seconds = now_seconds() - start;
	events_drain(&reader);
	flush_pending(&ctx, -1);
	if (end == LOOP_ERROR)
		exit_code = EXIT_RUNTIME;
	uint64_t lost = events_lost(&reader);
	/* frames as printed (a captured address with inlined calls prints several), in text and JSON alike */
	struct sym_stats st = symbolizer_stats(ctx.sym);
	if (cli.json) {
		struct json_object *o = json_record("segv_summary");
		json_add_u64(o, "signals", ctx.reported);
		json_add_u64(o, "lost_events", lost);
		json_add_u64(o, "frames", st.frames);
		json_add_u64(o, "frames_unresolved", st.unresolved);
		json_add_str(o, "reason", loop_end_reason(end));
		json_add_double(o, "seconds", seconds);
		json_emit(o, stdout);
	} else {
		printf("memmon segv: %lu signal%s reported, %" PRIu64 " events lost, %" PRIu64
		       " of %" PRIu64 " frames printed unresolved (%s)\n",
		       ctx.reported, ctx.reported == 1 ? "" : "s", lost, st.unresolved, st.frames,
		       loop_end_reason(end));
	}
	if (launched && end == LOOP_PROGRAM_EXITED)
		exit_code = launch_exit_code(&child);
out:
	if (launched)
		launch_abort(&child); /* its whole process group, also after it exited */
	events_close(&reader);
	unwind_tables_close(ctx.unwind);
	segv_bpf__destroy(skel);
	flush_pending(&ctx, -1);
	symbolizer_free(ctx.sym);
	buildid_index_free(ctx.buildids);
	return exit_code;
}
