/* A cheap "have this process's mappings changed?" for caches of mapping lookups
 * (kernel/fault_vma.bpf.h, symbols/unwind.bpf.h): the address space's mm_lock_seq.
 * Per-VMA locking kernels (6.4+) have mm->mm_lock_seq: an int bumped when the mmap write
 * lock is released (6.4-6.12), then a seqcount, odd while a writer holds the lock (6.13+).
 * mm_lock_seq moves with every mmap write lock, i.e. every change of the mappings: mmap,
 * munmap, mprotect, mremap, brk, shmat, exec, stack growth, made by any thread, another
 * process (process_madvise) or the kernel (khugepaged). Without it nothing may be cached. */
#ifndef MEMMON_MM_SEQ_BPF_H
#define MEMMON_MM_SEQ_BPF_H

struct mm_struct___seqcount {
	seqcount_t mm_lock_seq;
} __attribute__((preserve_access_index));
struct mm_struct___int {
	int mm_lock_seq;
} __attribute__((preserve_access_index));

/* The kernel has a mapping sequence at all (6.4+): without it a cached lookup can never be
 * checked, only trusted or looked up again. */
static __always_inline bool mm_has_mappings_seq(void)
{
	return bpf_core_field_exists(((struct mm_struct___seqcount *)0)->mm_lock_seq) ||
	       bpf_core_field_exists(((struct mm_struct___int *)0)->mm_lock_seq);
}

/* True (with *seq) when the mappings can be cached now; false without mm_lock_seq, or
 * while a writer is changing them. */
static __always_inline bool mm_mappings_seq(struct mm_struct *mm, __u32 *seq)
{
	/* Direct loads through the BTF pointer: no helper call. */
	if (bpf_core_field_exists(((struct mm_struct___seqcount *)0)->mm_lock_seq)) {
		*seq = ((struct mm_struct___seqcount *)mm)->mm_lock_seq.sequence;
		return !(*seq & 1); /* odd: a writer is changing the mappings right now */
	}
	if (bpf_core_field_exists(((struct mm_struct___int *)0)->mm_lock_seq)) {
		/* bumped at unlock only: a writer's change shows when it is done, and while it
		 * holds the lock bpf_find_vma cannot look, so nothing stale is cached */
		*seq = ((struct mm_struct___int *)mm)->mm_lock_seq;
		return true;
	}
	return false;
}

#endif
