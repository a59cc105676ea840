// SPDX-License-Identifier: GPL-2.0
/* User-space allocator probes: malloc family and anonymous mmap/munmap.
 * Entry probes record the size and the stack per thread, return probes turn that into an
 * outstanding allocation keyed by address; free looks the address up. The outermost
 * allocator call on a thread defines what happened (glibc's realloc calls malloc and free
 * inside), so nested calls are ignored. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "alloc_event.h"
#include "common.bpf.h"

#define MAP_ANONYMOUS 0x20

const volatile __u64 min_size = 0;
const volatile __u64 max_size = ~0ULL;
const volatile __u32 sample_rate = 1;
const volatile bool report_invalid = false; /* traced from the start: unknown frees are errors */
/* Full stacks of every free cost as much as the allocation's; by default a free keeps
 * only its caller (for the "first freed at" of a double free). */
const volatile bool free_stacks = false;

struct alloc_counters counters = {};

struct pending {
	__u64 size;
	__u64 arg;   /* realloc: old pointer; posix_memalign: memptr */
	struct stack_key key;
	__u32 fn;
	__u16 depth;  /* nested allocator calls below the outermost one */
	__u16 active; /* a call is in progress (task storage outlives calls) */
};

/* The call in progress on each thread. Task storage finds it from the task itself: no
 * hashing, no table to fill. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending);
} pending SEC(".maps");

static __always_inline struct pending *pending_get(bool create)
{
	return bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 524288); /* resized by --max-allocs */
	__type(key, __u64);
	__type(value, struct alloc_info);
} allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct stack_key);
	__type(value, struct stack_stats);
} combined SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 65536);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, ALLOC_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

/* Recently freed blocks, to tell a double free from an invalid one: a direct-mapped cache
 * indexed by address hash. An array slot write costs a fraction of an LRU hash update
 * (measured ~0.1 vs ~0.7 us per free); a collision forgets the older block. The address is
 * written last and checked again after reading, so a slot rewritten meanwhile is ignored. */
#define FREED_SLOTS 65536
/* BPF has no fence instruction; the JIT keeps store and load order on x86 (TSO), so a
 * compiler barrier is enough there. Elsewhere a torn slot can only garble a report. */
#define barrier() asm volatile("" ::: "memory")
struct freed_slot {
	__u64 addr;
	struct freed_info info;
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FREED_SLOTS);
	__type(key, __u32);
	__type(value, struct freed_slot);
} freed SEC(".maps");

static __always_inline struct freed_slot *freed_slot_of(__u64 addr)
{
	__u32 idx = (__u32)((addr >> 4) * 0x9E3779B97F4A7C15ULL >> 48) & (FREED_SLOTS - 1);
	return bpf_map_lookup_elem(&freed, &idx);
}

static __always_inline void freed_remember(__u64 addr, struct freed_info *f)
{
	struct freed_slot *s = freed_slot_of(addr);
	if (!s)
		return;
	s->addr = 0;
	barrier();
	s->info = *f;
	barrier();
	s->addr = addr;
}

static __always_inline bool freed_recall(__u64 addr, struct freed_info *out)
{
	struct freed_slot *s = freed_slot_of(addr);
	if (!s || s->addr != addr)
		return false;
	*out = s->info;
	barrier();
	return s->addr == addr;
}

static __always_inline void freed_forget(__u64 addr)
{
	struct freed_slot *s = freed_slot_of(addr);
	if (s && s->addr == addr)
		s->addr = 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* The cookie's low 32 bits hold how many bytes the function pushed before the probe, so
 * the return address is found at sp + that, wherever the probe sits. */
static __always_inline struct stack_key capture_stack(struct pt_regs *ctx)
{
	struct stack_key k = {};
	__u64 sp_delta = (__u32)bpf_get_attach_cookie(ctx);
	bpf_probe_read_user(&k.retaddr, sizeof(k.retaddr), (void *)(PT_REGS_SP(ctx) + sp_delta));
	/* Skip frame 0 (the probe address itself): the chain starts at the caller's caller. */
	k.stackid = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK | 1);
	/* -EFAULT: no frame beyond the caller (a thread's start function); not a failure. */
	if (k.stackid < 0 && k.stackid != -14)
		__sync_fetch_and_add(&counters.stack_failures, 1);
	k.tgid = bpf_get_current_pid_tgid() >> 32;
	return k;
}

/* The caller alone: one read, no stack walk. */
static __always_inline struct stack_key capture_caller(struct pt_regs *ctx)
{
	struct stack_key k = { .stackid = -1 };
	__u64 sp_delta = (__u32)bpf_get_attach_cookie(ctx);
	bpf_probe_read_user(&k.retaddr, sizeof(k.retaddr), (void *)(PT_REGS_SP(ctx) + sp_delta));
	k.tgid = bpf_get_current_pid_tgid() >> 32;
	return k;
}

