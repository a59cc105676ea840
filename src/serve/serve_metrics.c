/* One scrape, from the shared /proc readers and the snapshot family's collector (the same
 * rows `memmon ps` prints, so the numbers agree with it): one smaps_rollup read per
 * process, then /proc/PID/stat for the top processes' faults. */
#include "serve/serve_metrics.h"
#include "core/cli.h"
#include "core/keyed_table.h"
#include "core/loop.h"
#include "proc/proc_file.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_pid_stat.h"
#include "proc/proc_psi.h"
#include "proc/proc_vmstat.h"
#include "serve/prom_text.h"
#include "snapshot/mem_rows.h"
#include "snapshot/ps_collect.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define KB 1024ULL

enum mem_type { MT_USS, MT_PSS, MT_RSS, MT_SWAP, MT_VSS, MT_COUNT };
static const char *const MEM_TYPE_NAMES[MT_COUNT] = { "uss", "pss", "rss", "swap", "vss" };

static uint64_t mem_kb(const struct mem_counts *c, enum mem_type t)
{
	switch (t) {
	case MT_USS: return mem_uss(c);
	case MT_PSS: return c->pss;
	case MT_RSS: return c->rss;
	case MT_SWAP: return c->swap;
	default: return c->size;
	}
}

/* The processes of one scrape, largest PSS first. */
struct scrape {
	struct keyed_table rows;
	struct ps_skipped skipped;
	size_t top;              /* rows with series of their own */
	struct mem_counts rest;  /* the sum of the others */
};

static int collect(struct scrape *s, int top)
{
	static struct cli all; /* no -p, no --comm: every process */
	struct ps_select sel = { .cli = &all, .mode = PS_BY_PROCESS, .src = MEM_SRC_ROLLUP };
	memset(&s->skipped, 0, sizeof(s->skipped));
	memset(&s->rest, 0, sizeof(s->rest));
	mem_rows_init(&s->rows);
	if (ps_collect(&sel, &s->rows, &s->skipped))
		return -1;
	mem_rows_sort(&s->rows, PS_BY_PROCESS, COL_PSS, false);
	size_t n = ktable_count(&s->rows);
	s->top = n < (size_t)top ? n : (size_t)top;
	for (size_t i = s->top; i < n; i++)
		mem_counts_add(&s->rest, &mem_row_at(&s->rows, i)->c);
	return 0;
}

static void process_memory(FILE *f, const struct scrape *s)
{
	const char *name = "memmon_process_memory_bytes";
	prom_family(f, name, "gauge",
		    "Memory of a process from /proc/PID/smaps_rollup, by type: uss (private pages), "
		    "pss (resident pages divided by their sharers), rss, swap, vss (mapped size). "
		    "The top processes by PSS have series of their own; pid=\"rest\" sums the others.");
	for (size_t i = 0; i <= s->top; i++) {
		const struct mem_row *r = i < s->top ? mem_row_at(&s->rows, i) : NULL;
		char pid[16];
		snprintf(pid, sizeof(pid), "%d", r ? r->pid : 0);
		for (int t = 0; t < MT_COUNT; t++) {
			struct prom_label l[] = { { "pid", r ? pid : SERVE_REST },
						  { "comm", r ? r->comm : SERVE_REST },
						  { "type", MEM_TYPE_NAMES[t] } };
			prom_u64(f, name, l, 3, mem_kb(r ? &r->c : &s->rest, t) * KB);
		}
	}
	size_t n = ktable_count(&s->rows);
	prom_family(f, "memmon_processes", "gauge",
		    "Processes whose memory was read in this scrape (kernel threads own none).");
	prom_u64(f, "memmon_processes", NULL, 0, n);
	prom_family(f, "memmon_process_rest_processes", "gauge",
		    "Processes summed in the rest bucket (pid=\"rest\").");
	prom_u64(f, "memmon_process_rest_processes", NULL, 0, n - s->top);
	prom_family(f, "memmon_processes_skipped", "gauge",
		    "Processes left out of this scrape, by why: exited while read, unreadable, "
		    "malformed, other.");
	const struct { const char *why; unsigned n; } skip[] = {
		{ "vanished", s->skipped.vanished }, { "unreadable", s->skipped.unreadable },
		{ "malformed", s->skipped.malformed }, { "other", s->skipped.other },
	};
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		prom_u64(f, "memmon_processes_skipped", &(struct prom_label){ "reason", skip[i].why },
			 1, skip[i].n);
}

/* Fault counters of the top processes only: a sum over the changing set of the others
 * would go down when one leaves, which a counter must not (the system's total is
 * memmon_vmstat_pgfault). */
