/* memmon faults: page faults by user stack, by file, by process; major and minor;
 * hugetlb-only and swap-in-only; a per-process rate view. The kernel counts (see
 * faults/faults.bpf.c); every interval and at the end this file reads the counts and
 * groups them for the chosen view (faults/faults_table.h), gathers what the report shows
 * (faults/faults_collect.h) and prints it (faults/faults_print.h). */
#include "commands.h"
#include "core/cli.h"
#include "core/keyed_table.h"
#include "core/loop.h"
#include "core/options.h"
#include "core/trace_target.h"
#include "faults/faults_collect.h"
#include "faults/faults_names.h"
#include "faults/faults_print.h"
#include "faults/faults_table.h"
#include "kernel/bpf_util.h"
#include "kernel/kernel_paths.h"
#include "kernel/perf_sw.h"
#include "output/profile_files.h"
#include "symbols/proc_names.h"
#include "symbols/unwind_tables.h"
#include "faults/faults.skel.h"
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "faults"

struct faults_opts {
	struct cli cli;
	enum faults_view view;
	bool kernel_stacks, hugetlb, swapin, summary;
	struct profile_files profiles; /* --pprof, --folded, --flamegraph (stack view) */
	uint64_t min_count;
	int stack_walk; /* 0: by call frame information, 1: by frame pointers */
};

struct faults_run {
	struct faults_opts *o;
	struct faults_bpf *skel;
	struct symbolizer *sym;
	struct unwind_tables *unwind; /* stack view: CFI tables of the traced code */
	struct proc_names procs;
	struct event_reader events;
	struct keyed_table table;   /* the kernel's rows: totals and the last interval's gains */
	struct keyed_table entries; /* the rows of the view */
	double start, last;
	double last_refresh;
	unsigned long intervals;    /* interval reports so far */
};

