/* Which mapping a page fault hit: one implementation, with its cache, for both fault probes.
 * faults/faults.bpf.c counts faults at the perf software events page-faults-minor/-major, which
 * fire after the fault was handled (major and minor are known); snoop/snoop.bpf.c logs them at the
 * tp_btf page_fault_user/page_fault_kernel tracepoints, which fire before it is handled
 * (the page-table entry as it was before the fault is still there to read). Both ask the
 * same question about the faulting address, here.
 * Include after vmlinux.h and the bpf headers; define FAULT_VMA_CACHE_ENTRIES first to size
 * the cache. */
#ifndef MEMMON_FAULT_VMA_BPF_H
#define MEMMON_FAULT_VMA_BPF_H
#include "kernel/mm_seq.bpf.h"

#ifndef FAULT_VMA_CACHE_ENTRIES
#define FAULT_VMA_CACHE_ENTRIES 16384
#endif

#define FVMA_VM_EXEC 0x00000004UL
#define FVMA_VM_HUGETLB 0x00400000UL
#define FVMA_PAGE_SHIFT 12

#ifndef ENOENT
#define ENOENT 2
#endif

/* What the mapping is (the values of enum fault_kind in faults/faults_event.h). */
enum fault_vma_kind { FVMA_FILE = 1, FVMA_HEAP, FVMA_STACK, FVMA_ANON };

struct fault_vma {
	__u64 start, end;
	__u64 flags;       /* vm_flags */
	__u64 pgoff;       /* vm_pgoff, in pages */
	struct file *file; /* NULL: anonymous memory */
	__u64 ino;         /* a file's inode number and device */
	__u32 dev;
	__u32 kind;        /* enum fault_vma_kind */
	__u32 page_shift;  /* of the mapping's pages: a hugetlb mapping's huge page size */
	__u32 pad;
	/* an anonymous mapping the kernel names ([vdso], [vvar], [uprobes]): its struct
	 * vm_special_mapping, whose name is the one /proc/PID/maps shows; 0 otherwise */
	__u64 special;
};

static long fault_vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct fault_vma *v = data;
	struct file *f = BPF_CORE_READ(vma, vm_file);
	unsigned long flags = BPF_CORE_READ(vma, vm_flags);
	unsigned long start = BPF_CORE_READ(vma, vm_start), end = BPF_CORE_READ(vma, vm_end);

	v->start = start;
	v->end = end;
	v->flags = flags;
	v->pgoff = BPF_CORE_READ(vma, vm_pgoff);
	v->file = f;
	v->page_shift = FVMA_PAGE_SHIFT;
	if (f) {
		v->kind = FVMA_FILE;
		v->ino = BPF_CORE_READ(f, f_inode, i_ino);
		v->dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
		if (flags & FVMA_VM_HUGETLB) {
			struct hugetlbfs_sb_info *sbi = BPF_CORE_READ(f, f_inode, i_sb, s_fs_info);
			v->page_shift = FVMA_PAGE_SHIFT + BPF_CORE_READ(sbi, hstate, order);
		}
		return 0;
	}
	/* special mappings are the anonymous ones whose vm_ops name them */
	const struct vm_operations_struct *ops = BPF_CORE_READ(vma, vm_ops);
	if (ops && BPF_CORE_READ(ops, name))
		v->special = (__u64)BPF_CORE_READ(vma, vm_private_data);
	struct mm_struct *mm = BPF_CORE_READ(vma, vm_mm);
	unsigned long start_brk = BPF_CORE_READ(mm, start_brk), brk = BPF_CORE_READ(mm, brk);
	unsigned long start_stack = BPF_CORE_READ(mm, start_stack);
	if (start <= brk && end >= start_brk && start_brk != brk)
		v->kind = FVMA_HEAP;
	else if (start <= start_stack && start_stack < end)
		v->kind = FVMA_STACK;
	else
		v->kind = FVMA_ANON;
	return 0;
}

