// SPDX-License-Identifier: GPL-2.0
/* OOM kills from the oom:mark_victim tracepoint (stable, unlike kprobes on oom_kill_process).
 * mark_victim runs in the context of the task whose allocation invoked the OOM killer, so
 * current is the trigger and its memory cgroups tell whether this was a cgroup OOM. A tp_btf
 * program on the same tracepoint records the victim's own cgroup, keyed by pid. Where kprobes
 * exist (not on every kernel: user space loads it only then), a kprobe on oom_kill_process
 * adds what the OOM's first dmesg line says and the tracepoint does not: gfp_mask and order. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pressure/oom_event.h"
#include "kernel/common.bpf.h"
#include "kernel/memcg.bpf.h"
#include "core/task_filter.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct memcg_info);
} victim_memcg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct oom_request);
} requests SEC(".maps");

/* oom_kill_process(oc, message) calls __oom_kill_process -> mark_victim in the same thread */
SEC("kprobe/oom_kill_process")
int BPF_KPROBE(on_oom_kill_process, struct oom_control *oc)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct oom_request r = {
		.gfp_mask = BPF_CORE_READ(oc, gfp_mask),
		.order = BPF_CORE_READ(oc, order),
	};
	bpf_map_update_elem(&requests, &tid, &r, BPF_ANY);
	return 0;
}

SEC("tracepoint/oom/mark_victim")
int on_mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	char victim_comm[16] = {};
	unsigned short off = ctx->__data_loc_comm & 0xffff;
	bpf_probe_read_kernel_str(victim_comm, sizeof(victim_comm), (void *)ctx + off);
	/* -p/--comm select kills whose victim or trigger matches */
	if (!task_selected(ctx->pid, victim_comm) && !current_selected())
		return 0;
	struct oom_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return 0;
	__builtin_memcpy(e->victim_comm, victim_comm, sizeof(victim_comm));
	e->ts_ns = bpf_ktime_get_ns();
	e->victim_pid = ctx->pid;
	e->victim_uid = ctx->uid;
	e->total_vm_kb = ctx->total_vm;
	e->anon_rss_kb = ctx->anon_rss;
	e->file_rss_kb = ctx->file_rss;
	e->shmem_rss_kb = ctx->shmem_rss;
	e->pgtables_kb = ctx->pgtables;
	e->oom_score_adj = ctx->oom_score_adj;
	e->trigger_pid = id >> 32;
	e->trigger_tid = (__u32)id;
	__u32 tid = (__u32)id;
	struct oom_request *r = bpf_map_lookup_elem(&requests, &tid);
	if (r) {
		e->gfp_mask = r->gfp_mask;
		e->order = r->order;
		e->request_known = 1;
		bpf_map_delete_elem(&requests, &tid);
	} else {
		e->request_known = 0;
	}
	bpf_get_current_comm(e->trigger_comm, sizeof(e->trigger_comm));

	struct mem_cgroup *own = task_memcg(bpf_get_current_task_btf());
	struct mem_cgroup *limited = memcg_at_limit(own);
	e->cgroup_oom = limited != NULL;
	memcg_fill(&e->memcg, limited ? limited : own);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(on_mark_victim_btf, struct task_struct *tsk, uid_t uid)
{
	__u32 zero = 0, pid = BPF_CORE_READ(tsk, pid);
	struct memcg_info *m = bpf_map_lookup_elem(&memcg_scratch, &zero);
	if (!m)
		return 0;
	memcg_fill(m, task_memcg(tsk));
	bpf_map_update_elem(&victim_memcg, &pid, m, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
