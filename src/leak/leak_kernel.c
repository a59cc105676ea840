/* memmon leak --kernel: outstanding kernel allocations by kernel stack. */
#include "core/loop.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "leak/leak.h"
#include "leak/leak_collect.h"
#include "leak/leak_report.h"
#include "leak/leak_session.h"
#include "symbols/symbolize.h"
#include "leak/leak_kernel.skel.h"
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

struct leak_kernel {
	struct leak_kernel_bpf *skel;
	struct leak_session reports;
};

static struct leak_maps maps_of(struct leak_kernel *k)
{
	return (struct leak_maps){
		.allocs = bpf_map__fd(k->skel->maps.allocs),
		.combined = bpf_map__fd(k->skel->maps.combined),
		.stacks = bpf_map__fd(k->skel->maps.stacks),
		.counters = &k->skel->bss->counters,
	};
}

static void on_interval(void *ctx)
{
	struct leak_kernel *k = ctx;
	struct leak_maps m = maps_of(k);
	leak_session_interval(&k->reports, &m);
}

/* The filter counts what it counted before it was the shared one: allocations made while
 * a -p process or the launched program runs (from its fork, before exec), not by the
 * processes the program forks; with neither, every allocation, memmon's own too. */
static void configure_filter(const struct trace_target *tt, struct task_filter_config *cfg)
{
	trace_target_configure(tt, cfg);
	cfg->follow_children = 0;
	cfg->self_tgid = 0;
}

int leak_kernel_run(const struct leak_opts *o)
{
	struct leak_kernel k = { 0 };
	struct symbolizer *sym = NULL;
	struct cli cli = o->cli;
	struct trace_target tt;
	int rc, err;
	loop_install_signals();
	if ((rc = trace_target_prepare(&tt, &cli, "leak", 0)))
		return rc;
	rc = EXIT_RUNTIME;
	sym = symbolizer_new();
	leak_session_init(&k.reports, o, sym, true);
	k.skel = leak_kernel_bpf__open();
	if (!k.skel) {
		bpf_fail("leak", "opening the BPF object", errno);
		goto out;
	}
	configure_filter(&tt, &k.skel->rodata->task_filter);
	k.skel->rodata->min_size = o->min_size;
	k.skel->rodata->max_size = o->max_size;
	k.skel->rodata->sample_rate = o->sample_rate;
	k.skel->rodata->page_size = (__u32)sysconf(_SC_PAGESIZE);
	bpf_map__set_max_entries(k.skel->maps.allocs, o->max_allocs);
	bpf_load_stats_prepare(k.skel->obj);
	err = leak_kernel_bpf__load(k.skel);
	bpf_load_stats_print("leak", k.skel->obj);
	if (err) {
		bpf_fail("leak", "loading the BPF programs", err);
		goto out;
	}
	if ((err = trace_target_fill(&tt, bpf_map__fd(k.skel->maps.pid_filter)))) {
		bpf_fail("leak", "filling the pid filter", err);
		goto out;
	}
	if ((err = leak_kernel_bpf__attach(k.skel))) {
		bpf_fail("leak", "attaching the kmem tracepoints", err);
		goto out;
	}
	if (trace_target_release(&tt, "leak"))
		goto out;
	fprintf(stderr, "memmon leak: tracing kernel allocations%s; %s; Ctrl-C to end\n",
			trace_target_filters_pids(&tt) ? " of the given processes" : "",
			leak_report_schedule(o->cli.interval));
	struct loop l = { .interval = o->cli.interval, .duration = o->cli.duration, .ctx = &k,
			  .on_interval = on_interval };
	trace_target_loop(&tt, &l);
	leak_session_start(&k.reports);
	enum loop_end end = loop_run(&l);
	struct leak_maps m = maps_of(&k);
	leak_session_final(&k.reports, &m, loop_end_reason(end));
	rc = end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
out:
	trace_target_abort(&tt);
	leak_kernel_bpf__destroy(k.skel);
	symbolizer_free(sym);
	return rc;
}
