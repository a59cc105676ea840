/* memmon serve: an HTTP server for fleets. /metrics in the Prometheus text format (one
 * /proc walk per scrape, no state between scrapes but the tracers' counters) and
 * /debug/pprof/heap for continuous profilers. The main thread runs the OOM tracer's
 * event loop; libmicrohttpd serves each connection in a thread of its own. */
#include "commands.h"
#include "core/cli.h"
#include "core/loop.h"
#include "core/options.h"
#include "serve/prom_text.h"
#include "serve/serve_heap.h"
#include "serve/serve_http.h"
#include "serve/serve_listen.h"
#include "serve/serve_metrics.h"
#include "serve/serve_probes.h"
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *CMD = "serve";

struct serve_app {
	struct serve_metrics metrics;
	pthread_mutex_t scrape_lock; /* one scrape at a time: they share /proc readers' caches */
};

static void on_metrics(void *ctx, struct serve_reply *r)
{
	struct serve_app *app = ctx;
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	if (!f) {
		serve_reply_text(r, 500, "out of memory\n");
		return;
	}
	pthread_mutex_lock(&app->scrape_lock);
	int rc = serve_metrics_write(&app->metrics, f);
	pthread_mutex_unlock(&app->scrape_lock);
	if (fclose(f) || rc) {
		free(body);
		serve_reply_text(r, 500, "cannot read /proc\n");
		return;
	}
	r->status = 200;
	r->content_type = PROM_CONTENT_TYPE;
	r->body = body;
	r->len = len;
}

static void on_heap(void *ctx, pid_t pid, int seconds, struct serve_reply *r)
{
	serve_heap_profile(pid, seconds, r);
}

static const char ABOUT[] =
	"Serves memory metrics to Prometheus and heap profiles to continuous profilers\n"
	"(Parca, Pyroscope) over HTTP:\n"
	"  /metrics                           Prometheus text, read afresh per scrape\n"
	"  /debug/pprof/heap?pid=N&seconds=S  what process N allocates and does not free\n"
	"                                     in S seconds (1-300, default 10), traced\n"
	"                                     by memmon leak: a gzipped pprof profile\n"
	"Listens on 127.0.0.1:9433 unless --listen says otherwise. A non-loopback address\n"
	"is used only when --listen names it as a number; a host name must resolve to\n"
	"loopback addresses only.";

static const char EPILOG[] =
	"Metrics (node_exporter's names, memmon_ for node_, where it has one):\n"
	"  memmon_process_memory_bytes{pid,comm,type}   gauge; type uss, pss, rss, swap,\n"
	"      vss (smaps_rollup) for the --top N processes by PSS, and pid=\"rest\",\n"
	"      comm=\"rest\" summing the others: at most 5 x (N + 1) series\n"
	"  memmon_process_page_faults_total{pid,comm,type}   counter; type minor, major;\n"
	"      the same top N, no rest bucket (a sum over a changing set is no counter);\n"
	"      rates: rate(memmon_process_page_faults_total[1m])\n"
	"  memmon_processes, memmon_process_rest_processes,\n"
	"      memmon_processes_skipped{reason}\n"
	"  memmon_memory_<Field>_bytes   /proc/meminfo (memmon_memory_MemTotal_bytes)\n"
	"  memmon_vmstat_<field>   /proc/vmstat, untyped: pgfault, pgmajfault, pswpin,\n"
	"      pswpout, pgpgin, pgpgout, pgscan_kswapd, pgscan_direct, pgsteal_kswapd,\n"
	"      pgsteal_direct, allocstall (all zones), compact_stall, compact_fail,\n"
	"      compact_success, oom_kill\n"
	"  memmon_pressure_{memory,io,cpu}_{waiting,stalled}_seconds_total  PSI\n"
	"  memmon_oom_kills_total{comm,memcg}   counter of kills since the start,\n"
	"      by victim (BPF; at most 64 label sets, then comm=\"other\"); without BPF\n"
	"      one series without labels: /proc/vmstat oom_kill\n"
	"  memmon_reclaim_stall_seconds_total{kind}, memmon_reclaim_stalls_total{kind}\n"
	"      kind direct or memcg: reclaim time and episodes since the start (BPF)\n"
	"  memmon_serve_tracer_up{tracer}, memmon_serve_lost_events_total,\n"
	"  memmon_scrape_duration_seconds";

