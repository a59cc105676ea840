/* Shared between the leak probe sets (leak/leak_user.bpf.c, leak/leak_kernel.bpf.c) and the
 * leak command: keys, values, events and counters of both sides. */
#ifndef MEMMON_LEAK_EVENT_H
#define MEMMON_LEAK_EVENT_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define ALLOC_STACK_DEPTH 64

/* The entry probes' attach cookie: which function (bits 32-63); the function's size in
 * bytes, capped (bits 16-31), and how far into it the probe sits (bits 8-15), so a probe
 * knows the function's address range; bytes pushed before the probe (bits 0-7), so the
 * return address is at sp + that. */
#define ALLOC_COOKIE(fn, size, probe_delta, sp_delta)                                     \
	((__u64)(fn) << 32 | (__u64)((size) > 0xffff ? 0xffff : (size)) << 16 |           \
	 (__u64)((probe_delta) & 0xff) << 8 | (__u64)((sp_delta) & 0xff))

/* Which allocator function a probe sits on (the BPF cookie's high 32 bits). */
enum alloc_fn {
	FN_MALLOC, FN_CALLOC, FN_REALLOC, FN_REALLOCARRAY, FN_POSIX_MEMALIGN, FN_ALIGNED_ALLOC,
	FN_MEMALIGN, FN_VALLOC, FN_PVALLOC, FN_MMAP, FN_FREE, FN_MUNMAP, FN_MREMAP,
	/* C++ operator new and new[] (every variant: nothrow, aligned): wrappers around the
	 * malloc family, see "wrapper" in leak/leak_user.bpf.c */
	FN_NEW, FN_NEW_ARRAY,
	/* kernel allocators (leak --kernel) */
	FN_KMALLOC, FN_KMEM_CACHE, FN_PAGES, FN_PERCPU, FN_COUNT
};

/* A stack: the caller's return address, read from the stack at the probe (frame-pointer
 * walks skip it when the probe sits at a function's first instructions), plus the rest of
 * the frame-pointer chain in the stack store. One key per process and call path. */
struct stack_key {
	__u64 retaddr;
	__s64 stackid; /* stack store id; <0: chain not captured */
	__u32 tgid;
	__u32 pad;
};

/* An outstanding block: processes share addresses (fork), so the key holds the process. */
struct alloc_key {
	__u64 addr;
	__u32 tgid; /* 0 for kernel allocations */
	__u32 pad;
};

/* A file by device (kernel encoding) and inode: which allocator library a code address is in. */
struct lib_id {
	__u64 dev;
	__u64 ino;
};

struct alloc_info {
	__u64 size;
	__u64 ts_ns;
	struct stack_key key;
	__u32 fn;
	__u32 pad;
};

struct stack_stats {
	__u64 bytes;
	__u64 count;
	__u32 fn; /* allocator of the latest allocation on this stack */
	__u32 pad;
};

/* A stack_key without its process, for freed blocks: their slot's key holds the process,
 * and two full keys would spill a slot (leak/leak_user.bpf.c's freed) over a second cache line. */
struct stack_ref {
	__u64 retaddr;
	__s64 stackid;
};

/* Freed blocks remembered to tell a double free from an invalid one. */
struct freed_info {
	struct stack_ref alloc_ref;
	struct stack_ref free_ref;
	__u64 size;
	__u64 ts_ns;
};
_Static_assert(sizeof(struct alloc_key) + sizeof(struct freed_info) <= 64,
	       "a freed slot fits one cache line");

enum alloc_error_kind { ERR_DOUBLE_FREE = 1, ERR_INVALID_FREE = 2 };

struct alloc_error_event {
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 pad;
	__u64 addr;
	__u64 ts_ns;
	__u64 size;                  /* of the block, for a double free */
	struct stack_key free_key;   /* this free */
	struct stack_key first_free; /* double free: the first free */
	struct stack_key alloc_key;  /* double free: the allocation */
	char comm[16];
};

/* Anonymous mappings are followed in user space (leak/leak_regions.h): the BPF side reports
 * the calls. Kinds start above alloc_error_kind's: both share the ring buffer. */
enum alloc_map_event_kind {
	MAP_EV_MMAP = 16,    /* addr, len, key: a new allocation (mmap returned) */
	MAP_EV_UNMAP,        /* addr, len: these pages are unmapped (munmap called; or
			      * a MAP_FIXED mapping that is no allocation replaced them) */
	MAP_EV_REMAP_BEGIN,  /* addr, len, flags: mremap(old, old_len, ..., flags) called */
	MAP_EV_REMAP_END,    /* addr, len, key: it returned addr (~0: failed) for len bytes */
};

struct alloc_map_event {
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 flags;
	__u64 addr;
	__u64 len;
	__u64 ts_ns;
	struct stack_key key;
};

/* memmon heap -p (heap_stream set): every tracked allocation and free as it happens, in
 * ring-buffer order, for heap's accounting (heap/heap_attach.c). Kinds above the mapping
 * events', so the kind tells them apart whatever the sizes. */
enum alloc_stream_event_kind { STREAM_EV_ALLOC = 32, STREAM_EV_FREE };

struct alloc_stream_event {
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 fn;
	__u64 addr;
	__u64 size; /* the block's */
	__u64 ts_ns;
	struct stack_key key; /* the allocation's (a free: its block's) */
	__u32 calls; /* the thread's allocator calls so far (sampled or not): a block freed
		      * by its thread with the count unchanged is temporary */
	__u32 pad;
};

/* Counters the BPF side keeps in .bss and every report prints. */
struct alloc_counters {
	__u64 allocs_dropped;   /* allocation table full */
	__u64 stack_failures;   /* stack store full or busy, or a hash collision */
	__u64 pending_dropped;  /* per-thread call table full */
	__u64 sampled_out;
	__u64 internal_frees;   /* the allocator library freeing its own memory: ignored */
	__u64 stacks_dropped;   /* per-stack totals table full */
};

#endif
