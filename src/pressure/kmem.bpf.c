// SPDX-License-Identifier: GPL-2.0
/* Kernel allocation rates from the kmem tracepoints: kmalloc, kmem_cache_alloc and page
 * allocations, counted in place by (cache, call site[, kernel stack]); user space reads and
 * diffs the table every interval. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pressure/kmem_event.h"
#include "kernel/common.bpf.h"
#include "core/task_filter.bpf.h"
#define STACK_STORE_DEPTH KMEM_STACK_DEPTH
#define STACK_STORE_ENTRIES 16384
#include "symbols/stack_store.bpf.h"

const volatile bool capture_stacks = false;
const volatile __u64 page_size = 4096;
/* GFP bits of this kernel, set by user space from BTF */
const volatile __u64 gfp_dma = 1, gfp_reclaimable = 0x10, gfp_account = 0x400000;

__u64 table_full = 0; /* allocations not counted: the table was full */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct kmem_key);
	__type(value, struct kmem_value);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kmem_key);
} scratch SEC(".maps");

static __always_inline struct kmem_key *new_key(void *ctx)
{
	__u32 zero = 0;
	struct kmem_key *k = bpf_map_lookup_elem(&scratch, &zero);
	if (!k)
		return NULL;
	__builtin_memset(k, 0, sizeof(*k));
	k->stackid = capture_stacks ? stack_store_get(ctx, 0) : -1;
	return k;
}

static __always_inline void count(struct kmem_key *k, __u64 bytes, __u64 req)
{
	struct kmem_value *v = bpf_map_lookup_elem(&counts, k);
	if (!v) {
		struct kmem_value zero = {};
		bpf_map_update_elem(&counts, k, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&counts, k);
		if (!v) {
			__sync_fetch_and_add(&table_full, 1);
			return;
		}
	}
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->bytes, bytes);
	__sync_fetch_and_add(&v->bytes_req, req);
}

SEC("tracepoint/kmem/kmalloc")
int on_kmalloc(struct trace_event_raw_kmalloc *ctx)
{
	if (!current_selected())
		return 0;
	struct kmem_key *k = new_key(ctx);
	if (!k)
		return 0;
	__u64 gfp = ctx->gfp_flags;
	k->kind = KMEM_KMALLOC;
	k->call_site = ctx->call_site;
	k->size = ctx->bytes_alloc;
	/* the kernel's kmalloc_type(): DMA, then reclaimable, then accounted */
	if (gfp & gfp_dma)
		k->kmalloc_type = KMALLOC_T_DMA;
	else if (gfp & gfp_reclaimable)
		k->kmalloc_type = KMALLOC_T_RECLAIM;
	else if (gfp & gfp_account)
		k->kmalloc_type = KMALLOC_T_CGROUP;
	count(k, ctx->bytes_alloc, ctx->bytes_req);
	return 0;
}

/* The cache's name is a field of kmem:kmem_cache_alloc from 6.2 on; before, this program is
 * not loaded and on_cache_alloc_btf reads it from the tracepoint's struct kmem_cache. */
SEC("tracepoint/kmem/kmem_cache_alloc")
int on_cache_alloc(struct trace_event_raw_kmem_cache_alloc *ctx)
{
	if (!current_selected())
		return 0;
	struct kmem_key *k = new_key(ctx);
	if (!k)
		return 0;
	k->kind = KMEM_SLAB;
	k->call_site = ctx->call_site;
	if (bpf_core_field_exists(ctx->__data_loc_name)) {
		unsigned short off = ctx->__data_loc_name & 0xffff;
		bpf_probe_read_kernel_str(k->cache, sizeof(k->cache), (void *)ctx + off);
	}
	count(k, ctx->bytes_alloc, ctx->bytes_req);
	return 0;
}

/* trace_kmem_cache_alloc(call_site, ptr, s, gfp_flags, node) since 6.1; bytes_req and
 * bytes_alloc are s->object_size and s->size, as the tracepoint's own fields. */
SEC("tp_btf/kmem_cache_alloc")
int BPF_PROG(on_cache_alloc_btf, unsigned long call_site, const void *ptr, struct kmem_cache *s)
{
	if (!current_selected())
		return 0;
	struct kmem_key *k = new_key(ctx);
	if (!k)
		return 0;
	k->kind = KMEM_SLAB;
	k->call_site = call_site;
	bpf_probe_read_kernel_str(k->cache, sizeof(k->cache), BPF_CORE_READ(s, name));
	count(k, BPF_CORE_READ(s, size), BPF_CORE_READ(s, object_size));
	return 0;
}

SEC("tracepoint/kmem/mm_page_alloc")
int on_page_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	if (!current_selected())
		return 0;
	struct kmem_key *k = new_key(ctx);
	if (!k)
		return 0;
	k->kind = KMEM_PAGES;
	k->size = ctx->order;
	__u64 bytes = page_size << (ctx->order & 31);
	count(k, bytes, bytes);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
