// SPDX-License-Identifier: GPL-2.0
/* User-space allocator probes: malloc family, anonymous mmap/munmap/mremap, C++ operator new.
 * Entry probes record the size and the stack per thread, return probes turn that into an
 * outstanding allocation keyed by process and address; free looks it up. The outermost
 * allocator call on a thread defines what happened (glibc's realloc calls malloc and free
 * inside), so nested calls are ignored; the allocator library's own frees and mmaps of
 * memory it manages itself (tcache teardown, arena heaps, thread stacks) are not the
 * program's and are ignored too.
 *
 * operator new is a wrapper: it has no return probe, because a uretprobe replaces the
 * return address with a trampoline the C++ unwinder cannot step through, and a bad_alloc
 * thrown through it would terminate the program. Its entry records the call (size, the
 * user's stack); the allocator it calls (malloc, aligned_alloc) is its "inner" call, and
 * that call's return records the block under operator new's name, size and stack. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "leak/leak_event.h"
#include "kernel/common.bpf.h"
#define STACK_STORE_DEPTH ALLOC_STACK_DEPTH
#define STACK_STORE_ENTRIES 65536
#define STACK_STORE_USER
#include "symbols/stack_store.bpf.h"

#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define EEXIST 17
#define EFAULT 14

const volatile __u64 min_size = 0;
const volatile __u64 max_size = ~0ULL;
const volatile __u32 sample_rate = 1;
/* Traced from the start with nothing filtered out: an unknown free is an error. */
const volatile bool report_invalid = false;
/* Full stacks of every free cost as much as the allocation's; by default a free keeps
 * only its caller (for the "first freed at" of a double free). */
const volatile bool free_stacks = false;
/* memmon heap -p: each tracked allocation and free also goes to the ring buffer. */
const volatile bool heap_stream = false;
/* Waking the reader at each of those events costs more than the probes (the reader drains
 * on its ticks): only past this backlog. */
const volatile __u64 stream_wakeup_bytes = 1 << 20;
/* memmon heap -p --sample-bytes: the mean bytes between sampled allocations (0: every
 * one), and -ln(k / 1024) in 2^24 fixed point for k = 1..1024 (user space fills it: no
 * floating point here) to draw the exponential gaps. */
const volatile __u64 sample_bytes = 0;
const volatile __u32 neglog_fp[1025] = {};

struct alloc_counters counters = {};

struct pending {
	__u64 size;
	__u64 arg;      /* realloc: old pointer; posix_memalign: memptr */
	__u64 entry_sp; /* stack pointer at the outermost call's entry */
	struct stack_key key;
	__u32 fn;
	__u32 active;   /* a call is in progress (task storage outlives calls) */
	/* A wrapper call (operator new): the innermost wrapper function entered so far (new
	 * nothrow calls new; new[] tail-jumps to new), and the inner allocator call. */
	__u64 wrap_lo, wrap_hi; /* its code range */
	__u64 wrap_sp;          /* its entry stack pointer */
	__u64 wrap_ret;         /* its return address */
	__u64 inner_sp;         /* entry stack pointer of the inner call; 0: none yet */
	__u64 inner_arg;
	__u32 inner_fn;
	__u32 sampled;          /* --sample-bytes: this call's allocation is recorded */
	/* kept across calls */
	__s64 countdown;        /* --sample-bytes: bytes to the next sample */
	__u32 gap_drawn;        /* countdown holds a drawn gap */
	__u32 calls;            /* outermost allocator calls of the thread */
};

/* The call in progress on each thread. Task storage finds it from the task itself: no
 * hashing, no table to fill. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 524288); /* resized by --max-allocs */
	__type(key, struct alloc_key);
	__type(value, struct alloc_info);
} allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct stack_key);
	__type(value, struct stack_stats);
} combined SEC(".maps");

/* The allocator libraries probed, by device and inode (filled by user space). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct lib_id);
	__type(value, __u8);
} libs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* the process filter, following forked children (needs `events`) */
#include "leak/leak_follow.bpf.h"