/* bpf_find_vma costs ~25 us per call (an mmap_lock trylock, and an irq_work to unlock from
 * a context with interrupts off), ten times a fault. So what it finds is cached per process
 * and 2 MiB block of addresses, valid while the entry is of the same process (a reused tgid
 * has another start time) and address space (exec makes a new one), the mm's mm_lock_seq
 * has not moved, and the mapping covers the address. mm_lock_seq moves with every mmap
 * write lock, i.e. every change of the mappings: mmap, munmap, mprotect, mremap, brk,
 * shmat, exec, stack growth, made by any thread, another process (process_madvise) or the
 * kernel (khugepaged), through calls memmon decodes or not. */
#define FAULT_VMA_BLOCK_SHIFT 21
/* The key: tgid in the high half, the block number in the low one (a 5-level address
 * space has more blocks: two 8 PiB apart share a slot, which the range check sorts out).
 * 8 bytes hash faster than 16, and the lookup is on every fault. */
static __always_inline __u64 fault_vma_key(__u32 tgid, __u64 block)
{
	return (__u64)tgid << 32 | (__u32)block;
}
struct fault_vma_cached {
	__u64 mm;
	__u64 birth; /* start time of the process */
	__u32 seq;
	__u32 pad;
	struct fault_vma v;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FAULT_VMA_CACHE_ENTRIES);
	__type(key, __u64); /* fault_vma_key() */
	__type(value, struct fault_vma_cached);
} vma_cache SEC(".maps");

static __always_inline bool fault_vma_valid(struct fault_vma_cached *c, struct mm_struct *mm,
					    __u64 birth, __u32 seq, __u64 addr)
{
	return c->mm == (__u64)mm && c->seq == seq && c->birth == birth && c->v.start <= addr &&
	       addr < c->v.end;
}

enum { FAULT_VMA_CACHED = 0, FAULT_VMA_FRESH = 1 };

/* Fills *v with the mapping of addr in the current process (tgid). Returns FAULT_VMA_FRESH
 * if bpf_find_vma found it now (nothing in the cache knew it: a mapping not faulted in
 * since the mappings last changed), FAULT_VMA_CACHED if it came from the cache, or
 * bpf_find_vma's error: -ENOENT no mapping covers addr, another one (-EBUSY) the mapping
 * could not be looked up. v->file is the mapping's file either way (the mapping holds it
 * while the mappings are unchanged). */
static __always_inline long fault_vma_find(__u32 tgid, __u64 addr, struct fault_vma *v)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	__u64 birth = task->group_leader->start_time;
	__u64 block = addr >> FAULT_VMA_BLOCK_SHIFT;
	__u64 k = fault_vma_key(tgid, block);
	struct fault_vma_cached *c;
	__u32 seq = 0;
	bool cacheable = mm && mm_mappings_seq(mm, &seq);
	if (cacheable) {
		c = bpf_map_lookup_elem(&vma_cache, &k);
		if (c && fault_vma_valid(c, mm, birth, seq, addr)) {
			*v = c->v;
			return FAULT_VMA_CACHED;
		}
		/* A mapping larger than a block is likely in a neighbouring block's entry
		 * already: faults run through big mappings up (heap, buffers) or down
		 * (stacks). Two lookups are cheap beside bpf_find_vma. */
		k = fault_vma_key(tgid, block - 1);
		c = bpf_map_lookup_elem(&vma_cache, &k);
		if (!c || !fault_vma_valid(c, mm, birth, seq, addr)) {
			k = fault_vma_key(tgid, block + 1);
			c = bpf_map_lookup_elem(&vma_cache, &k);
		}
		if (c && fault_vma_valid(c, mm, birth, seq, addr)) {
			*v = c->v;
			k = fault_vma_key(tgid, block);
			bpf_map_update_elem(&vma_cache, &k, c, BPF_ANY);
			return FAULT_VMA_CACHED;
		}
	}
	__builtin_memset(v, 0, sizeof(*v));
	long err = bpf_find_vma(task, addr, fault_vma_cb, v, 0);
	if (err)
		return err;
	if (!v->end)
		return -ENOENT;
	if (cacheable) {
		struct fault_vma_cached n = { .mm = (__u64)mm, .birth = birth, .seq = seq, .v = *v };
		k = fault_vma_key(tgid, block);
		bpf_map_update_elem(&vma_cache, &k, &n, BPF_ANY);
	}
	return FAULT_VMA_FRESH;
}

#endif
