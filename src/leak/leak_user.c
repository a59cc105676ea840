/* memmon leak in user mode: uprobes on the process's allocator (leak/leak_probes.c), the run
 * loop, error events and reports. */
#include "core/events.h"
#include "core/loop.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "kernel/uprobe_attach.h"
#include "kernel/kernel_paths.h"
#include "leak/leak.h"
#include "leak/leak_collect.h"
#include "leak/leak_event.h"
#include "leak/leak_follow_event.h"
#include "leak/leak_probes.h"
#include "leak/leak_regions.h"
#include "leak/leak_report.h"
#include "leak/leak_session.h"
#include "symbols/unwind_tables.h"
#include "symbols/code_map.h"
#include "symbols/code_map_event.h"
#include "leak/leak_user.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

struct leak_user {
	const struct leak_opts *o;
	struct leak_user_bpf *skel;
	struct symbolizer *sym;
	struct event_reader events;
	struct cli cli;
	struct trace_target target; /* -p pids or the launched program */
	pid_t pids[CLI_MAX_PIDS];   /* the processes probed */
	int npids;
	struct uprobe_set probes;
	struct leak_regions *regions; /* anonymous mappings (see leak/leak_user.bpf.c, map_event) */
	struct leak_session reports;
	uint64_t errors;
	double last_capture;
	struct unwind_tables *unwind; /* CFI tables of the traced processes' code */
	char (*attached)[PATH_MAX]; /* following children: the libraries probed for everyone */
	int nattached;
};

static struct leak_maps maps_of(struct leak_user *u)
{
	return (struct leak_maps){
		.allocs = bpf_map__fd(u->skel->maps.allocs),
		.combined = bpf_map__fd(u->skel->maps.combined),
		.stacks = bpf_map__fd(u->skel->maps.stacks),
		.counters = &u->skel->bss->counters,
		.events = &u->events,
		.errors = u->errors,
		.regions = u->regions,
	};
}

static void on_map_event(struct leak_user *u, const struct alloc_map_event *e)
{
	switch (e->kind) {
	case MAP_EV_MMAP:
		leak_regions_map(u->regions, e->tgid, e->addr, e->len, FN_MMAP, e->ts_ns, &e->key);
		break;
	case MAP_EV_UNMAP:
		leak_regions_unmap(u->regions, e->tgid, e->addr, e->len);
		break;
	case MAP_EV_REMAP_BEGIN:
		leak_regions_remap_begin(u->regions, e->tgid, e->tid, e->addr, e->len, e->flags);
		break;
	case MAP_EV_REMAP_END:
		leak_regions_remap_end(u->regions, e->tgid, e->tid, e->addr, e->len, e->ts_ns, &e->key);
		break;
	}
}

static void forget_process_allocations(struct leak_user *u, pid_t pid, uint64_t before_ns);

/* A followed child: a fork starts with its parent's mappings; an exec (of a process other
 * than the launched program, whose exec stops it: on_child_stop) ends what it held. */
