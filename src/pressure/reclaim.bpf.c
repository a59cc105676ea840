// SPDX-License-Identifier: GPL-2.0
/* Reclaim from the vmscan tracepoints: the time tasks spend in direct and memcg reclaim and
 * shrinking slab caches, kswapd wakeups, pages written, scanned and reclaimed; aggregated
 * per system, cgroup or process (reclaim) and/or sent per episode (drsnoop). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pressure/reclaim_event.h"
#include "kernel/common.bpf.h"
#include "kernel/memcg.bpf.h"
#include "core/task_filter.bpf.h"
#define STACK_STORE_DEPTH VMSCAN_STACK_DEPTH
#define STACK_STORE_ENTRIES 16384
#define STACK_STORE_USER
#include "symbols/stack_store.bpf.h"

const volatile __u32 agg_by = VMSCAN_BY_SYSTEM;
const volatile bool aggregate = true;
const volatile bool emit_episodes = false;
const volatile bool capture_stacks = false;

__u64 stats_dropped = 0; /* stats table full */

struct episode {
	__u64 start_ns;
	__u64 gfp_flags;
	__s64 user_stack, kernel_stack;
	__s32 order;
	__u32 pad;
};

/* key: tid << 1 | (kind == memcg) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct episode);
} episodes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} slab_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct vmscan_key);
	__type(value, struct vmscan_stats);
} stats SEC(".maps");

/* Paths of the cgroups in stats (VMSCAN_BY_CGROUP) and episodes, filled when a cgroup
 * first shows up. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct memcg_info);
} cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

/* Remembers the path of a memory cgroup the first time it shows up. */
static __always_inline void remember_cgroup(struct mem_cgroup *memcg, __u64 id)
{
	__u32 z = 0;
	if (bpf_map_lookup_elem(&cgroups, &id))
		return;
	struct memcg_info *m = bpf_map_lookup_elem(&memcg_scratch, &z);
	if (!m)
		return;
	memcg_fill(m, memcg);
	bpf_map_update_elem(&cgroups, &id, m, BPF_NOEXIST);
}

static __always_inline struct vmscan_stats *current_stats(void)
{
	struct vmscan_key key = {};
	struct mem_cgroup *memcg = NULL;
	if (agg_by == VMSCAN_BY_CGROUP) {
		memcg = task_memcg(bpf_get_current_task_btf());
		key.memcg_id = memcg_id(memcg);
	} else if (agg_by == VMSCAN_BY_PROCESS) {
		key.tgid = bpf_get_current_pid_tgid() >> 32;
	}
	struct vmscan_stats *s = bpf_map_lookup_elem(&stats, &key);
	if (s)
		return s;
	struct vmscan_stats zero = {};
	if (bpf_map_update_elem(&stats, &key, &zero, BPF_NOEXIST) && bpf_map_lookup_elem(&stats, &key) == NULL) {
		__sync_fetch_and_add(&stats_dropped, 1);
		return NULL;
	}
	s = bpf_map_lookup_elem(&stats, &key);
	if (s && agg_by == VMSCAN_BY_PROCESS)
		bpf_get_current_comm(s->comm, sizeof(s->comm));
	if (s && agg_by == VMSCAN_BY_CGROUP)
		remember_cgroup(memcg, key.memcg_id);
	return s;
}

static __always_inline void episode_begin(void *ctx, __u32 kind, int order, __u64 gfp)
{
	if (!current_selected())
		return;
	__u64 key = (__u64)(__u32)bpf_get_current_pid_tgid() << 1 | (kind == RECLAIM_MEMCG);
	struct episode ep = { .start_ns = bpf_ktime_get_ns(), .gfp_flags = gfp, .order = order,
			      .user_stack = -1, .kernel_stack = -1 };
	if (capture_stacks) {
		ep.kernel_stack = stack_store_get(ctx, 0);
		/* from the registers saved at the task's entry into the kernel */
		ep.user_stack = stack_store_get_user_ctx(ctx, unwind_task_user_regs(), 0);
	}
	bpf_map_update_elem(&episodes, &key, &ep, BPF_ANY);
}

