/* memmon reclaim: per interval, the time spent shrinking slab caches, in direct reclaim and
 * in memcg reclaim, kswapd wakeups, pages written, scanned and reclaimed (the columns of
 * the classic vmscan tool), for the system or split by cgroup or process. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/keyed_table.h"
#include "core/options.h"
#include "kernel/memcg_path.h"
#include "pressure/pressure_run.h"
#include "pressure/reclaim_cgroup.h"
#include "pressure/reclaim_table.h"
#include "symbols/unwind_tables.h"
#include "pressure/reclaim.skel.h"
#include <stdio.h>

PRESSURE_SKELETON(reclaim, stats_dropped);

/* The path of a cgroup row, read from the BPF side before printing. */
struct cgroup_path {
	__u64 id;
	char path[512];
};

struct reclaim_ctx {
	struct cli cli;
	struct reclaim_bpf *skel;
	int by;                   /* enum vmscan_by */
	struct keyed_table table; /* struct vmscan_row */
	struct keyed_table paths; /* struct cgroup_path, --by cgroup */
};

static const char *const by_names[] = { "system", "cgroup", "process" };
static const char *const record_types[] = { "reclaim_system", "reclaim_cgroup", "reclaim_process" };

static void row_label(const struct reclaim_ctx *c, const struct vmscan_row *r, char *buf, size_t n)
{
	if (c->by == VMSCAN_BY_PROCESS) {
		snprintf(buf, n, "%u", r->key.tgid);
	} else if (c->by == VMSCAN_BY_CGROUP) {
		const struct cgroup_path *p = ktable_find(&c->paths, &r->key.memcg_id);
		if (p)
			snprintf(buf, n, "%s", p->path);
		else
			snprintf(buf, n, "cgroup-id:%llu", (unsigned long long)r->key.memcg_id);
	} else {
		snprintf(buf, n, "system");
	}
}

