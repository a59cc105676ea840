/* memmon drsnoop: one line per reclaim episode a task runs itself (direct reclaim in the
 * page allocator, memcg reclaim when charging a cgroup at its limit): time, process, pid,
 * latency, pages reclaimed, and the allocation order and GFP flags that triggered it. */
#include "commands.h"
#include "core/cli.h"
#include "core/events.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "kernel/gfp_names.h"
#include "kernel/memcg_path.h"
#include "pressure/reclaim_event.h"
#include "symbols/stack_store.h"
#include "symbols/stack_trim.h"
#include "symbols/symbolize.h"
#include "pressure/reclaim.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static const char *CMD = "drsnoop";

enum { OPT_STACKS = OPT_COMMON_LAST };

struct drsnoop_ctx {
	struct reclaim_bpf *skel;
	struct symbolizer *sym;
	bool json, stacks;
	unsigned long episodes;
	unsigned long long total_ns, total_pages;
	pid_t last_captured;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: memmon drsnoop [options] [-- PROGRAM ARGS]\n\n"
		"One line per reclaim episode a task runs itself: direct reclaim (the page allocator\n"
		"found no free page) and memcg reclaim (a charge hit the memory cgroup's limit), with\n"
		"latency, pages reclaimed, and the allocation order and GFP flags that caused it.\n\n"
		"      --stacks        print the user and kernel stack that allocated\n"
		"  -p, --pid PID       only process PID (repeatable)\n"
		"      --comm NAME     only tasks named NAME\n"
		"  -d, --duration S    stop after S seconds (default: until Ctrl-C)\n"
		"      --json          JSON Lines: {\"type\":\"reclaim_episode\"} per episode (with\n"
		"                      the task's memory cgroup path, \"user_stack\"/\"kernel_stack\"\n"
		"                      frame arrays under --stacks), {\"type\":\"summary\"} at the end\n"
		"  -h, --help          this help\n"
		"  -- PROGRAM ARGS     run PROGRAM, trace only it and the processes it starts,\n"
		"                      stop when it exits\n");
}

static void print_stack(struct drsnoop_ctx *c, const struct reclaim_event *e, bool kernel,
			struct json_object *o)
{
	__u64 ips[VMSCAN_STACK_DEPTH + 1] = { 0 };
	int n = stack_store_read(bpf_map__fd(c->skel->maps.stacks),
				 kernel ? e->kernel_stack : e->user_stack, (uint64_t *)ips,
				 VMSCAN_STACK_DEPTH);
	if (!kernel)
		n = stack_trim_user(c->sym, (pid_t)e->pid, (uint64_t *)ips, n);
	if (!kernel && n >= 1 && e->user_caller && (n < 2 || ips[1] != e->user_caller)) {
		memmove(&ips[2], &ips[1], (n - 1) * sizeof(ips[0]));
		ips[1] = e->user_caller;
		n++;
	}
	pid_t pid = kernel ? 0 : (pid_t)e->pid;
	if (o) {
		json_object_object_add(o, kernel ? "kernel_stack" : "user_stack",
				       n ? stack_json(c->sym, pid, kernel, (uint64_t *)ips, n, true) : NULL);
		return;
	}
	printf("    %s stack:%s\n", kernel ? "kernel" : "user", n ? "" : " (not captured)");
	if (n)
		stack_print(c->sym, stdout, pid, kernel, (uint64_t *)ips, n, true, "      ");
}

static int on_event(void *vctx, void *data, size_t len)
{
	struct drsnoop_ctx *c = vctx;
	const struct reclaim_event *e = data;
	if (len < sizeof(*e))
		return 0;
	if (c->stacks && (pid_t)e->pid != c->last_captured) {
		/* the process still lives now: keep its mappings for its user stacks */
		symbolizer_capture_pid(c->sym, e->pid);
		c->last_captured = e->pid;
	}
	c->episodes++;
	c->total_ns += e->latency_ns;
	c->total_pages += e->nr_reclaimed;
	char gfp[256], clock[32];
	gfp_format(e->gfp_flags, gfp, sizeof(gfp));
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	localtime_r(&tv.tv_sec, &tm);
	size_t k = strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	snprintf(clock + k, sizeof(clock) - k, ".%03ld", (long)tv.tv_usec / 1000);
	const char *kind = e->kind == RECLAIM_MEMCG ? "memcg" : "direct";
	if (c->json) {
		struct json_object *o = json_record("reclaim_episode");
		json_add_str(o, "time", clock);
		json_add_str(o, "comm", e->comm);
		json_add_int(o, "pid", e->pid);
		json_add_int(o, "tid", e->tid);
		json_add_str(o, "kind", kind);
		json_add_double(o, "latency_ms", e->latency_ns / 1e6);
		json_add_u64(o, "pages_reclaimed", e->nr_reclaimed);
		json_add_int(o, "order", e->order);
		json_add_u64(o, "gfp_flags", e->gfp_flags);
		json_add_str(o, "gfp", gfp);
		json_add_u64(o, "cgroup_id", e->memcg_id);
		struct memcg_info m;
		__u64 id = e->memcg_id;
		if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.cgroups), &id, &m) == 0) {
			char path[512];
			memcg_path_format(&m, path, sizeof(path));
			json_add_str(o, "cgroup", path);
		} else {
			json_add_str(o, "cgroup", NULL);
		}
		if (c->stacks) {
			print_stack(c, e, false, o);
			print_stack(c, e, true, o);
		}
		json_emit(o, stdout);
		return 0;
	}
	printf("%-12s %-16s %7u %7u %-6s %9.3f %8llu %5d %s\n", clock, e->comm, e->pid, e->tid,
	       kind, e->latency_ns / 1e6, (unsigned long long)e->nr_reclaimed, e->order, gfp);
	if (c->stacks) {
		print_stack(c, e, false, NULL);
		print_stack(c, e, true, NULL);
	}
	return 0;
}