/* OPTS_GO_ON, or the exit code. */
static int parse(struct faults_opts *o, int argc, char **argv)
{
	int by = -1; /* enum faults_view's first three: stack, file, process */
	struct opt opts[] = {
		OPT_CHOICE(0, "by", &by, "stack|file|process",
			   "group by user stack (default), by mapped file (anonymous\n"
			   "memory as [heap], [stack] and [anon]), or by process"),
		OPT_FLAG(0, "kernel-stacks", &o->kernel_stacks,
			 "also group by kernel stack, for faults taken in kernel\n"
			 "mode (copy_to_user, ...); printed above the user stack"),
		OPT_CHOICE(0, "stack-walk", &o->stack_walk, "cfi|fp",
			   "how user stacks are walked: by call frame information\n"
			   "(default; right through code without frame pointers) or\n"
			   "by frame pointers only (what other eBPF tools do)"),
		OPT_NUMBER(0, "min-count", &o->min_count, "N", 0, INT64_MAX,
			   "hide rows with fewer than N faults"),
		OPT_FLAG(0, "hugetlb", &o->hugetlb,
			 "only faults on hugetlb mappings (default view: per\n"
			 "process and file)"),
		OPT_FLAG(0, "swapin", &o->swapin,
			 "only swap-ins: major faults on anonymous memory\n"
			 "(default view: per process and stack)"),
		OPT_FLAG(0, "summary", &o->summary,
			 "rate view: faults per second per process, minor/major,\n"
			 "user/kernel mode (use with -i 1)"),
		OPT_PROFILE_FILES(&o->profiles, "the run's faults by stack (stack view; the\n"
				  "process name is the root frame, kernel frames end in _[k])"),
		OPT_PIDS(&o->cli, "trace this process (repeatable)"),
		OPT_COMM(&o->cli, "trace only processes with this name"),
		OPT_INTERVAL(&o->cli, "print every S seconds (0 = only at the end)"),
		OPT_DURATION(&o->cli, "stop after S seconds"),
		OPT_JSON(&o->cli, "JSON Lines (see README: memmon faults)"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon faults [options] [-p PID]... [-- PROGRAM ARGS]",
		.about = "Counts page faults (where RSS grows) by user stack, file or process, with minor\n"
			 "and major faults apart and the bytes the faults mapped in. Traces the -p processes,\n"
			 "the launched PROGRAM (and its children), or the whole system. Prints every\n"
			 "interval (the faults of that interval) and at the end (all faults).",
		.opts = opts,
		.cli = &o->cli,
		.program = true,
		.program_help = "launch PROGRAM and trace it and the processes it starts,\n"
				"counted from its exec on",
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	bool view_given = by >= 0;
	if (view_given)
		o->view = (enum faults_view)by;
	if (cli_one_target(&o->cli, CMD))
		return EXIT_USAGE;
	if (o->hugetlb && o->swapin)
		return cli_usage_error(CMD, "--hugetlb and --swapin cannot be combined");
	bool profiles = profile_files_wanted(&o->profiles);
	if (o->summary && (view_given || profiles || o->kernel_stacks))
		return cli_usage_error(CMD, "--summary cannot be combined with --by, --pprof, "
					    "--folded, --flamegraph or --kernel-stacks");
	if (o->summary)
		o->view = VIEW_SUMMARY;
	else if (!view_given && o->hugetlb)
		o->view = VIEW_PROCESS_FILE;
	if (profiles && o->view != VIEW_STACK)
		return cli_usage_error(CMD, "--pprof, --folded and --flamegraph need the stack view");
	if (o->kernel_stacks && o->view != VIEW_STACK)
		return cli_usage_error(CMD, "--kernel-stacks needs the stack view");
	return OPTS_GO_ON;
}

/* An executable mapping the kernel saw the process fault in: usable for its stacks even
 * after it exited. */
static void add_code_mapping(struct faults_run *r, const struct fault_proc_event *e)
{
	char path[FAULTS_NAME_MAX];
	if (!r->sym ||
	    faults_file_path(bpf_map__fd(r->skel->maps.files), e->ino, e->dev, path, sizeof(path)) < 1)
		return;
	symbolizer_add_mapping(r->sym, (pid_t)e->tgid, e->start, e->end, e->pgoff, path);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct faults_run *r = ctx;
	const struct fault_proc_event *e = data;
	if (size < sizeof(*e))
		return 0;
	char comm[17];
	memcpy(comm, e->comm, 16);
	comm[16] = 0;
	if (e->type == FPE_MAP) {
		add_code_mapping(r, e);
		/* the walkers cannot look mappings up from a page fault (symbols/unwind.bpf.h) */
		unwind_tables_add_mapping(r->unwind, (pid_t)e->tgid, e->start, e->end, e->pgoff,
					  e->dev, e->ino);
		return 0;
	}
	if (e->type == FPE_NEW || e->type == FPE_EXEC)
		unwind_tables_add_pid(r->unwind, (pid_t)e->tgid);
	if (e->type == FPE_EXEC)
		proc_names_exec(&r->procs, e->tgid, comm);
	else
		proc_names_add(&r->procs, e->tgid, comm);
	return 0;
}

/* Reads the kernel's table and groups it for the view: the whole run's counts (final) or
 * the last interval's. 0 or -errno. */
static int aggregate(struct faults_run *r, bool final)
{
	int err = fault_table_read(&r->table, bpf_map__fd(r->skel->maps.counts));
	if (!err)
		err = fault_group(&r->table, final, faults_view_mask(r->o->view), &r->entries);
	return err;
}

/* The final report's rows as a profile: faults and the bytes they mapped in, by stack (the
 * kernel stack, with --kernel-stacks, above the user one), the process as the root. */
static void write_profiles(struct faults_run *r, const struct faults_rows *rows, double seconds)
{
	static const struct profile_value_type types[] = { { "faults", "count" }, { "bytes", "bytes" } };
	struct stack_profile prof;
	if (stack_profile_init(&prof, r->sym, types, 2, 0)) {
		fprintf(stderr, "memmon %s: out of memory building the profile\n", CMD);
		return;
	}
	prof.duration_nanos = (int64_t)(seconds * 1e9);
	for (size_t i = 0; i < rows->n; i++) {
		const struct faults_row *row = &rows->row[i];
		int64_t v[2] = { (int64_t)fault_counts_total(&row->c), (int64_t)row->c.bytes };
		int nk = r->o->kernel_stacks ? row->nkstack : 0;
		/* frame 0 of a user-mode fault is the faulting instruction, not a return address */
		if (stack_profile_add_mixed(&prof, (pid_t)row->key.tgid, rows->frames + row->kstack, nk,
					    false, rows->frames + row->ustack, row->nustack, false, v) == 0)
			stack_profile_set_comm(&prof, row->comm);
	}
	profile_files_write(&r->o->profiles, &prof, 0, "memmon faults: page faults", CMD);
	stack_profile_free(&prof);
}

static void report(struct faults_run *r, bool final, const char *end_reason)
{
	struct faults_opts *o = r->o;
	double t = now_seconds();
	if (aggregate(r, final)) {
		fprintf(stderr, "memmon %s: reading the fault table failed\n", CMD);
		return;
	}
	double seconds = final ? t - r->start : t - r->last;
	/* The interval's end is the next one's start. */
	r->last = t;
	if (!final)
		r->intervals++;
	if (o->profiles.folded_stdout && !final)
		return; /* the folded stacks at the end are the whole report */
	struct faults_sources src = {
		.view = o->view,
		.kernel_stacks = o->kernel_stacks,
		.min_count = o->min_count,
		.stacks_fd = bpf_map__fd(r->skel->maps.stacks),
		.files_fd = bpf_map__fd(r->skel->maps.files),
		.procs = &r->procs,
	};
	struct faults_rows rows;
	if (faults_collect(&src, &r->entries, &rows)) {
		fprintf(stderr, "memmon %s: collecting the report: out of memory\n", CMD);
		faults_rows_free(&rows);
		return;
	}
	struct faults_report rep = {
		.view = o->view,
		.json = o->cli.json,
		.kernel_stacks = o->kernel_stacks,
		.final = final,
		.min_count = o->min_count,
		.seconds = seconds,
		.interval = r->intervals,
		.end_reason = end_reason,
		.sym = r->sym,
		.unwind = r->unwind,
		.counters = r->skel->bss->counters,
		.events_lost = events_lost(&r->events),
		.children_not_followed = r->skel->bss->children_not_followed,
	};
	if (!o->profiles.folded_stdout)
		faults_print(&rep, &rows, stdout);
	if (final && profile_files_wanted(&o->profiles))
		write_profiles(r, &rows, seconds);
	faults_rows_free(&rows);
}

static void on_interval(void *ctx)
{
	report(ctx, false, NULL);
}

static void on_child_stop(pid_t pid, void *ctx)
{
	struct faults_run *r = ctx;
	proc_names_add(&r->procs, (uint32_t)pid, NULL);
	if (r->unwind)
		unwind_tables_add_pid(r->unwind, pid);
}

static void on_tick(void *ctx)
{
	struct faults_run *r = ctx;
	double t = now_seconds();
	unwind_tables_poll(r->unwind);
	/* Libraries mapped after the first fault (ld.so loads them) resolve through this. */
	if (r->sym && t - r->last_refresh >= 1.0) {
		proc_names_refresh(&r->procs);
		r->last_refresh = t;
	}
}

/* The probe set's choices before load: which processes, which fields make a row, which
 * faults count. */
static void configure(struct faults_run *r, const struct trace_target *tt)
{
	struct faults_opts *o = r->o;
	struct faults_bpf *s = r->skel;
	trace_target_configure(tt, &s->rodata->task_filter);
	s->rodata->want_ustack = o->view == VIEW_STACK;
	s->rodata->want_kstack = o->kernel_stacks;
	s->rodata->stack_walk_fp = o->stack_walk == 1;
	s->rodata->want_file = o->view == VIEW_FILE || o->view == VIEW_PROCESS_FILE;
	s->rodata->only_hugetlb = o->hugetlb;
	s->rodata->only_swapin = o->swapin;
}

static int attach(struct faults_run *r, struct perf_sw_links *links)
{
	int err;
	if ((err = faults_bpf__attach(r->skel)))
		return bpf_fail(CMD, "attaching the exec/fork tracepoints", err);
	if ((err = perf_sw_attach(r->skel->progs.on_minor_fault, PERF_COUNT_SW_PAGE_FAULTS_MIN,
				  links)) ||
	    (err = perf_sw_attach(r->skel->progs.on_major_fault, PERF_COUNT_SW_PAGE_FAULTS_MAJ,
				  links)))
		return bpf_fail(CMD, "attaching to the page-fault perf events", err);
	if ((err = events_open(&r->events, bpf_map__fd(r->skel->maps.events), on_event, r,
			       &r->skel->bss->memmon_lost_events)))
		return bpf_fail(CMD, "opening the ring buffer", err);
	return 0;
}

static int run(struct faults_opts *o)
{
	struct faults_run r = { .o = o };
	struct perf_sw_links links = { 0 };
	struct trace_target tt;
	int ret, err;

	fault_table_init(&r.table);
	fault_entries_init(&r.entries);
	if (bpf_preflight(CMD) || bpf_require_find_vma(CMD))
		return EXIT_RUNTIME;
	kernel_path_mapping_cache(CMD);
	loop_install_signals();
	if ((ret = trace_target_prepare(&tt, &o->cli, CMD, TT_USER_MEMORY)))
		return ret;
	tt.program_from_exec = true; /* counted from its exec on */
	ret = EXIT_RUNTIME;
	if (o->view == VIEW_STACK) {
		r.sym = symbolizer_new();
		r.procs.sym = r.sym;
	}
	r.skel = faults_bpf__open();
	if (!r.skel) {
		bpf_fail(CMD, "opening the BPF object", -errno);
		goto out;
	}
	configure(&r, &tt);
	bool cfi = o->view == VIEW_STACK && o->stack_walk == 0;
	if (!cfi)
		unwind_tables_unused(r.skel->obj);
	bpf_load_stats_prepare(r.skel->obj);
	err = faults_bpf__load(r.skel);
	bpf_load_stats_print(CMD, r.skel->obj);
	if (err) {
		bpf_fail(CMD, "loading the BPF programs", err);
		goto out;
	}
	if (cfi) {
		if (!(r.unwind = unwind_tables_open(r.skel->obj))) {
			bpf_fail(CMD, "mapping the unwind tables", -errno);
			goto out;
		}
	}
	if ((err = trace_target_fill(&tt, bpf_map__fd(r.skel->maps.pid_filter)))) {
		bpf_fail(CMD, "filling the pid filter", err);
		goto out;
	}
	for (int i = 0; i < o->cli.npids; i++)
		proc_names_add(&r.procs, (uint32_t)o->cli.pids[i], NULL);
	if (attach(&r, &links))
		goto out;
	/* after attaching: building tables delays no fault's being counted */
	unwind_tables_add_targets(r.unwind, &o->cli);
	/* also with --json and --folded: stderr is not the report */
	fprintf(stderr, "memmon %s: tracing page faults%s; Ctrl-C to end\n", CMD,
		o->cli.npids ? " of the given pids" : o->cli.prog_argv ? " of the program" : " system-wide");
	r.start = r.last = r.last_refresh = now_seconds();
	if (trace_target_release(&tt, CMD))
		goto out;
	struct loop l = {
		.events = &r.events,
		.interval = o->cli.interval,
		.duration = o->cli.duration,
		.ctx = &r,
		.on_interval = on_interval,
		.on_child_stop = on_child_stop,
		.on_tick = on_tick,
	};
	trace_target_loop(&tt, &l);
	enum loop_end end = loop_run(&l);
	events_drain(&r.events);
	if (end == LOOP_ERROR) {
		fprintf(stderr, "memmon %s: polling events failed\n", CMD);
		goto out;
	}
	report(&r, true, loop_end_reason(end));
	trace_target_warn_children(CMD, r.skel->bss->children_not_followed);
	ret = EXIT_OK; /* memmon's status, not the program's (docs/DESIGN.md: 0, 1, 2) */
out:
	trace_target_abort(&tt);
	perf_sw_detach(&links);
	events_close(&r.events);
	unwind_tables_close(r.unwind);
	faults_bpf__destroy(r.skel);
	ktable_free(&r.table);
	ktable_free(&r.entries);
	proc_names_free(&r.procs);
	symbolizer_free(r.sym);
	return ret;
}

int cmd_faults(int argc, char **argv)
{
	struct faults_opts o = { .view = VIEW_STACK };
	int rc = parse(&o, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (profile_files_open(&o.profiles, CMD)) /* before tracing: a bad path fails at once */
		return EXIT_RUNTIME;
	rc = run(&o);
	profile_files_discard(&o.profiles); /* written by the final report; a failed run's go */
	return rc;
}
