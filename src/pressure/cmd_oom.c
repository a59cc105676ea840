/* memmon oom: one report per OOM kill as it happens (oom:mark_victim), with the victim's
 * memory, the task that triggered it, the memory cgroup when it was a cgroup OOM, and the
 * load average and free memory read at that moment. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/options.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "kernel/memcg_path.h"
#include "pressure/oom_event.h"
#include "pressure/oom_rank.h"
#include "pressure/oom_rank_print.h"
#include "pressure/pressure_run.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_loadavg.h"
#include "pressure/oom.skel.h"
#include "kernel/gfp_names.h"
#include "kernel/kernel_paths.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>

PRESSURE_SKELETON_WITH_EVENTS(oom);

struct oom_ctx {
	struct cli cli;
	struct oom_bpf *skel;
	bool kprobe; /* the kprobe on oom_kill_process is loaded */
	unsigned long kills;
	bool rank; /* --rank: who would be killed, from /proc, instead of tracing */
	long top;
};

/* A kill with what its printer needs, read from /proc and the BPF side first. */
struct oom_kill {
	const struct oom_event *e;
	struct memcg_info victim_cg; /* the victim's own cgroup (tp_btf) */
	bool victim_cg_known;
	struct loadavg la;
	struct meminfo mi;
	bool la_ok, mi_ok;
	char clock[32];
};

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

static void print_json(const struct oom_kill *k)
{
	const struct oom_event *e = k->e;
	struct json_object *o = json_record("oom_kill");
	json_add_time_now(o, "time");
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
	json_object_object_add(v, "memcg", k->victim_cg_known ? memcg_json(&k->victim_cg) : NULL);
	json_object_object_add(o, "victim", v);
	struct json_object *t = json_object_new_object();
	json_add_int(t, "pid", e->trigger_pid);
	json_add_int(t, "tid", e->trigger_tid);
	json_add_str(t, "comm", e->trigger_comm);
	json_object_object_add(o, "trigger", t);
	if (e->request_known) {
		char gfp[256];
		gfp_format(e->gfp_mask, gfp, sizeof(gfp));
		json_add_u64(o, "gfp_mask", e->gfp_mask);
		json_add_str(o, "gfp_flags", gfp);
		json_add_int(o, "order", e->order);
	} else {
		json_object_object_add(o, "gfp_mask", NULL);
		json_object_object_add(o, "gfp_flags", NULL);
		json_object_object_add(o, "order", NULL);
	}
	json_add_bool(o, "cgroup_oom", e->cgroup_oom);
	json_object_object_add(o, "memcg", memcg_json(&e->memcg));
	if (k->la_ok) {
		struct json_object *a = json_object_new_array();
		double avg[3] = { k->la.avg1, k->la.avg5, k->la.avg15 };
		for (int i = 0; i < 3; i++) {
			char num[32];
			snprintf(num, sizeof(num), "%.2f", avg[i]);
			json_object_array_add(a, json_object_new_double_s(avg[i], num));
		}
		json_object_object_add(o, "loadavg", a);
	} else {
		json_object_object_add(o, "loadavg", NULL);
	}
	if (k->mi_ok) {
		json_add_u64(o, "mem_free_kb", k->mi.mem_free);
		if (k->mi.mem_available) /* since Linux 3.14 */
			json_add_u64(o, "mem_available_kb", k->mi.mem_available);
	}
	json_emit(o, stdout);
}