static void print_json(const struct reclaim_ctx *c, const struct vmscan_row *r,
		       const struct vmscan_stats *s, bool final, double secs)
{
	char label[512];
	struct json_object *o = json_record(record_types[c->by]);
	json_add_bool(o, "final", final);
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

static void print_header(const struct reclaim_ctx *c, const char *title)
{
	printf("%s\n", title);
	if (c->by == VMSCAN_BY_PROCESS)
		printf("%-8s %-16s ", "PID", "COMM");
	else if (c->by == VMSCAN_BY_CGROUP)
		printf("%-32s ", "CGROUP");
	printf("%10s %12s %12s %8s %10s %10s %10s\n", "S-SLABms", "D-RECLAIMms", "M-RECLAIMms",
	       "KSWAPD", "WRITEPAGE", "SCANNED", "RECLAIMED");
}

static void print_text(const struct reclaim_ctx *c, const struct vmscan_row *r,
		       const struct vmscan_stats *s)
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

static void print_row(const struct reclaim_ctx *c, const struct vmscan_row *r,
		      const struct vmscan_stats *s, bool final, double secs)
{
	if (c->cli.json)
		print_json(c, r, s, final, secs);
	else
		print_text(c, r, s);
}

/* Prints the change since the last interval (or the totals at the end). */
static void print_report(const struct reclaim_ctx *c, bool final, double secs)
{
	if (!c->cli.json) {
		char title[96];
		pressure_report_title(final, secs, title, sizeof(title));
		print_header(c, title);
	}
	size_t shown = 0;
	for (size_t i = 0; i < ktable_count(&c->table); i++) {
		const struct vmscan_row *r = ktable_row(&c->table, i);
		const struct vmscan_stats *s = final ? &r->total : &r->delta;
		if (vmscan_stats_zero(s) && c->by != VMSCAN_BY_SYSTEM)
			continue;
		shown++;
		print_row(c, r, s, final, secs);
	}
	if (!shown && c->by == VMSCAN_BY_SYSTEM) {
		/* nothing happened: still a row of zeros, like vmstat */
		struct vmscan_row zero = { 0 };
		print_row(c, &zero, &zero.total, final, secs);
	}
	if (!c->cli.json)
		fflush(stdout);
}

/* Reads the paths of cgroups that appeared since the last report. */
static void read_new_paths(struct reclaim_ctx *c)
{
	int fd = bpf_map__fd(c->skel->maps.cgroups);
	for (size_t i = 0; i < ktable_count(&c->table); i++) {
		const struct vmscan_row *r = ktable_row(&c->table, i);
		char path[sizeof(((struct cgroup_path *)0)->path)];
		if (ktable_find(&c->paths, &r->key.memcg_id) ||
		    !reclaim_cgroup_path(fd, r->key.memcg_id, path, sizeof(path)))
			continue;
		struct cgroup_path *p = ktable_get(&c->paths, &r->key.memcg_id, NULL);
		if (p)
			snprintf(p->path, sizeof(p->path), "%s", path);
	}
}

static void report(void *vctx, bool final, double secs)
{
	struct reclaim_ctx *c = vctx;
	if (reclaim_table_read(&c->table, bpf_map__fd(c->skel->maps.stats)) < 0)
		fprintf(stderr, "memmon reclaim: reading statistics: out of memory\n");
	reclaim_table_sort(&c->table, !final);
	if (c->by == VMSCAN_BY_CGROUP)
		read_new_paths(c);
	print_report(c, final, secs);
}

static void configure(void *vctx, void *skel)
{
	struct reclaim_ctx *c = vctx;
	c->skel = skel;
	c->skel->rodata->memcg_unlimited_pages = memcg_unlimited_pages();
	c->skel->rodata->agg_by = c->by;
	c->skel->rodata->aggregate = true;
	c->skel->rodata->emit_episodes = false;
	bpf_map__set_max_entries(c->skel->maps.events, 4096); /* unused here */
	unwind_tables_unused(c->skel->obj);                     /* no user stacks either */
}

static const char *tracing_of(const void *vctx)
{
	static const char *const what[] = { "reclaim (by system)", "reclaim (by cgroup)",
					    "reclaim (by process)" };
	return what[((const struct reclaim_ctx *)vctx)->by];
}

static void cleanup(void *vctx)
{
	struct reclaim_ctx *c = vctx;
	ktable_free(&c->table);
	ktable_free(&c->paths);
}

static const struct pressure_cmd reclaim_cmd = {
	.name = "reclaim",
	.about = "Memory reclaim per interval from the vmscan tracepoints: milliseconds spent\n"
		 "shrinking slab caches (S-SLABms), in direct reclaim (D-RECLAIMms) and in memory\n"
		 "cgroup reclaim (M-RECLAIMms), kswapd wakeups, pages written by reclaim, and pages\n"
		 "scanned and reclaimed from the inactive LRU lists. Work is counted for the task that\n"
		 "does it (kswapd's own scanning counts for kswapd). A summary of the whole run ends it.",
	.skel = &reclaim_skel,
	.tracing_of = tracing_of,
	.configure = configure,
	.attach_what = "the vmscan tracepoints",
	.cleanup = cleanup,
	.report = report,
	.dropped_key = "rows_dropped",
	.dropped_what = "events not counted (statistics table full)",
};

int cmd_reclaim(int argc, char **argv)
{
	struct reclaim_ctx c = { .by = VMSCAN_BY_SYSTEM };
	reclaim_table_init(&c.table);
	KTABLE_INIT(&c.paths, struct cgroup_path, id);
	struct opt opts[] = {
		{ .kind = OPTK_CHOICE, .long_name = "by", .arg = "WHAT", .dest = &c.by,
		  .choices = "system|cgroup|process",
		  .hint = "(--by takes system, cgroup or process)",
		  .help = "system (default), cgroup (the task's memory cgroup) or process" },
		PRESSURE_INTERVAL_OPTIONS(&c.cli, "reclaim", "work done by ",
					  "{\"type\":\"reclaim_system\"|\"reclaim_cgroup\"|\n"
					  "\"reclaim_process\"} (by --by)"),
		OPT_END(),
	};
	return pressure_main(&reclaim_cmd, &c.cli, opts, &c, argc, argv);
}