static void process_faults(FILE *f, const struct scrape *s)
{
	const char *name = "memmon_process_page_faults_total";
	prom_family(f, name, "counter",
		    "Page faults of a top process since it started (/proc/PID/stat minflt, majflt), "
		    "by type minor or major; rate() gives faults per second.");
	struct text_buf buf = { 0 };
	for (size_t i = 0; i < s->top; i++) {
		const struct mem_row *r = mem_row_at(&s->rows, i);
		struct pid_stat st;
		if (pid_stat_read(r->pid, &buf, &st))
			continue; /* exited since its memory was read */
		char pid[16];
		snprintf(pid, sizeof(pid), "%d", r->pid);
		struct prom_label l[] = { { "pid", pid }, { "comm", r->comm }, { "type", "minor" } };
		prom_u64(f, name, l, 3, st.minflt);
		l[2].value = "major";
		prom_u64(f, name, l, 3, st.majflt);
	}
	text_buf_free(&buf);
}

static void system_memory(FILE *f)
{
	struct meminfo mi;
	if (meminfo_read(&mi))
		return;
	static const struct {
		const char *key;
		size_t off;
		bool pages; /* a count, not kB (HugePages_*) */
	} keys[] = {
#define M(k, fld) { k, offsetof(struct meminfo, fld), false }
		M("MemTotal", mem_total), M("MemFree", mem_free), M("MemAvailable", mem_available),
		M("Buffers", buffers), M("Cached", cached), M("SwapCached", swap_cached),
		M("Active", active), M("Inactive", inactive), M("Dirty", dirty),
		M("Writeback", writeback), M("AnonPages", anon_pages), M("Mapped", mapped),
		M("Shmem", shmem), M("Slab", slab), M("SReclaimable", sreclaimable),
		M("SUnreclaim", sunreclaim), M("KernelStack", kernel_stack),
		M("PageTables", page_tables), M("SwapTotal", swap_total), M("SwapFree", swap_free),
		M("Committed_AS", committed_as), M("CommitLimit", commit_limit),
		{ "HugePages_Total", offsetof(struct meminfo, hugepages_total), true },
		{ "HugePages_Free", offsetof(struct meminfo, hugepages_free), true },
		M("Hugepagesize", hugepagesize),
#undef M
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char name[64], help[128];
		snprintf(name, sizeof(name), "memmon_memory_%s%s", keys[i].key,
			 keys[i].pages ? "" : "_bytes");
		snprintf(help, sizeof(help), "/proc/meminfo %s%s (node_exporter: node_memory_%s%s).",
			 keys[i].key, keys[i].pages ? "" : " in bytes", keys[i].key,
			 keys[i].pages ? "" : "_bytes");
		uint64_t v = *(const uint64_t *)((const char *)&mi + keys[i].off);
		prom_family(f, name, "gauge", help);
		prom_u64(f, name, NULL, 0, keys[i].pages ? v : v * KB);
	}
}

/* Untyped, as node_exporter exposes them, under the same names. */
static void system_vmstat(FILE *f, struct vmstat *vs)
{
	static const struct {
		const char *key;
		size_t off;
		const char *node; /* node_exporter's name, or NULL */
	} keys[] = {
#define V(k) { #k, offsetof(struct vmstat, k), "node_vmstat_" #k }
		V(pgfault), V(pgmajfault), V(pswpin), V(pswpout), V(pgpgin), V(pgpgout),
		V(pgscan_kswapd), V(pgscan_direct), V(pgsteal_kswapd), V(pgsteal_direct),
		{ "allocstall", offsetof(struct vmstat, allocstall), NULL },
		V(compact_stall), V(compact_fail), V(compact_success), V(oom_kill),
#undef V
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char name[64], help[160];
		snprintf(name, sizeof(name), "memmon_vmstat_%s", keys[i].key);
		if (keys[i].node)
			snprintf(help, sizeof(help), "/proc/vmstat %s (node_exporter: %s).", keys[i].key,
				 keys[i].node);
		else
			snprintf(help, sizeof(help),
				 "/proc/vmstat allocstall_* summed over zones: direct reclaim entries.");
		prom_family(f, name, "untyped", help);
		prom_u64(f, name, NULL, 0, *(const uint64_t *)((const char *)vs + keys[i].off));
	}
}

