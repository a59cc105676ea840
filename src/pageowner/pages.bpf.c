// SPDX-License-Identifier: GPL-2.0
/* Page allocator probes: page_owner without CONFIG_PAGE_OWNER. Every block the buddy
 * allocator hands out (kmem:mm_page_alloc) is remembered by pfn with its kernel stack,
 * task and flags until kmem:mm_page_free or mm_page_free_batched returns it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "core/task_filter.bpf.h"
#include "pageowner/pages_event.h"
#define STACK_STORE_DEPTH PAGES_STACK_DEPTH
#define STACK_STORE_ENTRIES 65536
#include "symbols/stack_store.bpf.h"

struct pages_counters counters = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144); /* resized by --max-pages */
	__type(key, __u64);
	__type(value, struct page_info);
} pages SEC(".maps");

SEC("tracepoint/kmem/mm_page_alloc")
int on_page_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	__u64 pfn = ctx->pfn;
	if (pfn == (__u64)-1) /* failed allocation */
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	/* The pid part only: --comm selects report blocks in user space (cmd_pages.c). memmon
	 * itself is never selected: its own pages are not the question. */
	if (!tgid_selected(tgid))
		return 0;
	struct page_info v = {};
	v.ts_ns = bpf_ktime_get_ns();
	v.gfp_flags = ctx->gfp_flags;
	v.pid = (__u32)id;
	v.tgid = tgid;
	v.order = ctx->order;
	v.migratetype = ctx->migratetype;
	bpf_get_current_comm(v.comm, sizeof(v.comm));
	v.stackid = stack_store_get(ctx, 0);
	if (v.stackid < 0)
		__sync_fetch_and_add(&counters.stack_failures, 1);
	__u64 npages = 1ULL << (v.order & 31);
	__sync_fetch_and_add(&counters.allocs, 1);
	__sync_fetch_and_add(&counters.alloc_pages, npages);
	if (bpf_map_update_elem(&pages, &pfn, &v, BPF_ANY)) {
		__sync_fetch_and_add(&counters.dropped, 1);
		__sync_fetch_and_add(&counters.dropped_pages, npages);
	}
	return 0;
}

static __always_inline void page_freed(__u64 pfn, __u32 order)
{
	__u64 npages = 1ULL << (order & 31);
	if (bpf_map_delete_elem(&pages, &pfn) == 0) {
		__sync_fetch_and_add(&counters.frees, 1);
		__sync_fetch_and_add(&counters.freed_pages, npages);
	} else {
		__sync_fetch_and_add(&counters.unknown_frees, 1);
		__sync_fetch_and_add(&counters.unknown_free_pages, npages);
	}
}

SEC("tracepoint/kmem/mm_page_free")
int on_page_free(struct trace_event_raw_mm_page_free *ctx)
{
	page_freed(ctx->pfn, ctx->order);
	return 0;
}

SEC("tracepoint/kmem/mm_page_free_batched")
int on_page_free_batched(struct trace_event_raw_mm_page_free_batched *ctx)
{
	page_freed(ctx->pfn, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
