/* Shared between pressure/kmem.bpf.c and the kmem command: kernel allocations counted by
 * cache and call site. */
#ifndef MEMMON_KMEM_EVENT_H
#define MEMMON_KMEM_EVENT_H

#define KMEM_STACK_DEPTH 32
#define KMEM_CACHE_NAME_LEN 32

enum kmem_kind { KMEM_KMALLOC = 1, KMEM_SLAB = 2, KMEM_PAGES = 3 };

/* Which kmalloc cache family a GFP mask selects (the kernel's kmalloc_type()). */
enum kmem_kmalloc_type { KMALLOC_T_NORMAL, KMALLOC_T_DMA, KMALLOC_T_RECLAIM, KMALLOC_T_CGROUP };

struct kmem_key {
	__u64 call_site;  /* 0 for page allocations (the tracepoint has none) */
	__s64 stackid;    /* --stacks: kernel stack (stack store id), else -1 */
	__u32 kind;       /* enum kmem_kind */
	__u32 size;       /* kmalloc: bytes_alloc (the size class); pages: order */
	__u32 kmalloc_type;
	__u32 pad;
	char cache[KMEM_CACHE_NAME_LEN]; /* KMEM_SLAB: the cache's name */
};

struct kmem_value {
	__u64 count;
	__u64 bytes;     /* bytes_alloc (pages: PAGE_SIZE << order) */
	__u64 bytes_req; /* bytes requested (pages: same as bytes) */
};

#endif