static __always_inline bool in_allocator(void)
{
	struct pending *p = pending_get(false);
	return p && p->active;
}

static __always_inline int enter(struct pt_regs *ctx, __u32 fn, __u64 size, __u64 arg)
{
	struct pending *p = pending_get(true);
	if (!p) {
		__sync_fetch_and_add(&counters.pending_dropped, 1);
		return 0;
	}
	if (p->active) {
		p->depth++;
		return 0;
	}
	p->size = size;
	p->arg = arg;
	p->fn = fn;
	p->depth = 0;
	p->key = capture_stack(ctx);
	p->active = 1;
	return 0;
}

/* Returns the outermost call in progress on this thread, or NULL for nested/unknown ones. */
static __always_inline struct pending *leave(void)
{
	struct pending *p = pending_get(false);
	if (!p || !p->active)
		return NULL;
	if (p->depth) {
		p->depth--;
		return NULL;
	}
	return p;
}

static __always_inline void stats_add(struct stack_key *key, __u64 size, __u32 fn)
{
	struct stack_stats *s = bpf_map_lookup_elem(&combined, key);
	if (s) {
		__sync_fetch_and_add(&s->bytes, size);
		__sync_fetch_and_add(&s->count, 1);
		s->fn = fn;
		return;
	}
	struct stack_stats ns = { .bytes = size, .count = 1, .fn = fn };
	if (bpf_map_update_elem(&combined, key, &ns, BPF_NOEXIST)) {
		s = bpf_map_lookup_elem(&combined, key);
		if (s) {
			__sync_fetch_and_add(&s->bytes, size);
			__sync_fetch_and_add(&s->count, 1);
		}
	}
}

static __always_inline void stats_sub(struct stack_key *key, __u64 size)
{
	struct stack_stats *s = bpf_map_lookup_elem(&combined, key);
	if (s) {
		__sync_fetch_and_sub(&s->bytes, size);
		__sync_fetch_and_sub(&s->count, 1);
	}
}

static __always_inline void record_alloc(__u64 addr, struct pending *p)
{
	if (!addr)
		return;
	if (p->size < min_size || p->size > max_size ||
	    (sample_rate > 1 && bpf_get_prandom_u32() % sample_rate)) {
		if (sample_rate > 1 && p->size >= min_size && p->size <= max_size)
			__sync_fetch_and_add(&counters.sampled_out, 1);
		/* An untracked block at a freed address: its free must not look like a
		 * double free. Tracked blocks need no such delete: free finds them first. */
		freed_forget(addr);
		return;
	}
	struct alloc_info a = { .size = p->size, .ts_ns = bpf_ktime_get_ns(), .key = p->key,
				.fn = p->fn };
	if (bpf_map_update_elem(&allocs, &addr, &a, BPF_ANY)) {
		__sync_fetch_and_add(&counters.allocs_dropped, 1);
		return;
	}
	stats_add(&a.key, a.size, a.fn);
}

/* Forgets an outstanding block, remembering it as freed. */
static __always_inline void forget_found(__u64 addr, struct alloc_info *a, struct stack_key *free_key)
{
	struct freed_info f = { .alloc_key = a->key, .size = a->size, .ts_ns = bpf_ktime_get_ns() };
	if (free_key)
		f.free_key = *free_key;
	stats_sub(&a->key, a->size);
	bpf_map_delete_elem(&allocs, &addr);
	freed_remember(addr, &f);
}

/* Forgets a block; returns false if it was not an outstanding allocation. */
static __always_inline bool forget_alloc(__u64 addr, struct stack_key *free_key)
{
	struct alloc_info *a = bpf_map_lookup_elem(&allocs, &addr);
	if (!a)
		return false;
	forget_found(addr, a, free_key);
	return true;
}

