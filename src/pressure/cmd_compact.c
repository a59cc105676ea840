/* memmon compact: compaction runs and stalls with their duration and result, page
 * migrations (succeeded, failed, reason) and kcompactd wakeups, per interval and process. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "core/options.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "kernel/btf_enum.h"
#include "pressure/compact_table.h"
#include "pressure/compact.skel.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *CMD = "compact";

struct compact_ctx {
	struct compact_bpf *skel;
	struct keyed_table table; /* struct compact_row */
	bool json;
	double last;
	unsigned long intervals; /* reports printed so far */
};

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
	for (size_t i = 0; i < ktable_count(&c->table); i++) {
		const struct compact_row *r = ktable_row(&c->table, i);
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

/* OPTS_GO_ON, or the exit code. */
static int parse(struct cli *cli, int argc, char **argv)
{
	struct opt opts[] = {
		OPT_PIDS(cli, "only work done by process PID (repeatable)"),
		OPT_COMM(cli, "only work done by tasks named NAME"),
		OPT_INTERVAL(cli, "print every S seconds (default 1)"),
		OPT_DURATION(cli, "stop after S seconds (default: until Ctrl-C)"),
		OPT_JSON(cli, "JSON Lines: {\"type\":\"compaction\"|\"migration\"|\"kcompactd_wake\"}\n"
			      "per row and interval, the same types with \"_total\" at the end,\n"
			      "{\"type\":\"summary\"}"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon compact [options] [-- PROGRAM ARGS]",
		.about = "Memory compaction and page migration from the compaction and migrate tracepoints,\n"
			 "per process: compaction runs (one per zone compacted) with their total and longest\n"
			 "duration and result (success, complete, skipped, deferred, ...); runs done by a\n"
			 "user task are stalls (it waited), runs by kcompactd are background work. Migrations\n"
			 "count migrate_pages calls with pages succeeded and failed by reason (compaction,\n"
			 "numa_misplaced, syscall_or_cpuset, ...). kcompactd wakeups are counted by order.",
		.opts = opts,
		.cli = cli,
		.program = true,
		.program_help = "run PROGRAM, trace only it and the processes it starts,\n"
				"stop when it exits",
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	if (cli->interval == 0)
		cli->interval = 1;
	return OPTS_GO_ON;
}

int cmd_compact(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct compact_ctx ctx = { 0 };
	compact_table_init(&ctx.table);
	int rc = parse(&cli, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	ctx.json = cli.json;
	if ((rc = bpf_preflight(CMD)))
		return rc;
	struct trace_target tt;
	loop_install_signals();
	if ((rc = trace_target_prepare(&tt, &cli, CMD)))
		return rc;
	struct compact_bpf *skel = compact_bpf__open();
	if (!skel) {
		rc = bpf_fail(CMD, "opening the BPF object", errno);
		goto out;
	}
	ctx.skel = skel;
	trace_target_configure(&tt, &skel->rodata->task_filter);
	int err = compact_bpf__load(skel);
	if (err) {
		rc = bpf_fail(CMD, "loading the BPF object", err);
		goto out;
	}
	if ((err = trace_target_fill(&tt, bpf_map__fd(skel->maps.pid_filter)))) {
		rc = bpf_fail(CMD, "filling the pid filter", err);
		goto out;
	}
	if ((err = compact_bpf__attach(skel))) {
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
	ktable_free(&ctx.table);
	compact_bpf__destroy(ctx.skel);
	btf_enum_cleanup();
	return rc;
}
