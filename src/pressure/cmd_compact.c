/* memmon compact: compaction runs and stalls with their duration and result, page
 * migrations (succeeded, failed, reason) and kcompactd wakeups, per interval and process. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/keyed_table.h"
#include "core/options.h"
#include "kernel/btf_enum.h"
#include "pressure/compact_table.h"
#include "pressure/pressure_run.h"
#include "pressure/compact.skel.h"
#include <stdio.h>

PRESSURE_SKELETON(compact, table_full);

struct compact_ctx {
	struct cli cli;
	struct compact_bpf *skel;
	struct keyed_table table; /* struct compact_row */
};

/* The text view's TYPE column, and the JSON type. */
static const char *type_name(__u32 type)
{
	return type == ROW_COMPACTION ? "compaction" : type == ROW_MIGRATION ? "migration" : "kcompactd_wake";
}

static const char *record_type(__u32 type)
{
	return type == ROW_COMPACTION ? "compact_run" : type == ROW_MIGRATION ? "compact_migration" :
	       "compact_kcompactd_wake";
}

/* Names each new row's result or reason (from the kernel's BTF) before printing. */
static void name_rows(struct keyed_table *t)
{
	for (size_t i = 0; i < ktable_count(t); i++) {
		struct compact_row *r = ktable_row(t, i);
		if (r->name[0])
			continue;
		if (r->key.type == ROW_COMPACTION)
			btf_enum_name("compact_result", r->key.code, "COMPACT_", r->name, sizeof(r->name));
		else if (r->key.type == ROW_MIGRATION)
			btf_enum_name("migrate_reason", r->key.code, "MR_", r->name, sizeof(r->name));
		else
			snprintf(r->name, sizeof(r->name), "order-%d", r->key.code);
	}
}

static void print_json(const struct compact_row *r, const struct compact_value *v, bool final,
		       double secs)
{
	struct json_object *o = json_record(record_type(r->key.type));
	json_add_bool(o, "final", final);
	json_add_double(o, "seconds", secs);
	json_add_int(o, "pid", r->key.tgid);
	json_add_str(o, "comm", v->comm);
	json_add_bool(o, "kthread", r->key.background);
	json_add_u64(o, "count", v->count);
	if (r->key.type == ROW_COMPACTION) {
		json_add_str(o, "result", r->name);
		json_add_double(o, "total_ms", v->total_ns / 1e6);
		json_add_double(o, "max_ms", v->max_ns / 1e6);
	} else if (r->key.type == ROW_MIGRATION) {
		json_add_str(o, "reason", r->name);
		json_add_u64(o, "succeeded", v->succeeded);
		json_add_u64(o, "failed", v->failed);
		json_add_u64(o, "thp_succeeded", v->thp_succeeded);
		json_add_u64(o, "thp_failed", v->thp_failed);
	} else {
		json_add_int(o, "order", r->key.code);
	}
	json_emit(o, stdout);
}

static void print_text(const struct compact_row *r, const struct compact_value *v)
{
	printf("%-14s %-8u %-16s %-7s %-18s %8llu", type_name(r->key.type), r->key.tgid, v->comm,
	       r->key.background ? "kthread" : "task", r->name, (unsigned long long)v->count);
	if (r->key.type == ROW_COMPACTION)
		printf(" %10.2f %9.2f\n", v->total_ns / 1e6, v->max_ns / 1e6);
	else if (r->key.type == ROW_MIGRATION)
		printf(" %10s %9s %10llu %8llu\n", "", "", (unsigned long long)v->succeeded,
		       (unsigned long long)v->failed);
	else
		printf("\n");
}

/* Prints the rows that changed in the interval (or every row's total at the end). */
static void print_report(const struct keyed_table *t, bool json, bool final, double secs)
{
	if (!json) {
		char title[64];
		pressure_report_title(final, secs, title, sizeof(title));
		printf("%s\n%-14s %-8s %-16s %-7s %-18s %8s %10s %9s %10s %8s\n", title, "TYPE", "PID",
		       "COMM", "WHO", "RESULT/REASON", "COUNT", "TOTALms", "MAXms", "SUCCEEDED",
		       "FAILED");
	}
	for (size_t i = 0; i < ktable_count(t); i++) {
		const struct compact_row *r = ktable_row(t, i);
		const struct compact_value *v = final ? &r->total : &r->delta;
		if (!v->count)
			continue;
		if (json)
			print_json(r, v, final, secs);
		else
			print_text(r, v);
	}
	if (!json) {
		printf("\n");
		fflush(stdout);
	}
}

static void report(void *vctx, bool final, double secs)
{
	struct compact_ctx *c = vctx;
	if (compact_table_read(&c->table, bpf_map__fd(c->skel->maps.counts)) < 0)
		fprintf(stderr, "memmon compact: reading the table: out of memory\n");
	compact_table_sort(&c->table);
	name_rows(&c->table);
	print_report(&c->table, c->cli.json, final, secs);
}

static void configure(void *vctx, void *skel)
{
	struct compact_ctx *c = vctx;
	c->skel = skel;
}

static void cleanup(void *vctx)
{
	struct compact_ctx *c = vctx;
	ktable_free(&c->table);
	btf_enum_cleanup();
}

static const struct pressure_cmd compact_cmd = {
	.name = "compact",
	.about = "Memory compaction and page migration from the compaction and migrate tracepoints,\n"
		 "per process: compaction runs (one per zone compacted) with their total and longest\n"
		 "duration and result (success, complete, skipped, deferred, ...); runs done by a\n"
		 "user task are stalls (it waited), runs by kcompactd are background work. Migrations\n"
		 "count migrate_pages calls with pages succeeded and failed by reason (compaction,\n"
		 "numa_misplaced, syscall_or_cpuset, ...). kcompactd wakeups are counted by order.",
	.skel = &compact_skel,
	.tracing = "compaction and migration",
	.configure = configure,
	.attach_what = "the compaction and migrate tracepoints",
	.cleanup = cleanup,
	.report = report,
	.dropped_key = "not_counted",
	.dropped_what = "events not counted (table full)",
};

int cmd_compact(int argc, char **argv)
{
	struct compact_ctx c = { 0 };
	compact_table_init(&c.table);
	struct opt opts[] = {
		PRESSURE_INTERVAL_OPTIONS(&c.cli, "compact", "work done by ",
					  "{\"type\":\"compact_run\"|\"compact_migration\"|\n"
					  "\"compact_kcompactd_wake\"}"),
		OPT_END(),
	};
	return pressure_main(&compact_cmd, &c.cli, opts, &c, argc, argv);
}
