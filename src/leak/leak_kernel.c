/* memmon leak --kernel: outstanding kernel allocations by kernel stack. */
#include "core/launch.h"
#include "core/loop.h"
#include "kernel/bpf_util.h"
#include "leak/leak.h"
#include "leak/leak_collect.h"
#include "leak/leak_event.h"
#include "leak/leak_report.h"
#include "symbols/symbolize.h"
#include "leak/leak_kernel.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

struct leak_kernel {
	const struct leak_opts *o;
	struct leak_kernel_bpf *skel;
	struct symbolizer *sym;
	int report_no;
};

static void report(struct leak_kernel *k, const char *reason)
{
	struct leak_maps m = {
		.allocs = bpf_map__fd(k->skel->maps.allocs),
		.combined = bpf_map__fd(k->skel->maps.combined),
		.stacks = bpf_map__fd(k->skel->maps.stacks),
		.counters = &k->skel->bss->counters,
	};
	leak_report_now(&m, k->o, k->sym, true, ++k->report_no, reason);
}

static void on_interval(void *ctx)
{
	report(ctx, "interval");
}

static int trace_tgid(struct leak_kernel *k, pid_t pid)
{
	__u32 tgid = (__u32)pid;
	__u8 one = 1;
	return bpf_map_update_elem(bpf_map__fd(k->skel->maps.traced_tgids), &tgid, &one, BPF_ANY);
}

int leak_kernel_run(const struct leak_opts *o)
{
	struct leak_kernel k = { .o = o };
	struct launch child = { 0 };
	bool launched = false;
	int rc = EXIT_RUNTIME, err;
	loop_install_signals();
	k.sym = symbolizer_new();
	k.skel = leak_kernel_bpf__open();
	if (!k.skel) {
		bpf_fail("leak", "opening the BPF object", errno);
		goto out;
	}
	k.skel->rodata->filter_pids = o->cli.npids > 0 || o->cli.prog_argv;
	k.skel->rodata->min_size = o->min_size;
	k.skel->rodata->max_size = o->max_size;
	k.skel->rodata->sample_rate = o->sample_rate;
	k.skel->rodata->page_size = (__u32)sysconf(_SC_PAGESIZE);
	bpf_map__set_max_entries(k.skel->maps.allocs, o->max_allocs);
	if ((err = leak_kernel_bpf__load(k.skel))) {
		bpf_fail("leak", "loading the BPF programs", err);
		goto out;
	}
	for (int i = 0; i < o->cli.npids; i++)
		trace_tgid(&k, o->cli.pids[i]);
	if (o->cli.prog_argv) {
		if (launch_prepare_flags(&child, o->cli.prog_argv, "leak",
					 o->cli.json ? LAUNCH_STDOUT_TO_STDERR : 0))
			goto out;
		launched = true;
		trace_tgid(&k, child.pid);
	}
	if ((err = leak_kernel_bpf__attach(k.skel))) {
		bpf_fail("leak", "attaching the kmem tracepoints", err);
		goto out;
	}
	if (launched && launch_release(&child, "leak"))
		goto out;
	if (!o->cli.json)
		fprintf(stderr, "memmon leak: tracing kernel allocations%s; %s; Ctrl-C to end\n",
			k.skel->rodata->filter_pids ? " of the given processes" : "",
			leak_report_schedule(o->cli.interval));
	struct loop l = {
		.interval = o->cli.interval, .duration = o->cli.duration,
		.child = launched ? &child : NULL, .pids = o->cli.pids, .npids = o->cli.npids,
		.ctx = &k, .on_interval = on_interval,
	};
	enum loop_end end = loop_run(&l);
	report(&k, loop_end_reason(end));
	rc = end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
out:
	if (launched && !child.exited)
		launch_abort(&child);
	leak_kernel_bpf__destroy(k.skel);
	symbolizer_free(k.sym);
	return rc;
}