static __always_inline void report_error(__u32 kind, __u64 addr, struct stack_key *key,
					 struct freed_info *first)
{
	struct alloc_error_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return;
	__u64 id = bpf_get_current_pid_tgid();
	e->kind = kind;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->pad = 0;
	e->addr = addr;
	e->ts_ns = bpf_ktime_get_ns();
	e->free_key = *key;
	if (first) {
		e->first_free = first->free_key;
		e->alloc_key = first->alloc_key;
		e->size = first->size;
	} else {
		__builtin_memset(&e->first_free, 0, sizeof(e->first_free));
		__builtin_memset(&e->alloc_key, 0, sizeof(e->alloc_key));
		e->size = 0;
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int do_free(struct pt_regs *ctx, __u64 addr)
{
	if (!addr)
		return 0;
	if (in_allocator())
		return 0; /* inside realloc & co: the outer call accounts for it */
	struct alloc_info *a = bpf_map_lookup_elem(&allocs, &addr);
	if (a) {
		struct stack_key key = free_stacks ? capture_stack(ctx) : capture_caller(ctx);
		forget_found(addr, a, &key);
		return 0;
	}
	struct freed_info first;
	if (freed_recall(addr, &first)) {
		struct stack_key key = capture_stack(ctx);
		report_error(ERR_DOUBLE_FREE, addr, &key, &first);
	} else if (report_invalid && sample_rate <= 1) {
		struct stack_key key = capture_stack(ctx);
		report_error(ERR_INVALID_FREE, addr, &key, NULL);
	}
	return 0;
}

/* munmap of a mapping we saw: all of it frees it, its head leaves the rest outstanding. */
static __always_inline int do_munmap(__u64 a, __u64 len)
{
	if (in_allocator())
		return 0;
	struct alloc_info *info = bpf_map_lookup_elem(&allocs, &a);
	if (!info || info->fn != FN_MMAP)
		return 0; /* not an mapping we saw: not an error, munmap takes any range */
	if (len >= info->size) {
		forget_alloc(a, NULL);
		return 0;
	}
	struct alloc_info rest = *info;
	rest.size -= len;
	struct stack_stats *s = bpf_map_lookup_elem(&combined, &info->key);
	if (s)
		__sync_fetch_and_sub(&s->bytes, len);
	bpf_map_delete_elem(&allocs, &a);
	__u64 na = a + len;
	bpf_map_update_elem(&allocs, &na, &rest, BPF_ANY);
	return 0;
}

/* One entry program for every allocator function: the attach cookie says which function
 * (high 32 bits) and how far the probe sits into it (low 32 bits, see capture_stack). One
 * program lets one uprobe_multi link carry every entry probe. */
SEC("uprobe")
int alloc_enter(struct pt_regs *ctx)
{
	__u32 fn = bpf_get_attach_cookie(ctx) >> 32;
	__u64 a0 = PT_REGS_PARM1(ctx), a1 = PT_REGS_PARM2(ctx), a2 = PT_REGS_PARM3(ctx);
	switch (fn) {
	case FN_FREE:
		return do_free(ctx, a0);
	case FN_MUNMAP:
		return do_munmap(a0, a1);
	case FN_MALLOC:
	case FN_VALLOC:
		return enter(ctx, fn, a0, 0);
	case FN_PVALLOC:
		return enter(ctx, fn, (a0 + 4095) & ~4095ULL, 0);
	case FN_CALLOC:
		return enter(ctx, fn, a0 * a1, 0);
	case FN_REALLOC:
		return enter(ctx, fn, a1, a0);
	case FN_REALLOCARRAY:
		return enter(ctx, fn, a1 * a2, a0);
	case FN_POSIX_MEMALIGN:
		return enter(ctx, fn, a2, a0);
	case FN_ALIGNED_ALLOC:
	case FN_MEMALIGN:
		return enter(ctx, fn, a1, 0);
	case FN_MMAP:
		/* Inside the allocator, enter() counts the mmap as nested: its block is
		 * counted once. Other mmaps count only when anonymous. */
		if (!(PT_REGS_PARM4(ctx) & MAP_ANONYMOUS) && !in_allocator())
			return 0;
		return enter(ctx, fn, a1, 0);
	}
	return 0;
}

/* One return probe for every allocating function: the pending call says which. */
SEC("uretprobe")
int BPF_KRETPROBE(alloc_return, void *ret)
{
	struct pending *p = leave();
	if (!p)
		return 0;
	__u64 addr = (__u64)ret;
	switch (p->fn) {
	case FN_REALLOC:
	case FN_REALLOCARRAY:
		if (addr) {
			if (p->arg)
				forget_alloc(p->arg, &p->key);
			record_alloc(addr, p);
		} else if (p->size == 0 && p->arg) {
			forget_alloc(p->arg, &p->key); /* realloc(p, 0) frees p */
		}
		break;
	case FN_POSIX_MEMALIGN:
		if (addr == 0) { /* returns 0 on success, the block is in *memptr */
			__u64 block = 0;
			bpf_probe_read_user(&block, sizeof(block), (void *)p->arg);
			record_alloc(block, p);
		}
		break;
	case FN_MMAP:
		if (addr != ~0ULL)
			record_alloc(addr, p);
		break;
	default:
		record_alloc(addr, p);
	}
	p->active = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