static __always_inline void stream_event(__u32 kind, __u64 addr, __u64 size, __u32 fn,
					 const struct stack_key *key)
{
	struct alloc_stream_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return;
	__u64 id = bpf_get_current_pid_tgid();
	e->kind = kind;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->fn = fn;
	e->addr = addr;
	e->size = size;
	e->ts_ns = bpf_ktime_get_ns();
	e->key = *key;
	struct pending *p = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, 0);
	e->calls = p ? p->calls : 0;
	e->pad = 0;
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	bpf_ringbuf_submit(e, avail >= stream_wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* Recently freed blocks, to tell a double free from an invalid one: a direct-mapped cache
 * indexed by address hash. An array slot write costs a fraction of an LRU hash update
 * (measured ~0.1 vs ~0.7 us per free); a collision forgets the older block. The key is
 * written last and checked again after reading, so a slot rewritten meanwhile is ignored. */
#define FREED_SLOTS 65536
/* BPF has no fence instruction; the JIT keeps store and load order on x86 (TSO), so a
 * compiler barrier is enough there. Elsewhere a torn slot can only garble a report. */
#define barrier() asm volatile("" ::: "memory")
struct freed_slot {
	struct alloc_key key;
	struct freed_info info;
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FREED_SLOTS);
	__type(key, __u32);
	__type(value, struct freed_slot);
} freed SEC(".maps");

static __always_inline struct freed_slot *freed_slot_of(struct alloc_key *k)
{
	__u64 h = ((k->addr >> 4) ^ ((__u64)k->tgid << 40)) * 0x9E3779B97F4A7C15ULL;
	__u32 idx = (__u32)(h >> 48) & (FREED_SLOTS - 1);
	return bpf_map_lookup_elem(&freed, &idx);
}

static __always_inline bool same_key(struct alloc_key *a, struct alloc_key *b)
{
	return a->addr == b->addr && a->tgid == b->tgid;
}

static __always_inline void freed_remember(struct alloc_key *k, struct freed_info *f)
{
	struct freed_slot *s = freed_slot_of(k);
	if (!s)
		return;
	s->key.addr = 0;
	barrier();
	s->info = *f;
	s->key.tgid = k->tgid;
	barrier();
	s->key.addr = k->addr;
}

static __always_inline bool freed_recall(struct alloc_key *k, struct freed_info *out)
{
	struct freed_slot *s = freed_slot_of(k);
	if (!s || !same_key(&s->key, k))
		return false;
	*out = s->info;
	barrier();
	return same_key(&s->key, k);
}

static __always_inline void freed_forget(struct alloc_key *k)
{
	struct freed_slot *s = freed_slot_of(k);
	if (s && same_key(&s->key, k))
		s->key.addr = 0;
}

static __always_inline struct alloc_key key_of(__u64 addr)
{
	struct alloc_key k = { .addr = addr, .tgid = bpf_get_current_pid_tgid() >> 32 };
	return k;
}

/* The cookie says how many bytes the function pushed before the probe (ALLOC_COOKIE), so
 * the return address is found at sp + that, wherever the probe sits. */
static __always_inline __u64 sp_at_entry(struct pt_regs *ctx)
{
	return PT_REGS_SP(ctx) + (bpf_get_attach_cookie(ctx) & 0xff);
}

static __always_inline __u64 retaddr_at(__u64 sp)
{
	__u64 r = 0;
	bpf_probe_read_user(&r, sizeof(r), (void *)sp);
	return r;
}

static __always_inline bool is_wrapper(__u32 fn)
{
	return fn == FN_NEW || fn == FN_NEW_ARRAY;
}

/* The probed function's code range, from the probe address (a uprobe handler sees the
 * probed instruction's address in ip) and the cookie's offset and size. */
static __always_inline void wrapper_enter(struct pending *p, struct pt_regs *ctx, __u64 sp,
					  __u64 ret)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	p->wrap_lo = PT_REGS_IP(ctx) - ((cookie >> 8) & 0xff);
	p->wrap_hi = p->wrap_lo + ((cookie >> 16) & 0xffff);
	p->wrap_sp = sp;
	p->wrap_ret = ret;
}

