// SPDX-License-Identifier: GPL-2.0
/* Compaction and migration from the compaction and migrate tracepoints: each compact_zone
 * run (mm_compaction_begin/end) with its duration and result, every migrate_pages call with
 * pages moved and failed by reason, and kcompactd wakeups, counted per process. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pressure/compact_event.h"
#include "kernel/common.bpf.h"
#include "core/task_filter.bpf.h"

#define PF_KTHREAD 0x00200000

__u64 table_full = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} run_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct compact_key);
	__type(value, struct compact_value);
} counts SEC(".maps");

static __always_inline struct compact_value *row(__u32 type, __s32 code)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct compact_key k = {
		.tgid = bpf_get_current_pid_tgid() >> 32,
		.type = type,
		.code = code,
		.background = (BPF_CORE_READ(task, flags) & PF_KTHREAD) != 0,
	};
	struct compact_value *v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		return v;
	struct compact_value zero = {};
	bpf_get_current_comm(zero.comm, sizeof(zero.comm));
	bpf_map_update_elem(&counts, &k, &zero, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&counts, &k);
	if (!v)
		__sync_fetch_and_add(&table_full, 1);
	return v;
}

SEC("tracepoint/compaction/mm_compaction_begin")
int on_compaction_begin(void *ctx)
{
	if (!current_selected())
		return 0;
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&run_start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("tracepoint/compaction/mm_compaction_end")
int on_compaction_end(struct trace_event_raw_mm_compaction_end *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 *ts = bpf_map_lookup_elem(&run_start, &tid);
	if (!ts)
		return 0;
	__u64 delta = bpf_ktime_get_ns() - *ts;
	bpf_map_delete_elem(&run_start, &tid);
	struct compact_value *v = row(ROW_COMPACTION, ctx->status);
	if (!v)
		return 0;
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->total_ns, delta);
	if (delta > v->max_ns)
		v->max_ns = delta; /* racy max: good enough for a report */
	return 0;
}

SEC("tracepoint/migrate/mm_migrate_pages")
int on_migrate_pages(struct trace_event_raw_mm_migrate_pages *ctx)
{
	if (!current_selected())
		return 0;
	struct compact_value *v = row(ROW_MIGRATION, ctx->reason);
	if (!v)
		return 0;
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->succeeded, ctx->succeeded);
	__sync_fetch_and_add(&v->failed, ctx->failed);
	__sync_fetch_and_add(&v->thp_succeeded, ctx->thp_succeeded);
	__sync_fetch_and_add(&v->thp_failed, ctx->thp_failed);
	return 0;
}

SEC("tracepoint/compaction/mm_compaction_kcompactd_wake")
int on_kcompactd_wake(struct trace_event_raw_kcompactd_wake_template *ctx)
{
	if (!current_selected())
		return 0;
	struct compact_value *v = row(ROW_KCOMPACTD_WAKE, ctx->order);
	if (v)
		__sync_fetch_and_add(&v->count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