static void pressure(FILE *f)
{
	static const char *const res[] = { "memory", "io", "cpu" };
	for (size_t i = 0; i < 3; i++) {
		struct psi p;
		if (psi_read(res[i], &p))
			continue; /* no CONFIG_PSI, or psi=0 */
		const struct { const struct psi_line *l; const char *what, *who; } lines[] = {
			{ &p.some, "waiting", "at least one task" },
			{ &p.full, "stalled", "every non-idle task" },
		};
		for (size_t j = 0; j < 2; j++) {
			if (!lines[j].l->present)
				continue;
			char name[64], help[192];
			snprintf(name, sizeof(name), "memmon_pressure_%s_%s_seconds_total", res[i],
				 lines[j].what);
			snprintf(help, sizeof(help),
				 "Time %s waited for %s (/proc/pressure/%s %s total; node_exporter: "
				 "node_pressure_%s_%s_seconds_total).", lines[j].who, res[i], res[i],
				 j ? "full" : "some", res[i], lines[j].what);
			prom_family(f, name, "counter", help);
			prom_double(f, name, NULL, 0, lines[j].l->total_us / 1e6);
		}
	}
}

static void oom_kills(FILE *f, struct serve_probes *p, const struct vmstat *vs, bool vs_ok)
{
	const char *name = "memmon_oom_kills_total";
	bool traced = serve_probes_oom_up(p);
	prom_family(f, name, "counter",
		    traced ? "OOM kills since the server started (oom:mark_victim), by the victim's "
			     "comm and memory cgroup; at most 64 label sets, later ones in "
			     "comm=\"other\"." :
			     "OOM kills since boot (/proc/vmstat oom_kill); no victim labels without "
			     "BPF.");
	if (!traced) {
		if (vs_ok)
			prom_u64(f, name, NULL, 0, vs->oom_kill);
		return;
	}
	struct serve_oom_series s[SERVE_OOM_SERIES + 1];
	int n = serve_probes_oom_series(p, s, SERVE_OOM_SERIES + 1);
	for (int i = 0; i < n; i++) {
		struct prom_label l[] = { { "comm", s[i].comm }, { "memcg", s[i].memcg } };
		prom_u64(f, name, l, 2, s[i].kills);
	}
}

static void reclaim(FILE *f, const struct serve_probes *p)
{
	struct serve_reclaim r;
	if (serve_probes_reclaim(p, &r))
		return;
	struct prom_label direct = { "kind", "direct" }, memcg = { "kind", "memcg" };
	const char *t = "memmon_reclaim_stall_seconds_total";
	prom_family(f, t, "counter",
		    "Time tasks spent reclaiming memory for their own allocations since the server "
		    "started (vmscan tracepoints): kind direct (the system was short) or memcg (the "
		    "task's memory cgroup was at its limit).");
	prom_double(f, t, &direct, 1, r.direct_ns / 1e9);
	prom_double(f, t, &memcg, 1, r.memcg_ns / 1e9);
	const char *c = "memmon_reclaim_stalls_total";
	prom_family(f, c, "counter", "Reclaim episodes counted in memmon_reclaim_stall_seconds_total.");
	prom_u64(f, c, &direct, 1, r.direct_count);
	prom_u64(f, c, &memcg, 1, r.memcg_count);
}

static void server(FILE *f, struct serve_probes *p, double secs)
{
	const char *up = "memmon_serve_tracer_up";
	prom_family(f, up, "gauge", "1 if the BPF tracer runs (oom: kills with victim labels; "
				    "reclaim: stall time), 0 if this machine does not allow it.");
	prom_u64(f, up, &(struct prom_label){ "tracer", "oom" }, 1, serve_probes_oom_up(p));
	prom_u64(f, up, &(struct prom_label){ "tracer", "reclaim" }, 1, serve_probes_reclaim_up(p));
	struct event_reader *er = serve_probes_events(p);
	if (er) {
		const char *lost = "memmon_serve_lost_events_total";
		prom_family(f, lost, "counter", "OOM events the ring buffer had no room for.");
		prom_u64(f, lost, NULL, 0, events_lost(er));
	}
	const char *d = "memmon_scrape_duration_seconds";
	prom_family(f, d, "gauge", "Time this scrape took to read /proc and the tracers.");
	prom_double(f, d, NULL, 0, secs);
}

int serve_metrics_write(const struct serve_metrics *m, FILE *f)
{
	double start = now_seconds();
	struct scrape s;
	int rc = collect(&s, m->top);
	if (!rc) {
		process_memory(f, &s);
		process_faults(f, &s);
	}
	ktable_free(&s.rows);
	if (rc)
		return rc;
	struct vmstat vs;
	bool vs_ok = vmstat_read(&vs) == 0;
	if (vs_ok)
		system_vmstat(f, &vs);
	system_memory(f);
	pressure(f);
	oom_kills(f, m->probes, &vs, vs_ok);
	reclaim(f, m->probes);
	server(f, m->probes, now_seconds() - start);
	return 0;
}