/* Is a call entering at sp, returning to ret, part of the wrapper call p? It is when the
 * innermost wrapper made it (ret inside that function), tail-jumped to it (same sp and
 * return address), or it runs inside the inner call. Anything else means the wrapper's
 * inner call never came (an operator new that does not use a probed allocator) and the
 * wrapper returned long ago. */
static __always_inline bool wrapper_owns(struct pending *p, __u64 sp, __u64 ret)
{
	if (p->inner_sp && sp < p->inner_sp)
		return true;
	if (ret >= p->wrap_lo && ret < p->wrap_hi)
		return true;
	return sp == p->wrap_sp && ret == p->wrap_ret;
}

static __always_inline struct stack_key capture_stack(struct pt_regs *ctx)
{
	struct stack_key k = {};
	bpf_probe_read_user(&k.retaddr, sizeof(k.retaddr), (void *)sp_at_entry(ctx));
	/* Skip frame 0 (the probe address itself): the chain starts at the caller. */
	k.stackid = stack_store_get_user_ctx(ctx, ctx, 1);
	if (k.stackid < 0)
		__sync_fetch_and_add(&counters.stack_failures, 1);
	k.tgid = bpf_get_current_pid_tgid() >> 32;
	return k;
}

/* The caller alone: one read, no stack walk. */
static __always_inline struct stack_key capture_caller(struct pt_regs *ctx)
{
	struct stack_key k = { .stackid = -1 };
	bpf_probe_read_user(&k.retaddr, sizeof(k.retaddr), (void *)sp_at_entry(ctx));
	k.tgid = bpf_get_current_pid_tgid() >> 32;
	return k;
}

struct vma_check {
	bool in_lib;
};

static long vma_is_lib(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct vma_check *c = data;
	struct file *f = vma->vm_file;
	if (!f)
		return 0;
	struct lib_id id = {
		.dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev),
		.ino = BPF_CORE_READ(f, f_inode, i_ino),
	};
	c->in_lib = bpf_map_lookup_elem(&libs, &id) != NULL;
	return 0;
}

/* Is this return address inside one of the probed allocator libraries? Costs a VMA
 * lookup, so it is asked only on rare paths (mmap calls, frees of unknown blocks). */
static __always_inline bool caller_in_lib(__u64 retaddr)
{
	struct vma_check c = {};
	bpf_find_vma(bpf_get_current_task_btf(), retaddr, vma_is_lib, &c, 0);
	return c.in_lib;
}

/* The call in progress on this thread, if any, seen from a probe at a function's entry
 * whose entry stack pointer is sp. A call made inside the one in progress has sp below its
 * entry_sp, or equal for a tail call (glibc's realloc(NULL, n) jumps to malloc); above it,
 * that call's frame is gone and its return was never seen: it is stale and dropped. */
static __always_inline struct pending *current_call(__u64 sp)
{
	struct pending *p = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, 0);
	if (!p || !p->active)
		return NULL;
	if (sp > p->entry_sp) {
		p->active = 0;
		return NULL;
	}
	return p;
}

static __always_inline bool in_allocator(struct pt_regs *ctx)
{
	__u64 sp = sp_at_entry(ctx);
	struct pending *p = current_call(sp);
	if (!p)
		return false;
	if (!is_wrapper(p->fn) || wrapper_owns(p, sp, retaddr_at(sp)))
		return true;
	p->active = 0; /* a stale wrapper call */
	return false;
}

/* An allocator call made while a wrapper call is in progress: returns true if it belongs
 * to the wrapper (and notes it), false if the wrapper was stale and is now dropped. */
static __always_inline bool wrapper_nested(struct pending *p, struct pt_regs *ctx, __u32 fn,
					   __u64 sp, __u64 size, __u64 arg)
{
	__u64 ret = retaddr_at(sp);
	if (!wrapper_owns(p, sp, ret)) {
		p->active = 0;
		return false;
	}
	if (p->inner_sp && sp < p->inner_sp)
		return true; /* inside the inner call (malloc's own mmap) */
	if (is_wrapper(fn)) {
		/* new nothrow -> new, new[] -> new: the size is passed on unchanged (taking it
		 * anyway keeps a repeated call after a stale one right) */
		wrapper_enter(p, ctx, sp, ret);
		p->size = size;
	} else if (!p->inner_sp) {
		p->inner_sp = sp;
		p->inner_fn = fn;
		p->inner_arg = arg;
	}
	return true;
}