static void on_follow_event(struct leak_user *u, const struct leak_follow_event *e)
{
	bool followed_exec = e->kind == LEAK_EV_EXEC &&
			     !(u->target.launched && (pid_t)e->tgid == u->target.child.pid);
	/* first of all: the new image runs on meanwhile, its walks need its tables */
	if (followed_exec)
		unwind_tables_add_pid(u->unwind, (pid_t)e->tgid);
	if (u->o->stream && u->o->stream->on_follow)
		u->o->stream->on_follow(u->o->stream->ctx, (pid_t)e->tgid, (pid_t)e->parent,
					e->kind == LEAK_EV_EXEC);
	if (e->kind == LEAK_EV_FORK) {
		symbolizer_copy_pid(u->sym, (pid_t)e->parent, (pid_t)e->tgid);
	} else if (followed_exec) {
		forget_process_allocations(u, (pid_t)e->tgid, e->ts_ns);
		symbolizer_forget_pid(u->sym, (pid_t)e->tgid); /* its new code follows */
	}
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct leak_user *u = ctx;
	if (code_map_take(u->sym, data, size)) {
		/* new code (an exec, a dlopen): its table is built now, not when a walk has
		 * already stopped at it (unwind_tables_poll) */
		const struct code_map_event *cm = data;
		unwind_tables_add_mapping(u->unwind, (pid_t)cm->tgid, cm->start, cm->end, cm->pgoff,
					  cm->dev, cm->ino);
		return 0;
	}
	if (size == sizeof(struct alloc_stream_event) && *(const __u32 *)data >= STREAM_EV_ALLOC) {
		if (u->o->stream) {
			struct leak_maps m = maps_of(u);
			u->o->stream->on_event(u->o->stream->ctx, data, &m);
		}
		return 0;
	}
	if (size == sizeof(struct leak_follow_event) && (*(const __u32 *)data == LEAK_EV_FORK ||
							  *(const __u32 *)data == LEAK_EV_EXEC)) {
		on_follow_event(u, data);
		return 0;
	}
	if (size >= sizeof(struct alloc_map_event) && *(const __u32 *)data >= MAP_EV_MMAP) {
		on_map_event(u, data);
		return 0;
	}
	if (size < sizeof(struct alloc_error_event))
		return 0;
	u->errors++;
	if (u->errors > u->o->max_errors) {
		if (u->errors == u->o->max_errors + 1)
			leak_print_errors_capped(&u->reports.printer, u->o->max_errors);
		return 0;
	}
	struct leak_maps m = maps_of(u);
	struct leak_error err;
	leak_collect_error(&m, data, &err);
	leak_print_error(&u->reports.printer, &err);
	return 0;
}

static void on_interval(void *ctx)
{
	struct leak_user *u = ctx;
	if (u->o->stream) {
		u->o->stream->on_interval(u->o->stream->ctx);
		return;
	}
	struct leak_maps m = maps_of(u);
	leak_session_interval(&u->reports, &m);
}

static void capture_all(struct leak_user *u)
{
	for (int i = 0; i < u->npids; i++)
		symbolizer_capture_pid(u->sym, u->pids[i]);
}

/* Mappings can change (dlopen); capture them about once a second while processes live. */
static void on_tick(void *ctx)
{
	struct leak_user *u = ctx;
	double t = now_seconds();
	unwind_tables_poll(u->unwind);
	if (t - u->last_capture >= 1.0) {
		u->last_capture = t;
		capture_all(u);
	}
	if (u->o->stream) {
		events_drain(&u->events); /* its events wake memmon only past a backlog */
		u->o->stream->on_tick(u->o->stream->ctx);
	}
}

/* exec replaced the program's image: what it held before is gone, not leaked. The
 * program is stopped at its exec event, so no probe updates its entries meanwhile; the
 * mapping events it queued before are applied first. */
static void forget_process_allocations(struct leak_user *u, pid_t pid, uint64_t before_ns)
{
	leak_regions_forget(u->regions, (__u32)pid);
	int allocs = bpf_map__fd(u->skel->maps.allocs);
	int combined = bpf_map__fd(u->skel->maps.combined);
	struct alloc_key key, next, *prev = NULL, *doomed = NULL;
	size_t n = 0, cap = 0;
	while (bpf_map_get_next_key(allocs, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.tgid != (__u32)pid)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			struct alloc_key *d = realloc(doomed, cap * sizeof(*d));
			if (!d)
				break;
			doomed = d;
		}
		doomed[n++] = key;
	}
	for (size_t i = 0; i < n; i++) {
		struct alloc_info a;
		struct stack_stats st;
		/* a followed process runs on: what it allocates after its exec stays */
		if (bpf_map_lookup_elem(allocs, &doomed[i], &a) || a.ts_ns >= before_ns)
			continue;
		if (bpf_map_lookup_elem(combined, &a.key, &st) == 0) {
			st.bytes -= a.size;
			st.count--;
			bpf_map_update_elem(combined, &a.key, &st, BPF_EXIST);
		}
		bpf_map_delete_elem(allocs, &doomed[i]);
	}
	free(doomed);
}

static void on_child_stop(pid_t pid, void *ctx)
{
	struct leak_user *u = ctx;
	if (u->target.child.last_stop == PTRACE_EVENT_EXEC) {
		events_drain(&u->events);
		forget_process_allocations(u, pid, UINT64_MAX);
		symbolizer_forget_pid(u->sym, pid);
	}
	symbolizer_capture_pid(u->sym, pid);
	unwind_tables_add_pid(u->unwind, pid);
}

