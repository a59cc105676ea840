/* memmon reclaim: per interval, the time spent shrinking slab caches, in direct reclaim and
 * in memcg reclaim, kswapd wakeups, pages written, scanned and reclaimed (the columns of
 * the classic vmscan tool), for the system or split by cgroup or process. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "kernel/memcg_path.h"
#include "pressure/reclaim_table.h"
#include "pressure/reclaim.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *CMD = "reclaim";

enum { OPT_BY = OPT_COMMON_LAST };

struct reclaim_ctx {
	struct reclaim_bpf *skel;
	struct keyed_table table; /* struct vmscan_row */
	enum vmscan_by by;
	bool json;
	double last;
	unsigned long intervals; /* reports printed so far */
};

static const char *const by_names[] = { "system", "cgroup", "process" };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: memmon reclaim [options] [-- PROGRAM ARGS]\n\n"
		"Memory reclaim per interval from the vmscan tracepoints: milliseconds spent\n"
		"shrinking slab caches (S-SLABms), in direct reclaim (D-RECLAIMms) and in memory\n"
		"cgroup reclaim (M-RECLAIMms), kswapd wakeups, pages written by reclaim, and pages\n"
		"scanned and reclaimed from the inactive LRU lists. Work is counted for the task that\n"
		"does it (kswapd's own scanning counts for kswapd). A summary of the whole run ends it.\n\n"
		"      --by WHAT       system (default), cgroup (the task's memory cgroup) or process\n"
		"  -p, --pid PID       only work done by process PID (repeatable)\n"
		"      --comm NAME     only work done by tasks named NAME\n"
		"  -i, --interval S    print every S seconds (default 1)\n"
		"  -d, --duration S    stop after S seconds (default: until Ctrl-C)\n"
		"      --json          JSON Lines: {\"type\":\"reclaim\"} per row and interval,\n"
		"                      {\"type\":\"reclaim_total\"} per row at the end, {\"type\":\"summary\"}\n"
		"  -h, --help          this help\n"
		"  -- PROGRAM ARGS     run PROGRAM, trace only it and the processes it starts,\n"
		"                      stop when it exits\n");
}

static void row_label(struct reclaim_ctx *c, const struct vmscan_row *r, char *buf, size_t n)
{
	if (c->by == VMSCAN_BY_PROCESS) {
		snprintf(buf, n, "%u", r->key.tgid);
	} else if (c->by == VMSCAN_BY_CGROUP) {
		struct memcg_info m;
		__u64 id = r->key.memcg_id;
		if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.cgroups), &id, &m) == 0)
			memcg_path_format(&m, buf, n);
		else
			snprintf(buf, n, "cgroup-id:%llu", (unsigned long long)id);
	} else {
		snprintf(buf, n, "system");
	}
}

static void emit_json(struct reclaim_ctx *c, const char *type, const struct vmscan_row *r,
		      const struct vmscan_stats *s, double secs)
{
	char label[512];
	struct json_object *o = json_record(type);
	json_add_str(o, "by", by_names[c->by]);
	row_label(c, r, label, sizeof(label));
	if (c->by == VMSCAN_BY_PROCESS) {
		json_add_int(o, "pid", r->key.tgid);
		json_add_str(o, "comm", s->comm);
	} else if (c->by == VMSCAN_BY_CGROUP) {
		json_add_str(o, "cgroup", label);
		json_add_u64(o, "cgroup_id", r->key.memcg_id);
	}
	json_add_double(o, "seconds", secs);
	json_add_double(o, "slab_ms", s->slab_ns / 1e6);
	json_add_double(o, "direct_reclaim_ms", s->direct_ns / 1e6);
	json_add_double(o, "memcg_reclaim_ms", s->memcg_ns / 1e6);
	json_add_u64(o, "slab_shrinks", s->slab_count);
	json_add_u64(o, "direct_reclaims", s->direct_count);
	json_add_u64(o, "memcg_reclaims", s->memcg_count);
	json_add_u64(o, "kswapd_wakeups", s->kswapd_wakeups);
	json_add_u64(o, "pages_written", s->pages_written);
	json_add_u64(o, "pages_scanned", s->pages_scanned);
	json_add_u64(o, "pages_reclaimed", s->pages_reclaimed);
	json_emit(o, stdout);
}

static void print_header(struct reclaim_ctx *c, const char *title)
{
	printf("%s\n", title);
	if (c->by == VMSCAN_BY_PROCESS)
		printf("%-8s %-16s ", "PID", "COMM");
	else if (c->by == VMSCAN_BY_CGROUP)
		printf("%-32s ", "CGROUP");
	printf("%10s %12s %12s %8s %10s %10s %10s\n", "S-SLABms", "D-RECLAIMms", "M-RECLAIMms",
	       "KSWAPD", "WRITEPAGE", "SCANNED", "RECLAIMED");
}