/* An exponential gap of mean sample_bytes: -ln(u) from the table, interpolated between
 * its rows; u below 1/1024 is ln(1024) plus -ln of a fresh draw (the exponential forgets:
 * u * 1024 is again uniform), three levels deep at most (the rest has p < 1e-9). */
#define LN1024_FP 116287074ull /* ln(1024) * 2^24 */
static __always_inline __s64 draw_gap(void)
{
	__u64 lg = 0;
	for (int level = 0; level < 3; level++) {
		__u32 r = bpf_get_prandom_u32();
		__u32 i = r >> 22, f = (r >> 12) & 1023;
		if (i == 0 && level < 2) {
			lg += LN1024_FP;
			continue;
		}
		if (i == 0)
			i = 1;
		__u64 hi = neglog_fp[i], lo = neglog_fp[i + 1]; /* -ln falls as u grows */
		lg += hi - ((hi - lo) * f >> 10);
		break;
	}
	return (__s64)((sample_bytes * (lg >> 8)) >> 16) + 1;
}

/* --sample-bytes, as the preload library decides (a Poisson process over the bytes
 * allocated): a countdown per thread; the allocation that takes it to zero or below is
 * sampled, and a new gap starts. */
static __always_inline bool sample_take(struct pending *p, __u64 size)
{
	if (!p->gap_drawn) {
		p->countdown = draw_gap();
		p->gap_drawn = 1;
	}
	p->countdown -= (__s64)size;
	if (p->countdown > 0)
		return false;
	p->countdown = draw_gap();
	return true;
}

static __always_inline int enter(struct pt_regs *ctx, __u32 fn, __u64 size, __u64 arg)
{
	__u64 sp = sp_at_entry(ctx);
	struct pending *p = current_call(sp);
	if (p && (!is_wrapper(p->fn) || wrapper_nested(p, ctx, fn, sp, size, arg)))
		return 0; /* nested inside another allocator call */
	p = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!p) {
		__sync_fetch_and_add(&counters.pending_dropped, 1);
		return 0;
	}
	p->size = size;
	p->arg = arg;
	p->fn = fn;
	p->entry_sp = sp;
	p->calls++;
	p->sampled = !sample_bytes || sample_take(p, size);
	/* an allocation not sampled needs no stack: its caller alone (wrappers use it) */
	p->key = p->sampled ? capture_stack(ctx) : capture_caller(ctx);
	p->inner_sp = 0;
	if (is_wrapper(fn))
		wrapper_enter(p, ctx, sp, p->key.retaddr);
	p->active = 1;
	return 0;
}

/* At a return probe: the outermost call returning (its `ret` popped the return address,
 * so sp is entry_sp + 8), or a wrapper's inner call returning (inner_sp + 8); NULL for
 * nested calls and untracked ones. */
static __always_inline struct pending *leave(struct pt_regs *ctx)
{
	__u64 sp = PT_REGS_SP(ctx);
	struct pending *p = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, 0);
	if (!p || !p->active)
		return NULL;
	if (sp > p->entry_sp + 8) { /* stale, see current_call() */
		p->active = 0;
		return NULL;
	}
	if (is_wrapper(p->fn))
		return p->inner_sp && sp == p->inner_sp + 8 ? p : NULL;
	return sp == p->entry_sp + 8 ? p : NULL;
}

static __always_inline void stats_add(struct stack_key *key, __u64 size, __u32 fn)
{
	struct stack_stats *s = bpf_map_lookup_elem(&combined, key);
	if (!s) {
		struct stack_stats ns = { .fn = fn };
		if (bpf_map_update_elem(&combined, key, &ns, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&combined, key)) {
			__sync_fetch_and_add(&counters.stacks_dropped, 1);
			return;
		}
		s = bpf_map_lookup_elem(&combined, key);
		if (!s)
			return;
	}
	__sync_fetch_and_add(&s->bytes, size);
	__sync_fetch_and_add(&s->count, 1);
	s->fn = fn;
}