static int setup(struct leak_user *u)
{
	const struct leak_opts *o = u->o;
	u->skel = leak_user_bpf__open();
	if (!u->skel)
		return bpf_fail("leak", "opening the BPF object", errno);
	u->skel->rodata->min_size = o->min_size;
	u->skel->rodata->max_size = o->max_size;
	u->skel->rodata->sample_rate = o->sample_rate;
	/* Only a program traced from its first instruction has no allocations we missed. */
	/* Only a program traced from its first instruction, with every block tracked, has no
	 * blocks we did not see: then a free of an unknown pointer is an error. */
	u->skel->rodata->report_invalid = o->cli.prog_argv != NULL && o->min_size == 0 &&
					  o->max_size == ~0ULL && o->sample_rate == 1 && !o->sample_bytes;
	u->skel->rodata->sample_bytes = o->sample_bytes;
	for (int k = 1; k <= 1024; k++)
		u->skel->rodata->neglog_fp[k] = (__u32)llround(-log(k / 1024.0) * (1 << 24));
	u->skel->rodata->neglog_fp[0] = u->skel->rodata->neglog_fp[1];
	u->skel->rodata->free_stacks = o->free_stacks;
	u->skel->rodata->heap_stream = o->stream != NULL;
	u->skel->rodata->stream_wakeup_bytes = o->ring_size / 8;
	trace_target_configure(&u->target, &u->skel->rodata->task_filter);
	bpf_program__set_autoload(u->skel->progs.memmon_follow_sys_exit,
				  trace_target_follows_children(&u->target));
	u->skel->rodata->stack_walk_fp = o->stack_walk == 1;
	if (o->stack_walk == 1)
		unwind_tables_unused(u->skel->obj);
	struct bpf_program *progs[] = { u->skel->progs.alloc_enter, u->skel->progs.alloc_return };
	uprobe_set_prepare(&u->probes, progs, 2);
	kernel_path("leak", u->probes.multi ? "allocator probes: one uprobe_multi link per library (6.6+)" :
		    "allocator probes: one uprobe per function (no uprobe_multi before 6.6)");
	bpf_map__set_max_entries(u->skel->maps.allocs, o->max_allocs);
	bpf_map__set_max_entries(u->skel->maps.events, (__u32)o->ring_size);
	bpf_load_stats_prepare(u->skel->obj);
	int err = leak_user_bpf__load(u->skel);
	bpf_load_stats_print("leak", u->skel->obj);
	if (err)
		return bpf_fail("leak", "loading the BPF programs", err);
	long page = sysconf(_SC_PAGESIZE);
	u->regions = leak_regions_new(o->max_allocs, page > 0 ? (uint64_t)page : 4096);
	if (!u->regions)
		return bpf_fail("leak", "allocating the mapping table", ENOMEM);
	err = events_open(&u->events, bpf_map__fd(u->skel->maps.events), on_event, u,
			  &u->skel->bss->memmon_lost_events);
	if (err)
		return bpf_fail("leak", "opening the ring buffer", err);
	if ((err = trace_target_fill(&u->target, bpf_map__fd(u->skel->maps.pid_filter))) ||
	    (err = trace_target_attach_filter(u->skel->skeleton)))
		return bpf_fail("leak", "setting up the process filter", err);
	if (trace_target_follows_children(&u->target) &&
	    !(u->skel->links.memmon_follow_sys_exit =
		      bpf_program__attach(u->skel->progs.memmon_follow_sys_exit)))
		return bpf_fail("leak", "attaching the sys_exit tracepoint", errno);
	if (o->stack_walk == 1)
		return 0;
	u->unwind = unwind_tables_open(u->skel->obj);
	if (!u->unwind)
		return bpf_fail("leak", "mapping the unwind tables", errno);
	u->reports.printer.unwind = u->unwind;
	return 0;
}

/* Probes for one process. Following children, they go on the library for every process
 * (the process filter picks the traced ones), once per library. */
static int attach_for(struct leak_user *u, pid_t pid, const struct leak_targets *t)
{
	if (!trace_target_follows_children(&u->target))
		return leak_attach(u->skel, &u->probes, pid, t);
	for (int i = 0; i < u->nattached; i++)
		if (!strcmp(u->attached[i], t->lib))
			return 0;
	if (u->nattached < CLI_MAX_PIDS)
		snprintf(u->attached[u->nattached++], PATH_MAX, "%s", t->lib);
	return leak_attach(u->skel, &u->probes, -1, t);
}

