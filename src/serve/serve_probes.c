/* Reuses the pressure family's probe sets as they are (their skeletons and event headers):
 * `memmon serve` is the view for fleets of what `oom` and `reclaim` trace. */
#include "serve/serve_probes.h"
#include "core/trace_target.h"
#include "kernel/bpf_util.h"
#include "kernel/memcg_path.h"
#include "pressure/oom_event.h"
#include "pressure/reclaim_event.h"
#include "pressure/oom.skel.h"
#include "pressure/reclaim.skel.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Every process, memmon itself left out. */
static void select_all(struct task_filter_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->self_tgid = (__u32)getpid();
}

/* comm and memcg: NUL-terminated in arrays the size of a series' own. */
static void add_kill(struct serve_probes *p, const char comm[16], const char memcg[256])
{
	pthread_mutex_lock(&p->lock);
	struct serve_oom_series *s = NULL;
	for (int i = 0; i < p->nseries && !s; i++)
		if (!strcmp(p->series[i].comm, comm) && !strcmp(p->series[i].memcg, memcg))
			s = &p->series[i];
	if (!s && p->nseries < SERVE_OOM_SERIES) {
		s = &p->series[p->nseries++];
		memcpy(s->comm, comm, sizeof(s->comm));
		memcpy(s->memcg, memcg, sizeof(s->memcg));
	}
	if (!s) /* the bound on label sets: everything after it in one series */
		s = &p->series[SERVE_OOM_SERIES];
	s->kills++;
	pthread_mutex_unlock(&p->lock);
}

static int on_oom(void *ctx, void *data, size_t len)
{
	struct serve_probes *p = ctx;
	const struct oom_event *e = data;
	if (len < sizeof(*e))
		return 0;
	struct oom_bpf *skel = p->oom;
	/* the victim's own cgroup (tp_btf) when known, else the one the kill was made in */
	struct memcg_info cg;
	__u32 pid = e->victim_pid;
	int fd = bpf_map__fd(skel->maps.victim_memcg);
	const struct memcg_info *m = &e->memcg;
	if (bpf_map_lookup_elem(fd, &pid, &cg) == 0) {
		m = &cg;
		bpf_map_delete_elem(fd, &pid);
	}
	char path[sizeof(p->series[0].memcg)] = "", comm[sizeof(p->series[0].comm)] = "";
	memcg_path_format(m, path, sizeof(path));
	memcpy(comm, e->victim_comm, sizeof(comm) - 1);
	add_kill(p, comm, path);
	return 0;
}

static int start_oom(struct serve_probes *p)
{
	struct oom_bpf *s = oom_bpf__open();
	if (!s)
		return -errno;
	select_all(&s->rodata->task_filter);
	s->rodata->memcg_unlimited_pages = memcg_unlimited_pages();
	bpf_load_stats_prepare(s->obj);
	int err = oom_bpf__load(s);
	bpf_load_stats_print("serve", s->obj);
	if (!err && !(s->links.on_mark_victim = bpf_program__attach(s->progs.on_mark_victim)))
		err = -errno;
	if (!err) {
		/* optional: without it a kill is labelled with the cgroup it was made in */
		s->links.on_mark_victim_btf = bpf_program__attach(s->progs.on_mark_victim_btf);
		err = events_open(&p->er, bpf_map__fd(s->maps.events), on_oom, p,
				  &s->bss->memmon_lost_events);
	}
	if (err) {
		oom_bpf__destroy(s);
		return err;
	}
	p->oom = s;
	return 0;
}