static __always_inline void stats_sub(struct stack_key *key, __u64 size)
{
	struct stack_stats *s = bpf_map_lookup_elem(&combined, key);
	if (s) {
		__sync_fetch_and_sub(&s->bytes, size);
		__sync_fetch_and_sub(&s->count, 1);
	}
}

/* Is an allocation of this size tracked (--min-size, --max-size, --sample-rate)? */
static __always_inline bool track_size(__u64 size)
{
	if (size < min_size || size > max_size)
		return false;
	if (sample_rate > 1 && bpf_get_prandom_u32() % sample_rate) {
		__sync_fetch_and_add(&counters.sampled_out, 1);
		return false;
	}
	return true;
}

static __always_inline void record_alloc(__u64 addr, struct pending *p)
{
	if (!addr)
		return;
	struct alloc_key k = key_of(addr);
	if (!p->sampled) {
		__sync_fetch_and_add(&counters.sampled_out, 1);
		freed_forget(&k);
		return;
	}
	if (!track_size(p->size)) {
		/* An untracked block at a freed address: its free must not look like a
		 * double free. Tracked blocks need no such delete: free finds them first. */
		freed_forget(&k);
		return;
	}
	struct alloc_info a = { .size = p->size, .ts_ns = bpf_ktime_get_ns(), .key = p->key,
				.fn = p->fn };
	long err = bpf_map_update_elem(&allocs, &k, &a, BPF_NOEXIST);
	if (err == -EEXIST) {
		/* A block we still hold was handed out again: its free was missed. Take it
		 * out of its stack's totals before replacing it. */
		struct alloc_info *old = bpf_map_lookup_elem(&allocs, &k);
		if (old)
			stats_sub(&old->key, old->size);
		err = bpf_map_update_elem(&allocs, &k, &a, BPF_ANY);
	}
	if (err) {
		__sync_fetch_and_add(&counters.allocs_dropped, 1);
		freed_forget(&k);
		return;
	}
	stats_add(&a.key, a.size, a.fn);
	if (heap_stream)
		stream_event(STREAM_EV_ALLOC, addr, a.size, a.fn, &a.key);
}

static __always_inline struct stack_ref ref_of(const struct stack_key *k)
{
	struct stack_ref r = { .retaddr = k->retaddr, .stackid = k->stackid };
	return r;
}

static __always_inline struct stack_key key_of_ref(const struct stack_ref *r, __u32 tgid)
{
	struct stack_key k = { .retaddr = r->retaddr, .stackid = r->stackid, .tgid = tgid };
	return k;
}

/* Forgets an outstanding block, remembering it as freed. */
static __always_inline void forget_found(struct alloc_key *k, struct alloc_info *a,
					 struct stack_key *free_key)
{
	struct freed_info f = { .alloc_ref = ref_of(&a->key), .size = a->size,
				.ts_ns = bpf_ktime_get_ns() };
	if (free_key)
		f.free_ref = ref_of(free_key);
	stats_sub(&a->key, a->size);
	if (heap_stream)
		stream_event(STREAM_EV_FREE, k->addr, a->size, a->fn, &a->key);
	bpf_map_delete_elem(&allocs, k);
	freed_remember(k, &f);
}

/* Forgets a block; returns false if it was not an outstanding allocation. */
static __always_inline bool forget_alloc(__u64 addr, struct stack_key *free_key)
{
	struct alloc_key k = key_of(addr);
	struct alloc_info *a = bpf_map_lookup_elem(&allocs, &k);
	if (!a)
		return false;
	forget_found(&k, a, free_key);
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
		e->first_free = key_of_ref(&first->free_ref, e->tgid);
		e->alloc_key = key_of_ref(&first->alloc_ref, e->tgid);
		e->size = first->size;
	} else {
		__builtin_memset(&e->first_free, 0, sizeof(e->first_free));
		__builtin_memset(&e->alloc_key, 0, sizeof(e->alloc_key));
		e->size = 0;
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* A free is one of the thread's allocator calls too: the block allocated last is no longer
 * freed by the thread's next call (temporary, as heaptrack counts it) once another is
 * freed. Counted after the free's own event, which the block's allocation is matched by. */
static __always_inline void count_free_call(void)
{
	struct pending *p = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, 0);
	if (p)
		p->calls++;
}

