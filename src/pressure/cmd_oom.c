/* memmon oom: one report per OOM kill as it happens (oom:mark_victim), with the victim's
 * memory, the task that triggered it, the memory cgroup when it was a cgroup OOM, and the
 * load average and free memory read at that moment. */
#include "commands.h"
#include "core/cli.h"
#include "core/events.h"
#include "core/json_out.h"
#include "core/loop.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "kernel/memcg_path.h"
#include "pressure/oom_event.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_pressure.h"
#include "pressure/oom.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *CMD = "oom";

struct oom_ctx {
	struct oom_bpf *skel;
	bool json;
	unsigned long kills;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: memmon oom [options] [-- PROGRAM ARGS]\n\n"
		"Reports every OOM kill as it happens (oom:mark_victim tracepoint): the victim\n"
		"(pid, comm, uid, total VM, anon/file/shmem RSS, page tables, oom_score_adj, its\n"
		"memory cgroup), the task whose allocation triggered the kill, the memory cgroup and\n"
		"its limit when the kill was a cgroup OOM, /proc/loadavg and free memory.\n\n"
		"  -p, --pid PID       only kills whose victim or trigger is PID (repeatable)\n"
		"      --comm NAME     only kills whose victim or trigger is named NAME\n"
		"  -d, --duration S    stop after S seconds (default: until Ctrl-C)\n"
		"      --json          JSON Lines: {\"type\":\"oom_kill\"} per kill, {\"type\":\"summary\"}\n"
		"  -h, --help          this help\n"
		"  -- PROGRAM ARGS     run PROGRAM, trace only it and the processes it starts,\n"
		"                      stop when it exits\n");
}

static void wall_clock(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, n, "%H:%M:%S", &tm);
}

static struct json_object *memcg_json(const struct memcg_info *m)
{
	char path[512];
	memcg_path_format(m, path, sizeof(path));
	struct json_object *o = json_object_new_object();
	json_add_str(o, "path", path);
	json_add_u64(o, "id", m->id);
	if (memcg_limited(m))
		json_add_u64(o, "limit_kb", memcg_pages_kb(m->max_pages));
	else
		json_object_object_add(o, "limit_kb", NULL);
	json_add_u64(o, "usage_kb", memcg_pages_kb(m->usage_pages));
	return o;
}

static void print_json(const struct oom_event *e, const struct memcg_info *victim_cg,
		       const struct loadavg *la, bool la_ok, const struct meminfo *mi,
		       bool mi_ok, const char *clock)
{
	struct json_object *o = json_record("oom_kill");
	json_add_str(o, "time", clock);
	struct json_object *v = json_object_new_object();
	json_add_int(v, "pid", e->victim_pid);
	json_add_str(v, "comm", e->victim_comm);
	json_add_int(v, "uid", e->victim_uid);
	json_add_u64(v, "total_vm_kb", e->total_vm_kb);
	json_add_u64(v, "anon_rss_kb", e->anon_rss_kb);
	json_add_u64(v, "file_rss_kb", e->file_rss_kb);
	json_add_u64(v, "shmem_rss_kb", e->shmem_rss_kb);
	json_add_u64(v, "pgtables_kb", e->pgtables_kb);
	json_add_int(v, "oom_score_adj", e->oom_score_adj);
	json_object_object_add(v, "memcg", victim_cg ? memcg_json(victim_cg) : NULL);
	json_object_object_add(o, "victim", v);
	struct json_object *t = json_object_new_object();
	json_add_int(t, "pid", e->trigger_pid);
	json_add_int(t, "tid", e->trigger_tid);
	json_add_str(t, "comm", e->trigger_comm);
	json_object_object_add(o, "trigger", t);
	json_add_bool(o, "cgroup_oom", e->cgroup_oom);
	json_object_object_add(o, "memcg", memcg_json(&e->memcg));
	if (la_ok) {
		struct json_object *a = json_object_new_array();
		double avg[3] = { la->avg1, la->avg5, la->avg15 };
		for (int i = 0; i < 3; i++) {
			char num[32];
			snprintf(num, sizeof(num), "%.2f", avg[i]);
			json_object_array_add(a, json_object_new_double_s(avg[i], num));
		}
		json_object_object_add(o, "loadavg", a);
	} else {
		json_object_object_add(o, "loadavg", NULL);
	}
	if (mi_ok) {
		json_add_u64(o, "mem_free_kb", mi->mem_free);
		if (mi->mem_available) /* since Linux 3.14 */
			json_add_u64(o, "mem_available_kb", mi->mem_available);
	}
	json_emit(o, stdout);
}