static int start_reclaim(struct serve_probes *p)
{
	struct reclaim_bpf *s = reclaim_bpf__open();
	if (!s)
		return -errno;
	select_all(&s->rodata->task_filter);
	s->rodata->agg_by = VMSCAN_BY_SYSTEM;
	s->rodata->aggregate = true;
	/* only the four episode tracepoints: slab shrinking, kswapd and LRU scans are not
	 * served, so their programs are not loaded */
	struct bpf_program *keep[] = { s->progs.on_direct_begin, s->progs.on_direct_end,
				       s->progs.on_memcg_begin, s->progs.on_memcg_end };
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, s->obj) {
		bool kept = false;
		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			kept |= prog == keep[i];
		bpf_program__set_autoload(prog, kept);
	}
	bpf_load_stats_prepare(s->obj);
	int err = reclaim_bpf__load(s);
	bpf_load_stats_print("serve", s->obj);
	for (size_t i = 0; !err && i < sizeof(keep) / sizeof(keep[0]); i++) {
		struct bpf_link *l = bpf_program__attach(keep[i]);
		if (!l)
			err = -errno;
		else if (i == 0)
			s->links.on_direct_begin = l;
		else if (i == 1)
			s->links.on_direct_end = l;
		else if (i == 2)
			s->links.on_memcg_begin = l;
		else
			s->links.on_memcg_end = l;
	}
	if (err) {
		reclaim_bpf__destroy(s);
		return err;
	}
	p->reclaim = s;
	return 0;
}

void serve_probes_start(struct serve_probes *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	snprintf(p->series[SERVE_OOM_SERIES].comm, sizeof(p->series[0].comm), "other");
	snprintf(p->series[SERVE_OOM_SERIES].memcg, sizeof(p->series[0].memcg), "other");
	const char *fallback = "OOM kills from /proc/vmstat without victim labels, "
			       "no reclaim stall time";
	if (geteuid() != 0) {
		fprintf(stderr, "memmon serve: not root, so no BPF: %s\n", fallback);
		return;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		fprintf(stderr, "memmon serve: no kernel BTF at /sys/kernel/btf/vmlinux, so no "
				"BPF: %s\n", fallback);
		return;
	}
	bpf_preflight("serve"); /* root and BTF checked above: this only routes libbpf's messages */
	int err = start_oom(p);
	if (err)
		fprintf(stderr, "memmon serve: the oom probes did not start (%s): OOM kills from "
				"/proc/vmstat without victim labels\n", strerror(-err));
	if ((err = start_reclaim(p)))
		fprintf(stderr, "memmon serve: the reclaim probes did not start (%s): no reclaim "
				"stall time\n", strerror(-err));
}

bool serve_probes_oom_up(const struct serve_probes *p)
{
	return p->oom != NULL;
}

bool serve_probes_reclaim_up(const struct serve_probes *p)
{
	return p->reclaim != NULL;
}

struct event_reader *serve_probes_events(struct serve_probes *p)
{
	return p->oom ? &p->er : NULL;
}

int serve_probes_oom_series(struct serve_probes *p, struct serve_oom_series *out, int max)
{
	pthread_mutex_lock(&p->lock);
	int n = 0;
	for (int i = 0; i < p->nseries && n < max; i++)
		out[n++] = p->series[i];
	if (p->series[SERVE_OOM_SERIES].kills && n < max)
		out[n++] = p->series[SERVE_OOM_SERIES];
	pthread_mutex_unlock(&p->lock);
	return n;
}

int serve_probes_reclaim(const struct serve_probes *p, struct serve_reclaim *out)
{
	memset(out, 0, sizeof(*out));
	if (!p->reclaim)
		return -1;
	const struct reclaim_bpf *s = p->reclaim;
	struct vmscan_key key = { 0 };
	struct vmscan_stats st;
	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.stats), &key, &st))
		return 0; /* no episode yet */
	out->direct_ns = st.direct_ns;
	out->direct_count = st.direct_count;
	out->memcg_ns = st.memcg_ns;
	out->memcg_count = st.memcg_count;
	return 0;
}

void serve_probes_stop(struct serve_probes *p)
{
	events_close(&p->er);
	if (p->oom)
		oom_bpf__destroy(p->oom);
	if (p->reclaim)
		reclaim_bpf__destroy(p->reclaim);
	p->oom = p->reclaim = NULL;
	pthread_mutex_destroy(&p->lock);
}
