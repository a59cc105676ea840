/* Shared between pageowner/pages.bpf.c and `memmon pages`: outstanding pages by pfn. */
#ifndef MEMMON_PAGES_EVENT_H
#define MEMMON_PAGES_EVENT_H

#define PAGES_STACK_DEPTH 64
#define PAGES_COMM_LEN 16

/* What page_owner records for an allocated block, kept until the block is freed. */
struct page_info {
	__u64 ts_ns;
	__u64 gfp_flags;
	__s64 stackid;     /* stack store id; <0: stack not captured */
	__u32 pid, tgid;
	__u32 order;
	__s32 migratetype;
	char comm[PAGES_COMM_LEN];
};

struct pages_counters {
	__u64 allocs, alloc_pages;     /* allocations of selected processes */
	__u64 frees, freed_pages;      /* frees of pages seen allocated */
	__u64 unknown_frees, unknown_free_pages; /* frees of pages allocated before tracing
						    or by processes not selected */
	__u64 dropped, dropped_pages;  /* allocations not kept: the pages map was full */
	__u64 stack_failures;
};

#endif
