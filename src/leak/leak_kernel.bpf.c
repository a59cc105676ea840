// SPDX-License-Identifier: GPL-2.0
/* Kernel allocations for `memmon leak --kernel`: kmalloc, kmem_cache, pages and percpu,
 * from the kmem and percpu tracepoints, keyed by object (pages by pfn) with the kernel
 * stack of the allocation. Frees remove them; what remains is outstanding. With -p or a
 * launched program, only allocations made while one of those processes runs count (the
 * one process filter, core/task_filter.bpf.h, by pid). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "leak/leak_event.h"
#include "kernel/common.bpf.h"
#include "core/task_filter.bpf.h"
#define STACK_STORE_DEPTH ALLOC_STACK_DEPTH
#define STACK_STORE_ENTRIES 65536
#include "symbols/stack_store.bpf.h"

/* Pages and percpu chunks live in their own key spaces. */
#define PAGE_KEY(pfn) ((pfn) | (1ULL << 63))
#define PERCPU_KEY(p) ((p) | (1ULL << 62))

const volatile __u64 min_size = 0;
const volatile __u64 max_size = ~0ULL;
const volatile __u32 sample_rate = 1;
const volatile __u32 page_size = 4096;

struct alloc_counters counters = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 524288);
	__type(key, struct alloc_key); /* tgid 0: kernel objects are global */
	__type(value, struct alloc_info);
} allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct stack_key);
	__type(value, struct stack_stats);
} combined SEC(".maps");

static __always_inline void on_alloc(void *ctx, __u64 addr, __u64 size, __u64 call_site, __u32 fn)
{
	struct alloc_key key = { .addr = addr };
	if (size < min_size || size > max_size)
		return;
	if (!tgid_selected(bpf_get_current_pid_tgid() >> 32))
		return;
	if (sample_rate > 1 && bpf_get_prandom_u32() % sample_rate) {
		__sync_fetch_and_add(&counters.sampled_out, 1);
		return;
	}
	struct alloc_info a = { .size = size, .ts_ns = bpf_ktime_get_ns(), .fn = fn };
	a.key.stackid = stack_store_get(ctx, 0);
	if (a.key.stackid < 0) {
		__sync_fetch_and_add(&counters.stack_failures, 1);
		a.key.retaddr = call_site; /* at least the call site */
	}
	if (bpf_map_update_elem(&allocs, &key, &a, BPF_ANY)) {
		__sync_fetch_and_add(&counters.allocs_dropped, 1);
		return;
	}
	struct stack_stats *s = bpf_map_lookup_elem(&combined, &a.key);
	if (!s) {
		struct stack_stats ns = { .fn = fn };
		bpf_map_update_elem(&combined, &a.key, &ns, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&combined, &a.key);
		if (!s)
			return;
	}
	__sync_fetch_and_add(&s->bytes, size);
	__sync_fetch_and_add(&s->count, 1);
	s->fn = fn;
}

static __always_inline void on_free(__u64 addr)
{
	struct alloc_key key = { .addr = addr };
	struct alloc_info *a = bpf_map_lookup_elem(&allocs, &key);
	if (!a)
		return; /* allocated before tracing, by an untraced process, or not sampled */
	struct stack_stats *s = bpf_map_lookup_elem(&combined, &a->key);
	if (s) {
		__sync_fetch_and_sub(&s->bytes, a->size);
		__sync_fetch_and_sub(&s->count, 1);
	}
	bpf_map_delete_elem(&allocs, &key);
}

SEC("tracepoint/kmem/kmalloc")
int on_kmalloc(struct trace_event_raw_kmalloc *ctx)
{
	on_alloc(ctx, (__u64)ctx->ptr, ctx->bytes_alloc, ctx->call_site, FN_KMALLOC);
	return 0;
}

SEC("tracepoint/kmem/kfree")
int on_kfree(struct trace_event_raw_kfree *ctx)
{
	on_free((__u64)ctx->ptr);
	return 0;
}

SEC("tracepoint/kmem/kmem_cache_alloc")
int on_cache_alloc(struct trace_event_raw_kmem_cache_alloc *ctx)
{
	on_alloc(ctx, (__u64)ctx->ptr, ctx->bytes_alloc, ctx->call_site, FN_KMEM_CACHE);
	return 0;
}

SEC("tracepoint/kmem/kmem_cache_free")
int on_cache_free(struct trace_event_raw_kmem_cache_free *ctx)
{
	on_free((__u64)ctx->ptr);
	return 0;
}

SEC("tracepoint/kmem/mm_page_alloc")
int on_page_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	if (ctx->pfn == ~0UL)
		return 0; /* failed allocation */
	on_alloc(ctx, PAGE_KEY(ctx->pfn), (__u64)page_size << ctx->order, 0, FN_PAGES);
	return 0;
}

SEC("tracepoint/kmem/mm_page_free")
int on_page_free(struct trace_event_raw_mm_page_free *ctx)
{
	on_free(PAGE_KEY(ctx->pfn));
	return 0;
}

SEC("tracepoint/kmem/mm_page_free_batched")
int on_page_free_batched(struct trace_event_raw_mm_page_free_batched *ctx)
{
	on_free(PAGE_KEY(ctx->pfn));
	return 0;
}

SEC("tracepoint/percpu/percpu_alloc_percpu")
int on_percpu_alloc(struct trace_event_raw_percpu_alloc_percpu *ctx)
{
	on_alloc(ctx, PERCPU_KEY((__u64)ctx->ptr), ctx->bytes_alloc, ctx->call_site, FN_PERCPU);
	return 0;
}

SEC("tracepoint/percpu/percpu_free_percpu")
int on_percpu_free(struct trace_event_raw_percpu_free_percpu *ctx)
{
	on_free(PERCPU_KEY((__u64)ctx->ptr));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