static void print_text(const struct oom_event *e, const struct memcg_info *victim_cg,
		       const struct loadavg *la, bool la_ok, const struct meminfo *mi,
		       bool mi_ok, const char *clock)
{
	char path[512];
	printf("%s OOM kill: victim pid %u (%s) uid %u, triggered by pid %u (%s) tid %u\n", clock,
	       e->victim_pid, e->victim_comm, e->victim_uid, e->trigger_pid, e->trigger_comm,
	       e->trigger_tid);
	printf("  victim memory: total-vm %llu kB, anon-rss %llu kB, file-rss %llu kB, "
	       "shmem-rss %llu kB, pgtables %llu kB, oom_score_adj %d\n",
	       (unsigned long long)e->total_vm_kb, (unsigned long long)e->anon_rss_kb,
	       (unsigned long long)e->file_rss_kb, (unsigned long long)e->shmem_rss_kb,
	       (unsigned long long)e->pgtables_kb, e->oom_score_adj);
	if (victim_cg) {
		memcg_path_format(victim_cg, path, sizeof(path));
		printf("  victim memory cgroup: %s\n", path);
	}
	memcg_path_format(&e->memcg, path, sizeof(path));
	if (e->cgroup_oom)
		printf("  cgroup OOM: memory cgroup %s at its limit %llu kB (usage %llu kB)\n", path,
		       memcg_pages_kb(e->memcg.max_pages),
		       memcg_pages_kb(e->memcg.usage_pages));
	else
		printf("  system OOM (trigger's memory cgroup %s)\n", path);
	if (la_ok)
		printf("  load average: %.2f %.2f %.2f", la->avg1, la->avg5, la->avg15);
	else
		printf("  load average: unavailable");
	if (mi_ok) {
		printf("; MemFree %llu kB", (unsigned long long)mi->mem_free);
		if (mi->mem_available)
			printf(", MemAvailable %llu kB", (unsigned long long)mi->mem_available);
	}
	printf("\n");
	fflush(stdout);
}