static void print_row(struct reclaim_ctx *c, const struct vmscan_row *r, const struct vmscan_stats *s)
{
	char label[512];
	row_label(c, r, label, sizeof(label));
	if (c->by == VMSCAN_BY_PROCESS)
		printf("%-8s %-16s ", label, s->comm);
	else if (c->by == VMSCAN_BY_CGROUP)
		printf("%-32s ", label);
	printf("%10.2f %12.2f %12.2f %8llu %10llu %10llu %10llu\n", s->slab_ns / 1e6,
	       s->direct_ns / 1e6, s->memcg_ns / 1e6, (unsigned long long)s->kswapd_wakeups,
	       (unsigned long long)s->pages_written, (unsigned long long)s->pages_scanned,
	       (unsigned long long)s->pages_reclaimed);
}

/* Prints the change since the last interval (or the totals at the end). */
static void report(struct reclaim_ctx *c, bool final, double secs)
{
	if (reclaim_table_read(&c->table, bpf_map__fd(c->skel->maps.stats)) < 0)
		fprintf(stderr, "memmon %s: reading statistics: out of memory\n", CMD);
	reclaim_table_sort(&c->table, !final);
	char title[96];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	if (final)
		snprintf(title, sizeof(title), "Total over %.1f s:", secs);
	else
		strftime(title, sizeof(title), "%H:%M:%S", &tm);
	if (!c->json)
		print_header(c, title);
	size_t shown = 0;
	for (size_t i = 0; i < ktable_count(&c->table); i++) {
		const struct vmscan_row *r = ktable_row(&c->table, i);
		const struct vmscan_stats *s = final ? &r->total : &r->delta;
		if (vmscan_stats_zero(s) && c->by != VMSCAN_BY_SYSTEM)
			continue;
		shown++;
		if (c->json)
			emit_json(c, final ? "reclaim_total" : "reclaim", r, s, secs);
		else
			print_row(c, r, s);
	}
	if (!shown && c->by == VMSCAN_BY_SYSTEM) {
		/* nothing happened: still a row of zeros, like vmstat */
		struct vmscan_row zero = { 0 };
		if (c->json)
			emit_json(c, final ? "reclaim_total" : "reclaim", &zero, &zero.total, secs);
		else
			print_row(c, &zero, &zero.total);
	}
	if (!c->json)
		fflush(stdout);
}

static void on_interval(void *vctx)
{
	struct reclaim_ctx *c = vctx;
	double now = now_seconds();
	report(c, false, now - c->last);
	c->last = now;
	c->intervals++;
}

static int parse(struct cli *cli, enum vmscan_by *by, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
					      { "by", required_argument, NULL, OPT_BY }, { 0 } };
	argc = cli_split_program(cli, argc, argv);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == OPT_BY) {
			int i;
			for (i = 0; i < 3 && strcmp(optarg, by_names[i]); i++)
				;
			if (i == 3)
				return cli_usage_error(CMD, "--by takes system, cgroup or process, not '%s'", optarg);
			*by = i;
			continue;
		}
		int r = cli_common_option(cli, CMD, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r == 0)
			return cli_bad_option(CMD);
	}
	if (optind < argc)
		return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (cli->interval == 0)
		cli->interval = 1;
	return 0;
}

int cmd_reclaim(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct reclaim_ctx ctx = { .by = VMSCAN_BY_SYSTEM };
	reclaim_table_init(&ctx.table);
	int rc = parse(&cli, &ctx.by, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	ctx.json = cli.json;
	if ((rc = bpf_preflight(CMD)))
		return rc;
	struct trace_target tt;
	loop_install_signals();
	if ((rc = trace_target_prepare(&tt, &cli, CMD)))
		return rc;
	struct reclaim_bpf *skel = reclaim_bpf__open();
	if (!skel) {
		rc = bpf_fail(CMD, "opening the BPF object", errno);
		goto out;
	}
	ctx.skel = skel;
	trace_target_configure(&tt, &skel->rodata->task_filter);
	skel->rodata->memcg_unlimited_pages = memcg_unlimited_pages();
	skel->rodata->agg_by = ctx.by;
	skel->rodata->aggregate = true;
	skel->rodata->emit_episodes = false;
	bpf_map__set_max_entries(skel->maps.events, 4096); /* unused here */
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
	if ((rc = trace_target_release(&tt, CMD)))
		goto out;
	fprintf(stderr, "memmon reclaim: tracing reclaim (by %s); Ctrl-C to end\n", by_names[ctx.by]);
	struct loop l = { .interval = cli.interval, .duration = cli.duration, .ctx = &ctx,
			  .on_interval = on_interval };
	double secs;
	enum loop_end end = trace_target_run_intervals(&tt, &l, &ctx.last, &ctx.intervals, &secs);
	report(&ctx, true, secs);
	struct trace_summary summary = {
		.cmd = CMD, .json = cli.json, .end = end, .secs = secs, .dropped_key = "rows_dropped",
		.dropped_what = "events not counted (statistics table full)", .dropped = skel->bss->stats_dropped,
		.children_not_followed = skel->bss->children_not_followed,
	};
	trace_summary_print(&summary);
	rc = end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
out:
	trace_target_abort(&tt);
	ktable_free(&ctx.table);
	reclaim_bpf__destroy(skel);
	return rc;
}