/* OPTS_GO_ON, or the exit code. */
static int parse(int argc, char **argv, struct cli *cli, struct serve_listen *where, int *top)
{
	const char *listen = SERVE_DEFAULT_LISTEN;
	static const char *EVERY = "serves every process: no -p, --comm or -- PROGRAM";
	struct opt opts[] = {
		OPT_STRING(0, "listen", &listen, "ADDR:PORT",
			   "where to listen (default " SERVE_DEFAULT_LISTEN "): 127.0.0.1:PORT,\n"
			   "[::1]:PORT, localhost:PORT; a non-loopback address only\n"
			   "as a number (192.0.2.10:PORT, 0.0.0.0:PORT for all)"),
		OPT_NUMBER(0, "top", top, "N", 1, 100000,
			   "processes with series of their own, the largest by\n"
			   "PSS (default 50); the others are summed in pid=\"rest\""),
		OPT_DURATION(cli, "stop after S seconds (default: until Ctrl-C)"),
		OPT_REFUSE('p', "pid", true, EVERY),
		OPT_REFUSE(0, "comm", true, EVERY),
		OPT_REFUSE('i', "interval", true,
			   "-i does not apply: each scrape reads /proc when Prometheus asks"),
		OPT_REFUSE(0, "json", false, "--json does not apply: /metrics is the Prometheus format"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon serve [--listen ADDR:PORT] [--top N] [-d S]",
		.about = ABOUT,
		.epilog = EPILOG,
		.opts = opts,
		.cli = cli,
		.program_refused = EVERY,
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	char err[256];
	if (serve_listen_parse(listen, where, err, sizeof(err)))
		return cli_usage_error(CMD, "--listen '%s': %s", listen, err);
	return OPTS_GO_ON;
}

int cmd_serve(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct serve_listen where;
	int top = SERVE_DEFAULT_TOP;
	int rc = parse(argc, argv, &cli, &where, &top);
	if (rc != OPTS_GO_ON)
		return rc;
	char err[256];
	int fd = serve_listen_open(&where, err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "memmon serve: %s\n", err);
		return EXIT_RUNTIME;
	}
	loop_install_signals();
	struct serve_probes probes;
	serve_probes_start(&probes);
	struct serve_app app = { .metrics = { .top = top, .probes = &probes } };
	pthread_mutex_init(&app.scrape_lock, NULL);
	struct serve_handlers h = { .ctx = &app, .metrics = on_metrics, .heap = on_heap };
	/* the server's threads inherit a mask without the stop signals: they reach the loop */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	struct serve_http *http = serve_http_start(fd, where.addr.ss_family == AF_INET6, &h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!http) {
		serve_probes_stop(&probes);
		return EXIT_RUNTIME;
	}
	if (!where.loopback)
		fprintf(stderr, "memmon serve: %s is not a loopback address: whoever reaches it can "
				"read process names and memory\n", where.text);
	fprintf(stderr, "memmon serve: listening on http://%s/metrics; Ctrl-C to end\n",
		where.text);
	struct loop l = { .events = serve_probes_events(&probes), .duration = cli.duration };
	enum loop_end end = loop_run(&l);
	serve_http_quiesce(http);
	serve_heap_stop_all(); /* each answers with what it traced so far */
	serve_http_stop(http);
	serve_probes_stop(&probes);
	pthread_mutex_destroy(&app.scrape_lock);
	fprintf(stderr, "memmon serve: %s\n", loop_end_reason(end));
	return end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
}