static void print_text(const struct oom_kill *k)
{
	const struct oom_event *e = k->e;
	char path[512];
	printf("%s OOM kill: victim pid %u (%s) uid %u, triggered by pid %u (%s) tid %u\n", k->clock,
	       e->victim_pid, e->victim_comm, e->victim_uid, e->trigger_pid, e->trigger_comm,
	       e->trigger_tid);
	printf("  victim memory: total-vm %llu kB, anon-rss %llu kB, file-rss %llu kB, "
	       "shmem-rss %llu kB, pgtables %llu kB, oom_score_adj %d\n",
	       (unsigned long long)e->total_vm_kb, (unsigned long long)e->anon_rss_kb,
	       (unsigned long long)e->file_rss_kb, (unsigned long long)e->shmem_rss_kb,
	       (unsigned long long)e->pgtables_kb, e->oom_score_adj);
	if (e->request_known) { /* as the OOM's dmesg line has it */
		char gfp[256];
		gfp_format(e->gfp_mask, gfp, sizeof(gfp));
		printf("  request: gfp_mask=%#llx(%s), order=%d\n", (unsigned long long)e->gfp_mask, gfp,
		       e->order);
	}
	if (k->victim_cg_known) {
		memcg_path_format(&k->victim_cg, path, sizeof(path));
		printf("  victim memory cgroup: %s\n", path);
	}
	memcg_path_format(&e->memcg, path, sizeof(path));
	if (e->cgroup_oom)
		printf("  cgroup OOM: memory cgroup %s at its limit %llu kB (usage %llu kB)\n", path,
		       memcg_pages_kb(e->memcg.max_pages),
		       memcg_pages_kb(e->memcg.usage_pages));
	else
		printf("  system OOM (trigger's memory cgroup %s)\n", path);
	if (k->la_ok)
		printf("  load average: %.2f %.2f %.2f", k->la.avg1, k->la.avg5, k->la.avg15);
	else
		printf("  load average: unavailable");
	if (k->mi_ok) {
		printf("; MemFree %llu kB", (unsigned long long)k->mi.mem_free);
		if (k->mi.mem_available)
			printf(", MemAvailable %llu kB", (unsigned long long)k->mi.mem_available);
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
	struct oom_kill k = { .e = e };
	k.la_ok = loadavg_read(&k.la) == 0;
	k.mi_ok = meminfo_read(&k.mi) == 0;
	pressure_clock(k.clock, sizeof(k.clock));
	__u32 pid = e->victim_pid;
	int fd = bpf_map__fd(c->skel->maps.victim_memcg);
	if (bpf_map_lookup_elem(fd, &pid, &k.victim_cg) == 0) {
		k.victim_cg_known = true;
		bpf_map_delete_elem(fd, &pid);
	}
	c->kills++;
	if (c->cli.json)
		print_json(&k);
	else
		print_text(&k);
	return 0;
}

static void configure(void *vctx, void *skel)
{
	struct oom_ctx *c = vctx;
	c->skel = skel;
	c->skel->rodata->memcg_unlimited_pages = memcg_unlimited_pages();
	gfp_names_load_btf();
	c->kprobe = kernel_has_kprobes();
	bpf_program__set_autoload(c->skel->progs.on_oom_kill_process, c->kprobe);
}

static int attach(void *vctx, void *skel)
{
	struct oom_bpf *s = skel;
	if (!(s->links.on_mark_victim = bpf_program__attach(s->progs.on_mark_victim)))
		return bpf_fail("oom", "attaching to tracepoint oom:mark_victim", errno);
	int err = trace_target_attach_filter(s->skeleton);
	if (err)
		return bpf_fail("oom", "attaching to the sched_process fork/exec/exit tracepoints", err);
	struct oom_ctx *c = vctx;
	if (c->kprobe && !(s->links.on_oom_kill_process =
			   bpf_program__attach(s->progs.on_oom_kill_process)))
		c->kprobe = false;
	kernel_path("oom", c->kprobe ? "gfp_mask and order: kprobe on oom_kill_process" :
		    "gfp_mask and order: not reported (no kprobes; oom:mark_victim lacks them)");
	/* Optional: without tp_btf the report only lacks the victim's own cgroup. */
	s->links.on_mark_victim_btf = bpf_program__attach(s->progs.on_mark_victim_btf);
	return 0;
}

static void totals_json(const void *vctx, struct json_object *o)
{
	const struct oom_ctx *c = vctx;
	json_add_u64(o, "kills", c->kills);
}

static void totals_text(const void *vctx, char *buf, size_t n)
{
	const struct oom_ctx *c = vctx;
	snprintf(buf, n, "%lu OOM kill%s", c->kills, c->kills == 1 ? "" : "s");
}

/* --rank is a snapshot: no tracing options; ranks and ends (its exit code). */
static int check(void *vctx, struct cli *cli)
{
	struct oom_ctx *c = vctx;
	if (!c->rank)
		return c->top != 10 ? cli_usage_error("oom", "--top needs --rank") : OPTS_GO_ON;
	if (cli->npids || cli->comm || cli->duration > 0 || cli->prog_argv)
		return cli_usage_error("oom", "--rank takes a snapshot of every process: no -p, --comm, "
				       "-d or -- PROGRAM");
	struct oom_rank r;
	int e = oom_rank_collect(&r);
	if (!e)
		oom_rank_print(&r, cli->json, c->top, stdout);
	oom_rank_free(&r);
	return e ? EXIT_RUNTIME : EXIT_OK;
}

static const struct pressure_cmd oom_cmd = {
	.name = "oom",
	.about = "Reports every OOM kill as it happens (oom:mark_victim tracepoint): the victim\n"
		 "(pid, comm, uid, total VM, anon/file/shmem RSS, page tables, oom_score_adj, its\n"
		 "memory cgroup), the task whose allocation triggered the kill, the memory cgroup and\n"
		 "its limit when the kill was a cgroup OOM, /proc/loadavg and free memory; where\n"
		 "kprobes exist, the failed request's gfp_mask and order (kprobe on\n"
		 "oom_kill_process). -p and --comm select kills whose victim or trigger matches.\n"
		 "--rank instead lists who the OOM killer would pick first, now, system-wide and in\n"
		 "each memory cgroup with a limit, with what makes the score (RSS, swap, page\n"
		 "tables, oom_score_adj): the kernel's own oom_score decides system-wide.",
	.skel = &oom_skel,
	.tracing = "OOM kills",
	.check = check,
	.configure = configure,
	.attach = attach,
	.on_event = on_event,
	.totals_json = totals_json,
	.totals_text = totals_text,
};

int cmd_oom(int argc, char **argv)
{
	struct oom_ctx c = { .top = 10 };
	struct opt opts[] = {
		OPT_FLAG(0, "rank", &c.rank, "list who the OOM killer would pick first (from /proc, no\n"
					     "tracing): {\"type\":\"oom_rank\"} per process and scope"),
		OPT_NUMBER(0, "top", &c.top, "N", 0, 1000000,
			   "with --rank: the N first of each scope (default 10, 0 = all)"),
		PRESSURE_EVENT_OPTIONS(&c.cli, "oom", "kills of or by ",
				       "kills are reported as they happen",
				       "{\"type\":\"oom_kill\"} per kill"),
		OPT_END(),
	};
	return pressure_main(&oom_cmd, &c.cli, opts, &c, argc, argv);
}