int leak_user_run(const struct leak_opts *o)
{
	struct leak_user u = { .o = o, .cli = o->cli };
	struct leak_targets t;
	char what[3 * PATH_MAX];
	int rc = EXIT_RUNTIME;
	loop_install_signals();
	u.sym = symbolizer_new();
	leak_session_init(&u.reports, o, u.sym, false);
	bool launched = o->cli.prog_argv != NULL;
	if (launched && leak_targets_for_program(o, o->cli.prog_argv[0], &t))
		goto out;
	/* launches the program held before exec: the probes go in before its first instruction */
	if ((rc = trace_target_prepare(&u.target, &u.cli, "leak", TT_USER_MEMORY)))
		goto out;
	rc = EXIT_RUNTIME;
	u.target.follow = o->no_follow ? -1 : o->follow ? 1 : 0;
	if (!(u.attached = calloc(CLI_MAX_PIDS, PATH_MAX)) || setup(&u))
		goto out;
	/* Unwind tables are built once the probes are in, so that building them delays no
	 * allocation's being seen: a -p process's first stacks may end early instead. */
	if (launched) {
		pid_t pid = u.target.child.pid;
		u.pids[u.npids++] = pid;
		if (attach_for(&u, pid, &t))
			goto out;
		unwind_tables_add_targets(u.unwind, &u.cli);
		if (trace_target_release(&u.target, "leak"))
			goto out;
	} else {
		for (int i = 0; i < o->cli.npids; i++) {
			pid_t pid = o->cli.pids[i];
			if (leak_targets_for_pid(o, pid, &t) || attach_for(&u, pid, &t))
				goto out;
			u.pids[u.npids++] = pid;
		}
		unwind_tables_add_targets(u.unwind, &u.cli);
		capture_all(&u);
	}
	/* also with --json (stderr is not the report): it tells a supervisor that tracing began */
	leak_targets_describe(&t, what, sizeof(what));
	fprintf(stderr, "memmon %s: tracing %s in %s", o->cmd ? o->cmd : "leak",
		launched ? "program" : "pids", what);
	fprintf(stderr, "; %s; Ctrl-C to end\n", o->stream ? "a report at the end"
							  : leak_report_schedule(o->cli.interval));
	struct loop l = {
		.events = &u.events, .interval = o->cli.interval, .duration = o->cli.duration,
		.ctx = &u, .on_interval = on_interval, .on_tick = on_tick,
		.on_child_stop = on_child_stop,
	};
	trace_target_loop(&u.target, &l);
	leak_session_start(&u.reports);
	if (o->stream)
		o->stream->on_start(o->stream->ctx);
	enum loop_end end = loop_run(&l);
	if (end != LOOP_PROGRAM_EXITED && end != LOOP_PIDS_EXITED)
		capture_all(&u);
	events_drain(&u.events);
	struct leak_maps m = maps_of(&u);
	char signame[32];
	if (end == LOOP_PROGRAM_EXITED && WIFSIGNALED(u.target.child.status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(u.target.child.status));
		if (abbrev)
			snprintf(signame, sizeof(signame), "SIG%s", abbrev);
		else
			snprintf(signame, sizeof(signame), "signal %d", WTERMSIG(u.target.child.status));
		u.reports.program_signal = signame;
	}
	if (o->stream)
		o->stream->on_end(o->stream->ctx, loop_end_reason(end),
				  u.skel->bss->memmon_lost_events + u.skel->bss->counters.allocs_dropped +
				  u.skel->bss->counters.pending_dropped);
	else
		leak_session_final(&u.reports, &m, loop_end_reason(end));
	if (end == LOOP_PIDS_EXITED && !o->cli.json && !o->stream)
		fprintf(stderr, "memmon leak: traced process exited; report above is what was collected\n");
	rc = end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
out:
	trace_target_abort(&u.target);
	uprobe_set_destroy(&u.probes);
	events_close(&u.events);
	unwind_tables_close(u.unwind);
	leak_user_bpf__destroy(u.skel);
	leak_regions_free(u.regions);
	symbolizer_free(u.sym);
	free(u.attached);
	return rc;
}
