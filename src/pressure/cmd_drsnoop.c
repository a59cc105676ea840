/* memmon drsnoop: one line per reclaim episode a task runs itself (direct reclaim in the
 * page allocator, memcg reclaim when charging a cgroup at its limit): time, process, pid,
 * latency, pages reclaimed, and the allocation order and GFP flags that triggered it. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/options.h"
#include "kernel/bpf_util.h"
#include "kernel/gfp_names.h"
#include "kernel/memcg_path.h"
#include "output/profile_files.h"
#include "pressure/pressure_run.h"
#include "pressure/reclaim_cgroup.h"
#include "pressure/reclaim_event.h"
#include "symbols/stack_ends.h"
#include "symbols/stack_store.h"
#include "symbols/symbolize.h"
#include "symbols/unwind_tables.h"
#include "pressure/reclaim.skel.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

PRESSURE_SKELETON_WITH_EVENTS(reclaim);

struct drsnoop_ctx {
	struct cli cli;
	struct reclaim_bpf *skel;
	struct symbolizer *sym;
	struct unwind_tables *unwind; /* --stacks: CFI tables of the tasks' code */
	struct stack_ends ends;       /* how the user stacks printed ended */
	bool stacks, started;
	struct profile_files profiles; /* --pprof, --folded, --flamegraph (with --stacks) */
	struct stack_profile prof;     /* the episodes by stack, symbolized as they come */
	unsigned long episodes;
	unsigned long long total_ns, total_pages;
	pid_t last_captured;
};

struct stack {
	__u64 ips[VMSCAN_STACK_DEPTH];
	int n;
	uint32_t end; /* user stacks: why the walk ended (enum unwind_end) */
};

/* An episode with what its printer needs, read from the BPF side and the clock first. */
struct episode {
	const struct reclaim_event *e;
	char clock[32], gfp[256], cgroup[512];
	bool cgroup_known;
	struct stack user, kernel; /* --stacks */
};

static void read_stack(struct drsnoop_ctx *c, const struct reclaim_event *e, bool kernel,
		       struct stack *st)
{
	st->n = stack_store_read_end(bpf_map__fd(c->skel->maps.stacks),
				     kernel ? e->kernel_stack : e->user_stack, (uint64_t *)st->ips,
				     VMSCAN_STACK_DEPTH, &st->end);
	if (!kernel && e->user_stack >= 0)
		stack_ends_add(&c->ends, st->end);
}

static void gather(struct drsnoop_ctx *c, const struct reclaim_event *e, struct episode *ep)
{
	ep->e = e;
	gfp_format(e->gfp_flags, ep->gfp, sizeof(ep->gfp));
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	localtime_r(&tv.tv_sec, &tm);
	size_t k = strftime(ep->clock, sizeof(ep->clock), "%H:%M:%S", &tm);
	snprintf(ep->clock + k, sizeof(ep->clock) - k, ".%03ld", (long)tv.tv_usec / 1000);
	if (c->cli.json)
		ep->cgroup_known = reclaim_cgroup_path(bpf_map__fd(c->skel->maps.cgroups),
						       e->memcg_id, ep->cgroup, sizeof(ep->cgroup));
	if (c->stacks) {
		read_stack(c, e, false, &ep->user);
		read_stack(c, e, true, &ep->kernel);
	}
}

static void stack_text(struct drsnoop_ctx *c, const struct episode *ep, bool kernel)
{
	const struct stack *st = kernel ? &ep->kernel : &ep->user;
	printf("    %s stack:%s\n", kernel ? "kernel" : "user", st->n ? "" : " (not captured)");
	if (st->n)
		stack_print(c->sym, stdout, kernel ? 0 : (pid_t)ep->e->pid, kernel,
			    (const uint64_t *)st->ips, st->n, true, "      ");
	if (!kernel && ep->e->user_stack >= 0 && st->end && st->end != UWE_COMPLETE)
		printf("      [stack ends: %s]\n", unwind_end_name(st->end));
}

static struct json_object *stack_array(struct drsnoop_ctx *c, const struct episode *ep, bool kernel)
{
	const struct stack *st = kernel ? &ep->kernel : &ep->user;
	return st->n ? stack_json(c->sym, kernel ? 0 : (pid_t)ep->e->pid, kernel,
				  (const uint64_t *)st->ips, st->n, true) : NULL;
}