static __always_inline int do_free(struct pt_regs *ctx, __u64 addr)
{
	if (!addr)
		return 0;
	if (in_allocator(ctx))
		return 0; /* inside realloc & co: the outer call accounts for it */
	struct alloc_key k = key_of(addr);
	struct alloc_info *a = bpf_map_lookup_elem(&allocs, &k);
	if (a) {
		struct stack_key key = free_stacks ? capture_stack(ctx) : capture_caller(ctx);
		forget_found(&k, a, &key);
		if (heap_stream)
			count_free_call();
		return 0;
	}
	if (heap_stream)
		count_free_call();
	struct freed_info first;
	bool again = freed_recall(&k, &first);
	if (!again && !(report_invalid && counters.allocs_dropped == 0 && !follow_inherits(k.tgid)))
		return 0;
	struct stack_key key = capture_caller(ctx);
	if (caller_in_lib(key.retaddr)) {
		/* The library freeing memory it manages itself (glibc's tcache teardown at
		 * thread exit frees cached chunks and the tcache): not the program's doing. */
		__sync_fetch_and_add(&counters.internal_frees, 1);
		return 0;
	}
	key = capture_stack(ctx);
	report_error(again ? ERR_DOUBLE_FREE : ERR_INVALID_FREE, addr, &key, again ? &first : NULL);
	return 0;
}

/* Anonymous mappings: munmap may take any page range (a mapping's middle or tail, several
 * mappings, a range starting inside one) and mremap grows, shrinks, moves and copies them,
 * so they must be found by address range, which a hash keyed by start cannot do and a
 * bounded walk in BPF cannot do for every process. The probes therefore only report the
 * calls through the ring buffer and user space keeps the mappings in an ordered table
 * (leak/leak_regions.c) applied in ring-buffer order. That order is the kernel's wherever it
 * matters: the ring buffer orders reservations globally, and each event is reserved on the
 * side of the system call that keeps it ahead of whatever the call makes possible. An unmap
 * (munmap, mremap's old range at BEGIN) is reserved at entry, before the kernel frees the
 * pages, so a mapping that later reuses them (reserved at mmap's return, after the kernel
 * handed them out) comes after it; a new mapping is reserved at return, after the pages
 * are its own. mremap's old pieces are held aside from BEGIN to END, so a mapping made in
 * the range it vacated before its return is seen does not find them there. Nested calls
 * (glibc's realloc growing a chunk with mremap, free unmapping one) are the allocator's and
 * ignored like every nested call. */
static __always_inline void map_event(__u32 kind, __u64 addr, __u64 len, __u32 flags,
				      struct stack_key *key)
{
	struct alloc_map_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return;
	__u64 id = bpf_get_current_pid_tgid();
	e->kind = kind;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->flags = flags;
	e->addr = addr;
	e->len = len;
	e->ts_ns = bpf_ktime_get_ns();
	if (key)
		e->key = *key;
	else
		__builtin_memset(&e->key, 0, sizeof(e->key));
	bpf_ringbuf_submit(e, 0);
}

/* The program's anonymous mmaps are allocations. Any MAP_FIXED mapping also replaces what
 * was mapped in its range: its return is followed too, to unmap that (pending arg: 1 =
 * an allocation, 0 = only a replacement). */
static __always_inline int do_mmap(struct pt_regs *ctx, __u64 len, __u64 flags)
{
	if (in_allocator(ctx))
		return 0; /* the allocator's own mmap: its block is counted once */
	bool alloc = flags & MAP_ANONYMOUS;
	if (alloc) {
		/* Mappings the library makes for itself (arena heaps set up inside free,
		 * thread stacks) are not the program's allocations. */
		struct stack_key caller = capture_caller(ctx);
		alloc = !caller_in_lib(caller.retaddr);
	}
	if (!alloc && !(flags & MAP_FIXED))
		return 0;
	return enter(ctx, FN_MMAP, len, alloc);
}

