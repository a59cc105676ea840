/* memmon compact: compaction runs and stalls with their duration and result, page
 * migrations (succeeded, failed, reason) and kcompactd wakeups, per interval and process. */
#include "bpf_util.h"
#include "btf_enum.h"
#include "cli.h"
#include "compact_table.h"
#include "compaction.skel.h"
#include "json_out.h"
#include "loop.h"
#include "trace_target.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *CMD = "compact";

struct compact_ctx {
	struct compaction_bpf *skel;
	struct compact_table table;
	bool json;
	double last;
	unsigned long intervals; /* reports printed so far */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: memmon compact [options] [-- PROGRAM ARGS]\n\n"
		"Memory compaction and page migration from the compaction and migrate tracepoints,\n"
		"per process: compaction runs (one per zone compacted) with their total and longest\n"
		"duration and result (success, complete, skipped, deferred, ...); runs done by a\n"
		"user task are stalls (it waited), runs by kcompactd are background work. Migrations\n"
		"count migrate_pages calls with pages succeeded and failed by reason (compaction,\n"
		"numa_misplaced, syscall_or_cpuset, ...). kcompactd wakeups are counted by order.\n\n"
		"  -p, --pid PID       only work done by process PID (repeatable)\n"
		"      --comm NAME     only work done by tasks named NAME\n"
		"  -i, --interval S    print every S seconds (default 1)\n"
		"  -d, --duration S    stop after S seconds (default: until Ctrl-C)\n"
		"      --json          JSON Lines: {\"type\":\"compaction\"|\"migration\"|\"kcompactd_wake\"}\n"
		"                      per row and interval, the same types with \"_total\" at the end,\n"
		"                      {\"type\":\"summary\"}\n"
		"  -h, --help          this help\n"
		"  -- PROGRAM ARGS     run PROGRAM, trace only it and the processes it starts,\n"
		"                      stop when it exits\n");
}

static const char *type_name(__u32 type)
{
	return type == ROW_COMPACTION ? "compaction" : type == ROW_MIGRATION ? "migration" : "kcompactd_wake";
}

static void code_name(const struct compact_key *k, char *buf, size_t n)
{
	if (k->type == ROW_COMPACTION)
		btf_enum_name("compact_result", k->code, "COMPACT_", buf, n);
	else if (k->type == ROW_MIGRATION)
		btf_enum_name("migrate_reason", k->code, "MR_", buf, n);
	else
		snprintf(buf, n, "order-%d", k->code);
}

static void print_row(struct compact_ctx *c, const struct compact_row *r,
		      const struct compact_value *v, bool final, double secs)
{
	char code[64];
	code_name(&r->key, code, sizeof(code));
	const char *who = r->key.background ? "kthread" : "task";
	if (c->json) {
		char type[48];
		snprintf(type, sizeof(type), "%s%s", type_name(r->key.type), final ? "_total" : "");
		struct json_object *o = json_record(type);
		json_add_double(o, "seconds", secs);
		json_add_int(o, "pid", r->key.tgid);
		json_add_str(o, "comm", v->comm);
		json_add_bool(o, "kthread", r->key.background);
		json_add_u64(o, "count", v->count);
		if (r->key.type == ROW_COMPACTION) {
			json_add_str(o, "result", code);
			json_add_double(o, "total_ms", v->total_ns / 1e6);
			json_add_double(o, "max_ms", v->max_ns / 1e6);
		} else if (r->key.type == ROW_MIGRATION) {
			json_add_str(o, "reason", code);
			json_add_u64(o, "succeeded", v->succeeded);
			json_add_u64(o, "failed", v->failed);
			json_add_u64(o, "thp_succeeded", v->thp_succeeded);
			json_add_u64(o, "thp_failed", v->thp_failed);
		} else {
			json_add_int(o, "order", r->key.code);
		}
		json_emit(o, stdout);
		return;
	}
	printf("%-14s %-8u %-16s %-7s %-18s %8llu", type_name(r->key.type), r->key.tgid, v->comm,
	       who, code, (unsigned long long)v->count);
	if (r->key.type == ROW_COMPACTION)
		printf(" %10.2f %9.2f\n", v->total_ns / 1e6, v->max_ns / 1e6);
	else if (r->key.type == ROW_MIGRATION)
		printf(" %10s %9s %10llu %8llu\n", "", "", (unsigned long long)v->succeeded,
		       (unsigned long long)v->failed);
	else
		printf("\n");
}