static int on_event(void *vctx, void *data, size_t len)
{
	struct oom_ctx *c = vctx;
	const struct oom_event *e = data;
	if (len < sizeof(*e))
		return 0;
	/* Read at report time: the closest user space gets to "at that moment". */
	struct loadavg la;
	struct meminfo mi;
	bool la_ok = loadavg_read(&la) == 0, mi_ok = meminfo_read(&mi) == 0;
	char clock[32];
	wall_clock(clock, sizeof(clock));
	struct memcg_info victim_cg;
	bool have_cg = false;
	__u32 pid = e->victim_pid;
	int fd = bpf_map__fd(c->skel->maps.victim_memcg);
	if (bpf_map_lookup_elem(fd, &pid, &victim_cg) == 0) {
		have_cg = true;
		bpf_map_delete_elem(fd, &pid);
	}
	c->kills++;
	if (c->json)
		print_json(e, have_cg ? &victim_cg : NULL, &la, la_ok, &mi, mi_ok, clock);
	else
		print_text(e, have_cg ? &victim_cg : NULL, &la, la_ok, &mi, mi_ok, clock);
	return 0;
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
		if (c == 'i')
			return cli_usage_error(CMD, "-i/--interval does not apply: kills are reported as they happen");
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

int cmd_oom(int argc, char **argv)
{
	struct cli cli = { 0 };
	int rc = parse(&cli, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = bpf_preflight(CMD)))
		return rc;
	struct trace_target tt;
	loop_install_signals();
	if ((rc = trace_target_prepare(&tt, &cli, CMD)))
		return rc;
	struct oom_ctx ctx = { .json = cli.json };
	struct event_reader er = { 0 };
	struct oom_bpf *skel = oom_bpf__open();
	if (!skel) {
		rc = bpf_fail(CMD, "opening the BPF object", errno);
		goto out;
	}
	ctx.skel = skel;
	trace_target_configure(&tt, &skel->rodata->task_filter);
	skel->rodata->memcg_unlimited_pages = memcg_unlimited_pages();
	int err = oom_bpf__load(skel);
	if (err) {
		rc = bpf_fail(CMD, "loading the BPF object", err);
		goto out;
	}
	if ((err = trace_target_fill(&tt, bpf_map__fd(skel->maps.pid_filter)))) {
		rc = bpf_fail(CMD, "filling the pid filter", err);
		goto out;
	}
	skel->links.on_mark_victim = bpf_program__attach(skel->progs.on_mark_victim);
	if (!skel->links.on_mark_victim) {
		rc = bpf_fail(CMD, "attaching to tracepoint oom:mark_victim", errno);
		goto out;
	}
	if (!(skel->links.memmon_filter_fork = bpf_program__attach(skel->progs.memmon_filter_fork)) ||
	    !(skel->links.memmon_filter_exec = bpf_program__attach(skel->progs.memmon_filter_exec)) ||
	    !(skel->links.memmon_filter_exit = bpf_program__attach(skel->progs.memmon_filter_exit))) {
		rc = bpf_fail(CMD, "attaching to the sched_process fork/exec/exit tracepoints", errno);
		goto out;
	}
	/* Optional: without tp_btf the report only lacks the victim's own cgroup. */
	skel->links.on_mark_victim_btf = bpf_program__attach(skel->progs.on_mark_victim_btf);
	if ((err = events_open(&er, bpf_map__fd(skel->maps.events), on_event, &ctx,
			       &skel->bss->memmon_lost_events))) {
		rc = bpf_fail(CMD, "opening the ring buffer", err);
		goto out;
	}
	if ((rc = trace_target_release(&tt, CMD)))
		goto out;
	fprintf(stderr, "memmon oom: tracing OOM kills; Ctrl-C to end\n");
	struct loop l = { .events = &er, .duration = cli.duration, .ctx = &ctx };
	trace_target_loop(&tt, &l);
	double start = now_seconds();
	enum loop_end end = loop_run(&l);
	events_drain(&er);
	double secs = now_seconds() - start;
	if (cli.json) {
		struct json_object *o = json_record("summary");
		json_add_u64(o, "kills", ctx.kills);
		json_add_u64(o, "lost_events", events_lost(&er));
		json_add_double(o, "seconds", secs);
		json_add_str(o, "reason", loop_end_reason(end));
		json_add_u64(o, "children_not_followed", skel->bss->children_not_followed);
		json_emit(o, stdout);
	} else {
		printf("%lu OOM kill%s in %.1f s (%s); %llu events lost\n", ctx.kills,
		       ctx.kills == 1 ? "" : "s", secs, loop_end_reason(end),
		       (unsigned long long)events_lost(&er));
	}
	if (skel->bss->children_not_followed)
		fprintf(stderr, "memmon %s: %llu child processes not traced (pid table full)\n", CMD,
			(unsigned long long)skel->bss->children_not_followed);
	rc = end == LOOP_ERROR ? EXIT_RUNTIME : EXIT_OK;
out:
	trace_target_abort(&tt);
	events_close(&er);
	oom_bpf__destroy(skel);
	return rc;
}