static void on_child_stop(pid_t pid, void *vctx)
{
	struct drsnoop_ctx *c = vctx;
	if (c->stacks)
		symbolizer_capture_pid(c->sym, pid);
}

static int parse(struct cli *cli, bool *stacks, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
					      { "stacks", no_argument, NULL, OPT_STACKS }, { 0 } };
	argc = cli_split_program(cli, argc, argv);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == OPT_STACKS) {
			*stacks = true;
			continue;
		}
		if (c == 'i')
			return cli_usage_error(CMD, "-i/--interval does not apply: episodes print as they end");
		int r = cli_common_option(cli, CMD, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r == 0)
			return cli_bad_option(CMD);
	}
	if (optind < argc)
		return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	return 0;
}

int cmd_drsnoop(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct drsnoop_ctx ctx = { 0 };
	int rc = parse(&cli, &ctx.stacks, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	ctx.json = cli.json;
	if ((rc = bpf_preflight(CMD)))
		return rc;
	gfp_names_load_btf();
	struct trace_target tt;
	struct event_reader er = { 0 };
	loop_install_signals();
	if ((rc = trace_target_prepare(&tt, &cli, CMD)))
		return rc;
	if (ctx.stacks && !(ctx.sym = symbolizer_new())) {
		rc = bpf_fail(CMD, "creating the symbolizer", ENOMEM);
		goto out;
	}
	struct reclaim_bpf *skel = reclaim_bpf__open();
	if (!skel) {
		rc = bpf_fail(CMD, "opening the BPF object", errno);
		goto out;
	}
	ctx.skel = skel;
	trace_target_configure(&tt, &skel->rodata->task_filter);
	skel->rodata->memcg_unlimited_pages = memcg_unlimited_pages();
	skel->rodata->aggregate = false;
	skel->rodata->emit_episodes = true;
	skel->rodata->capture_stacks = ctx.stacks;
	/* Only the episode probes: slab, kswapd, writeback and LRU counts are reclaim's. */
	bpf_program__set_autoload(skel->progs.on_slab_start, false);
	bpf_program__set_autoload(skel->progs.on_slab_end, false);
	bpf_program__set_autoload(skel->progs.on_wakeup_kswapd, false);
	bpf_program__set_autoload(skel->progs.on_write_folio, false);
	bpf_program__set_autoload(skel->progs.on_shrink_inactive, false);
	int err = reclaim_bpf__load(skel);
	if (err) {
		rc = bpf_fail(CMD, "loading the BPF object", err);
		goto out;
	}
	if ((err = trace_target_fill(&tt, bpf_map__fd(skel->maps.pid_filter)))) {
		rc = bpf_fail(CMD, "filling the pid filter", err);
		goto out;
	}
	if ((err = reclaim_bpf__attach(skel))) {
		rc = bpf_fail(CMD, "attaching to the vmscan tracepoints", err);
		goto out;
	}
	if ((err = events_open(&er, bpf_map__fd(skel->maps.events), on_event, &ctx,
			       &skel->bss->memmon_lost_events))) {
		rc = bpf_fail(CMD, "opening the ring buffer", err);
		goto out;
	}
	if ((rc = trace_target_release(&tt, CMD)))
		goto out;
	fprintf(stderr, "memmon drsnoop: tracing direct reclaim episodes; Ctrl-C to end\n");
	if (!cli.json)
		printf("%-12s %-16s %7s %7s %-6s %9s %8s %5s %s\n", "TIME", "COMM", "PID", "TID",
		       "KIND", "LAT(ms)", "PAGES", "ORDER", "GFP");
	struct loop l = { .events = &er, .duration = cli.duration, .ctx = &ctx,
			  .on_child_stop = on_child_stop };
	trace_target_loop(&tt, &l);
	double start = now_seconds();
	enum loop_end end = loop_run(&l);
	events_drain(&er);
	double secs = now_seconds() - start;
	if (cli.json) {
		struct json_object *o = json_record("summary");
		json_add_u64(o, "episodes", ctx.episodes);
		json_add_double(o, "latency_ms", ctx.total_ns / 1e6);
		json_add_u64(o, "pages_reclaimed", ctx.total_pages);
		json_add_u64(o, "lost_events", events_lost(&er));
		json_add_double(o, "seconds", secs);
		json_add_str(o, "reason", loop_end_reason(end));
		json_add_u64(o, "children_not_followed", skel->bss->children_not_followed);
		json_emit(o, stdout);
	} else {
		printf("%lu reclaim episodes, %.3f ms, %llu pages reclaimed in %.1f s (%s); "
		       "%llu events lost\n", ctx.episodes, ctx.total_ns / 1e6, ctx.total_pages, secs,
		       loop_end_reason(end), (unsigned long long)events_lost(&er));
	}
	if (skel->bss->children_not_followed)
		fprintf(stderr, "memmon %s: %llu child processes not traced (pid table full)\n", CMD,
			(unsigned long long)skel->bss->children_not_followed);
	rc = end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
out:
	trace_target_abort(&tt);
	events_close(&er);
	reclaim_bpf__destroy(ctx.skel);
	symbolizer_free(ctx.sym);
	return rc;
}