static void print_episode(struct drsnoop_ctx *c, const struct episode *ep)
{
	const struct reclaim_event *e = ep->e;
	const char *kind = e->kind == RECLAIM_MEMCG ? "memcg" : "direct";
	if (!c->cli.json) {
		printf("%-12s %-16s %7u %7u %-6s %9.3f %8llu %5d %s\n", ep->clock, e->comm, e->pid,
		       e->tid, kind, e->latency_ns / 1e6, (unsigned long long)e->nr_reclaimed,
		       e->order, ep->gfp);
		if (c->stacks) {
			stack_text(c, ep, false);
			stack_text(c, ep, true);
		}
		return;
	}
	struct json_object *o = json_record("drsnoop_episode");
	json_add_time_now(o, "time");
	json_add_str(o, "comm", e->comm);
	json_add_int(o, "pid", e->pid);
	json_add_int(o, "tid", e->tid);
	json_add_str(o, "kind", kind);
	json_add_double(o, "latency_ms", e->latency_ns / 1e6);
	json_add_u64(o, "pages_reclaimed", e->nr_reclaimed);
	json_add_int(o, "order", e->order);
	json_add_u64(o, "gfp_flags", e->gfp_flags);
	json_add_str(o, "gfp", ep->gfp);
	json_add_u64(o, "cgroup_id", e->memcg_id);
	json_add_str(o, "cgroup", ep->cgroup_known ? ep->cgroup : NULL);
	if (c->stacks) {
		json_object_object_add(o, "user_stack", stack_array(c, ep, false));
		json_add_str(o, "user_stack_end", unwind_end_key(ep->user.end));
		json_object_object_add(o, "kernel_stack", stack_array(c, ep, true));
	}
	json_emit(o, stdout);
}

static int on_event(void *vctx, void *data, size_t len)
{
	struct drsnoop_ctx *c = vctx;
	const struct reclaim_event *e = data;
	if (len < sizeof(*e))
		return 0;
	if (c->stacks && (pid_t)e->pid != c->last_captured) {
		/* the process still lives now: keep its mappings for its user stacks, and make
		 * its code unwindable for its next episodes */
		symbolizer_capture_pid(c->sym, e->pid);
		unwind_tables_add_pid(c->unwind, e->pid);
		c->last_captured = e->pid;
	}
	c->episodes++;
	c->total_ns += e->latency_ns;
	c->total_pages += e->nr_reclaimed;
	struct episode ep = { 0 };
	gather(c, e, &ep);
	print_episode(c, &ep);
	if (profile_files_wanted(&c->profiles)) {
		/* the kernel stack above the user one; symbolized now, while the task lives */
		int64_t v[3] = { 1, (int64_t)e->latency_ns, (int64_t)e->nr_reclaimed };
		if (!stack_profile_add_mixed(&c->prof, (pid_t)e->pid, (const uint64_t *)ep.kernel.ips,
					     ep.kernel.n, true, (const uint64_t *)ep.user.ips, ep.user.n,
					     true, v))
			stack_profile_set_comm(&c->prof, e->comm);
	}
	return 0;
}

static void on_child_stop(pid_t pid, void *vctx)
{
	struct drsnoop_ctx *c = vctx;
	if (c->stacks) {
		symbolizer_capture_pid(c->sym, pid);
		unwind_tables_add_pid(c->unwind, pid);
	}
}

static int loaded(void *vctx, struct bpf_object *obj)
{
	struct drsnoop_ctx *c = vctx;
	if (!c->stacks)
		return 0;
	if (!(c->unwind = unwind_tables_open(obj)))
		return bpf_fail("drsnoop", "mapping the unwind tables", errno);
	unwind_tables_add_targets(c->unwind, &c->cli);
	return 0;
}

static void on_tick(void *vctx)
{
	struct drsnoop_ctx *c = vctx;
	unwind_tables_poll(c->unwind);
}

static int setup(void *vctx)
{
	struct drsnoop_ctx *c = vctx;
	gfp_names_load_btf();
	if (c->stacks && !(c->sym = symbolizer_new()))
		return bpf_fail("drsnoop", "creating the symbolizer", ENOMEM);
	static const struct profile_value_type types[] = {
		{ "episodes", "count" }, { "reclaim_time", "nanoseconds" }, { "pages", "count" },
	};
	if (profile_files_wanted(&c->profiles) &&
	    (stack_profile_init(&c->prof, c->sym, types, 3, 1) || profile_files_open(&c->profiles, "drsnoop")))
		return EXIT_RUNTIME; /* before tracing: a bad path fails at once */
	return 0;
}