static __always_inline void mmap_done(__u64 addr, struct pending *p)
{
	if (addr == ~0ULL)
		return; /* MAP_FAILED */
	if (!p->arg) {
		map_event(MAP_EV_UNMAP, addr, p->size, 0, NULL);
		return;
	}
	if (!track_size(p->size))
		return;
	/* A free of this address is no double free of a block once there. */
	struct alloc_key k = key_of(addr);
	freed_forget(&k);
	map_event(MAP_EV_MMAP, addr, p->size, 0, &p->key);
}

static __always_inline int do_munmap(struct pt_regs *ctx, __u64 addr, __u64 len)
{
	if (!in_allocator(ctx))
		map_event(MAP_EV_UNMAP, addr, len, 0, NULL);
	return 0;
}

/* mremap(old, old_len, new_len, flags, ...): BEGIN now, END at its return. */
static __always_inline int do_mremap(struct pt_regs *ctx, __u64 old, __u64 old_len,
				     __u64 new_len, __u32 flags)
{
	if (in_allocator(ctx))
		return 0;
	enter(ctx, FN_MREMAP, new_len, old);
	struct pending *p = current_call(sp_at_entry(ctx));
	if (p && p->fn == FN_MREMAP) /* else no END will come (thread table full) */
		map_event(MAP_EV_REMAP_BEGIN, old, old_len, flags, NULL);
	return 0;
}

/* One entry program for every allocator function: the attach cookie says which function
 * (high 32 bits) and how far the probe sits into it (low 32 bits, see sp_at_entry). One
 * program lets one uprobe_multi link carry every entry probe. */
SEC("uprobe")
int alloc_enter(struct pt_regs *ctx)
{
	if (!current_selected())
		return 0; /* probes on every process's library when following children */
	__u32 fn = bpf_get_attach_cookie(ctx) >> 32;
	__u64 a0 = PT_REGS_PARM1(ctx), a1 = PT_REGS_PARM2(ctx), a2 = PT_REGS_PARM3(ctx);
	switch (fn) {
	case FN_FREE:
		return do_free(ctx, a0);
	case FN_MUNMAP:
		return do_munmap(ctx, a0, a1);
	case FN_MREMAP:
		return do_mremap(ctx, a0, a1, a2, PT_REGS_PARM4(ctx));
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
	case FN_NEW:
	case FN_NEW_ARRAY: /* the size comes first in every variant */
		return enter(ctx, fn, a0, 0);
	case FN_MMAP:
		return do_mmap(ctx, a1, PT_REGS_PARM4(ctx));
	}
	return 0;
}

/* One return probe for every allocating function: the pending call says which. A
 * wrapper's inner call returning records the wrapper's allocation; if it failed, the
 * wrapper call ends here too (operator new then throws, or retries after calling the new
 * handler: that retry is then counted as the inner allocator's own call). */
SEC("uretprobe")
int BPF_KRETPROBE(alloc_return, void *ret)
{
	struct pending *p = leave(ctx);
	if (!p)
		return 0;
	__u64 addr = (__u64)ret;
	bool wrapped = is_wrapper(p->fn);
	__u64 arg = wrapped ? p->inner_arg : p->arg;
	switch (wrapped ? p->inner_fn : p->fn) {
	case FN_REALLOC:
	case FN_REALLOCARRAY:
		/* the free half comes first and is judged as the call it is (temporary: the
		 * thread's last allocation freed by its next call), so before this call's
		 * count; the allocation half carries it */
		p->calls--;
		if (arg && (addr || p->size == 0)) /* realloc(p, 0) frees p */
			forget_alloc(arg, &p->key);
		p->calls++;
		if (addr)
			record_alloc(addr, p);
		break;
	case FN_POSIX_MEMALIGN:
		if (addr == 0) { /* returns 0 on success, the block is in *memptr */
			__u64 block = 0;
			bpf_probe_read_user(&block, sizeof(block), (void *)arg);
			record_alloc(block, p);
		}
		break;
	case FN_MMAP:
		mmap_done(addr, p);
		break;
	case FN_MREMAP: /* ~0 (MAP_FAILED) too: the old range then stays */
		map_event(MAP_EV_REMAP_END, addr, p->size, 0, &p->key);
		break;
	default:
		record_alloc(addr, p);
	}
	p->active = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