static __always_inline void episode_end(__u32 kind, __u64 nr_reclaimed)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u64 key = (__u64)(__u32)id << 1 | (kind == RECLAIM_MEMCG);
	struct episode *ep = bpf_map_lookup_elem(&episodes, &key);
	if (!ep)
		return;
	__u64 now = bpf_ktime_get_ns(), delta = now - ep->start_ns;
	if (aggregate) {
		struct vmscan_stats *s = current_stats();
		if (s) {
			if (kind == RECLAIM_MEMCG) {
				__sync_fetch_and_add(&s->memcg_ns, delta);
				__sync_fetch_and_add(&s->memcg_count, 1);
			} else {
				__sync_fetch_and_add(&s->direct_ns, delta);
				__sync_fetch_and_add(&s->direct_count, 1);
			}
		}
	}
	if (emit_episodes) {
		struct reclaim_event *e = reserve_or_count(&events, sizeof(*e));
		if (e) {
			e->ts_ns = now;
			e->latency_ns = delta;
			e->nr_reclaimed = nr_reclaimed;
			e->gfp_flags = ep->gfp_flags;
			e->order = ep->order;
			e->kind = kind;
			e->pid = id >> 32;
			e->tid = (__u32)id;
			e->user_stack = ep->user_stack;
			e->kernel_stack = ep->kernel_stack;
			struct mem_cgroup *memcg = task_memcg(bpf_get_current_task_btf());
			e->memcg_id = memcg_id(memcg);
			remember_cgroup(memcg, e->memcg_id);
			bpf_get_current_comm(e->comm, sizeof(e->comm));
			bpf_ringbuf_submit(e, 0);
		}
	}
	bpf_map_delete_elem(&episodes, &key);
}

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_begin")
int on_direct_begin(struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx)
{
	episode_begin(ctx, RECLAIM_DIRECT, ctx->order, ctx->gfp_flags);
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_end")
int on_direct_end(struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	episode_end(RECLAIM_DIRECT, ctx->nr_reclaimed);
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_memcg_reclaim_begin")
int on_memcg_begin(struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx)
{
	episode_begin(ctx, RECLAIM_MEMCG, ctx->order, ctx->gfp_flags);
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_memcg_reclaim_end")
int on_memcg_end(struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	episode_end(RECLAIM_MEMCG, ctx->nr_reclaimed);
	return 0;
}

SEC("tracepoint/vmscan/mm_shrink_slab_start")
int on_slab_start(void *ctx)
{
	if (!current_selected())
		return 0;
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&slab_start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("tracepoint/vmscan/mm_shrink_slab_end")
int on_slab_end(void *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 *ts = bpf_map_lookup_elem(&slab_start, &tid);
	if (!ts)
		return 0;
	__u64 delta = bpf_ktime_get_ns() - *ts;
	bpf_map_delete_elem(&slab_start, &tid);
	struct vmscan_stats *s = current_stats();
	if (s) {
		__sync_fetch_and_add(&s->slab_ns, delta);
		__sync_fetch_and_add(&s->slab_count, 1);
	}
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_wakeup_kswapd")
int on_wakeup_kswapd(void *ctx)
{
	if (!aggregate || !current_selected())
		return 0;
	struct vmscan_stats *s = current_stats();
	if (s)
		__sync_fetch_and_add(&s->kswapd_wakeups, 1);
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_write_folio")
int on_write_folio(void *ctx)
{
	if (!aggregate || !current_selected())
		return 0;
	struct vmscan_stats *s = current_stats();
	if (s)
		__sync_fetch_and_add(&s->pages_written, 1);
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_lru_shrink_inactive")
int on_shrink_inactive(struct trace_event_raw_mm_vmscan_lru_shrink_inactive *ctx)
{
	if (!aggregate || !current_selected())
		return 0;
	struct vmscan_stats *s = current_stats();
	if (s) {
		__sync_fetch_and_add(&s->pages_scanned, ctx->nr_scanned);
		__sync_fetch_and_add(&s->pages_reclaimed, ctx->nr_reclaimed);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