static void report(struct compact_ctx *c, bool final, double secs)
{
	if (compact_table_read(&c->table, bpf_map__fd(c->skel->maps.counts)) < 0)
		fprintf(stderr, "memmon %s: reading the table: out of memory\n", CMD);
	compact_table_sort(&c->table);
	if (!c->json) {
		char title[64];
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		if (final)
			snprintf(title, sizeof(title), "Total over %.1f s:", secs);
		else
			strftime(title, sizeof(title), "%H:%M:%S", &tm);
		printf("%s\n%-14s %-8s %-16s %-7s %-18s %8s %10s %9s %10s %8s\n", title, "TYPE", "PID",
		       "COMM", "WHO", "RESULT/REASON", "COUNT", "TOTALms", "MAXms", "SUCCEEDED",
		       "FAILED");
	}
	for (size_t i = 0; i < c->table.n; i++) {
		const struct compact_row *r = &c->table.rows[i];
		const struct compact_value *v = final ? &r->total : &r->delta;
		if (v->count)
			print_row(c, r, v, final, secs);
	}
	if (!c->json) {
		printf("\n");
		fflush(stdout);
	}
}

static void on_interval(void *vctx)
{
	struct compact_ctx *c = vctx;
	double now = now_seconds();
	report(c, false, now - c->last);
	c->last = now;
	c->intervals++;
}

static int parse(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS, { 0 } };
	argc = cli_split_program(cli, argc, argv);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
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

int cmd_compact(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct compact_ctx ctx = { 0 };
	int rc = parse(&cli, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	ctx.json = cli.json;
	if ((rc = bpf_preflight(CMD)))
		return rc;
	struct trace_target tt;
	loop_install_signals();
	if ((rc = trace_target_prepare(&tt, &cli, CMD)))
		return rc;
	struct compaction_bpf *skel = compaction_bpf__open();
	if (!skel) {
		rc = bpf_fail(CMD, "opening the BPF object", errno);
		goto out;
	}
	ctx.skel = skel;
	skel->rodata->filter_pids = trace_target_filters_pids(&tt);
	skel->rodata->follow_children = trace_target_follows_children(&tt);
	skel->rodata->filter_comm = cli.comm != NULL;
	if (cli.comm)
		strncpy((char *)skel->rodata->target_comm, cli.comm, 15);
	int err = compaction_bpf__load(skel);
	if (err) {
		rc = bpf_fail(CMD, "loading the BPF object", err);
		goto out;
	}
	if ((err = trace_target_fill(&tt, bpf_map__fd(skel->maps.pid_filter)))) {
		rc = bpf_fail(CMD, "filling the pid filter", err);
		goto out;
	}
	if ((err = compaction_bpf__attach(skel))) {
		rc = bpf_fail(CMD, "attaching to the compaction and migrate tracepoints", err);
		goto out;
	}
	if ((rc = trace_target_release(&tt, CMD)))
		goto out;
	fprintf(stderr, "memmon compact: tracing compaction and migration; Ctrl-C to end\n");
	struct loop l = { .interval = cli.interval, .duration = cli.duration, .ctx = &ctx,
			  .on_interval = on_interval };
	double secs;
	enum loop_end end = trace_target_run_intervals(&tt, &l, &ctx.last, &ctx.intervals, &secs);
	report(&ctx, true, secs);
	struct trace_summary summary = {
		.cmd = CMD, .json = cli.json, .end = end, .secs = secs, .dropped_key = "not_counted",
		.dropped_what = "events not counted (table full)", .dropped = skel->bss->table_full,
		.children_not_followed = skel->bss->children_not_followed,
	};
	trace_summary_print(&summary);
	rc = end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
out:
	trace_target_abort(&tt);
	compact_table_free(&ctx.table);
	compaction_bpf__destroy(ctx.skel);
	btf_enum_cleanup();
	return rc;
}