static void configure(void *vctx, void *skel)
{
	struct drsnoop_ctx *c = vctx;
	c->skel = skel;
	c->skel->rodata->memcg_unlimited_pages = memcg_unlimited_pages();
	c->skel->rodata->aggregate = false;
	c->skel->rodata->emit_episodes = true;
	c->skel->rodata->capture_stacks = c->stacks;
	if (!c->stacks)
		unwind_tables_unused(c->skel->obj);
	/* Only the episode probes: slab, kswapd, writeback and LRU counts are reclaim's. */
	bpf_program__set_autoload(c->skel->progs.on_slab_start, false);
	bpf_program__set_autoload(c->skel->progs.on_slab_end, false);
	bpf_program__set_autoload(c->skel->progs.on_wakeup_kswapd, false);
	bpf_program__set_autoload(c->skel->progs.on_write_folio, false);
	bpf_program__set_autoload(c->skel->progs.on_shrink_inactive, false);
}

static void header(void *vctx)
{
	struct drsnoop_ctx *c = vctx;
	c->started = true;
	if (!c->cli.json)
		printf("%-12s %-16s %7s %7s %-6s %9s %8s %5s %s\n", "TIME", "COMM", "PID", "TID",
		       "KIND", "LAT(ms)", "PAGES", "ORDER", "GFP");
}

static void totals_json(const void *vctx, struct json_object *o)
{
	const struct drsnoop_ctx *c = vctx;
	json_add_u64(o, "episodes", c->episodes);
	json_add_double(o, "latency_ms", c->total_ns / 1e6);
	json_add_u64(o, "pages_reclaimed", c->total_pages);
	if (c->stacks) {
		json_object_object_add(o, "stack_ends", stack_ends_json(&c->ends));
		json_object_object_add(o, "unwind_tables", unwind_tables_cost_json(c->unwind));
	}
}

static void totals_text(const void *vctx, char *buf, size_t n)
{
	const struct drsnoop_ctx *c = vctx;
	int k = snprintf(buf, n, "%lu reclaim episodes, %.3f ms, %llu pages reclaimed", c->episodes,
			 c->total_ns / 1e6, c->total_pages);
	if (c->stacks && k >= 0 && (size_t)k < n)
		snprintf(buf + k, n - (size_t)k, " (user stacks: %llu of %llu complete)",
			 (unsigned long long)c->ends.by_end[UWE_COMPLETE],
			 (unsigned long long)c->ends.stacks);
}

static int check(void *vctx, struct cli *cli)
{
	struct drsnoop_ctx *c = vctx;
	if (profile_files_wanted(&c->profiles) && !c->stacks)
		return cli_usage_error("drsnoop", "--pprof, --folded and --flamegraph need --stacks");
	return OPTS_GO_ON;
}

static void cleanup(void *vctx)
{
	struct drsnoop_ctx *c = vctx;
	if (profile_files_wanted(&c->profiles)) {
		/* a run that traced: its episodes so far, the reclaim time by stack by default */
		if (c->started)
			profile_files_write(&c->profiles, &c->prof, 1, "memmon drsnoop: direct reclaim time",
					    "drsnoop");
		profile_files_discard(&c->profiles);
		stack_profile_free(&c->prof);
	}
	symbolizer_free(c->sym);
	unwind_tables_close(c->unwind);
}

static const struct pressure_cmd drsnoop_cmd = {
	.name = "drsnoop",
	.about = "One line per reclaim episode a task runs itself: direct reclaim (the page allocator\n"
		 "found no free page) and memcg reclaim (a charge hit the memory cgroup's limit), with\n"
		 "latency, pages reclaimed, and the allocation order and GFP flags that caused it.",
	.skel = &reclaim_skel,
	.tracing = "direct reclaim episodes",
	.check = check,
	.setup = setup,
	.configure = configure,
	.loaded = loaded,
	.attach_what = "the vmscan tracepoints",
	.started = header,
	.cleanup = cleanup,
	.on_event = on_event,
	.on_child_stop = on_child_stop,
	.on_tick = on_tick,
	.totals_json = totals_json,
	.totals_text = totals_text,
};

int cmd_drsnoop(int argc, char **argv)
{
	struct drsnoop_ctx c = { 0 };
	struct opt opts[] = {
		OPT_FLAG(0, "stacks", &c.stacks, "print the user and kernel stack that allocated"),
		OPT_PROFILE_FILES(&c.profiles, "the episodes by stack (with --stacks: reclaim\n"
				  "time by default, episodes, pages)"),
		PRESSURE_EVENT_OPTIONS(&c.cli, "drsnoop", "", "episodes print as they end",
				       "{\"type\":\"drsnoop_episode\"} per episode (with\n"
				       "the task's memory cgroup path, \"user_stack\"/\"kernel_stack\"\n"
				       "frame arrays under --stacks)"),
		OPT_END(),
	};
	return pressure_main(&drsnoop_cmd, &c.cli, opts, &c, argc, argv);
}
