/* Shared between faults/faults.bpf.c and the faults command: page faults counted in the kernel
 * by process, user/kernel stack and mapping, read by user space as totals. */
#ifndef MEMMON_FAULTS_EVENT_H
#define MEMMON_FAULTS_EVENT_H

#define FAULT_STACK_DEPTH 64
#define FAULT_PATH_PARTS 8   /* path components kept per file, innermost first */
#define FAULT_NAME_LEN 48

/* What kind of memory the faulting address belongs to. */
enum fault_kind {
	FK_UNKNOWN = 0, /* no vma found (lookup busy or address unmapped) */
	FK_FILE,        /* a mapped file (hugetlb mappings are files of hugetlbfs) */
	FK_HEAP,        /* anonymous: the brk heap */
	FK_STACK,       /* anonymous: the main thread's stack */
	FK_ANON,        /* any other anonymous memory (mmap, thread stacks) */
	FK_COUNT
};

#define FF_HUGETLB 1u

/* One row of the kernel's table. Fields a view does not need stay zero, so the kernel
 * keeps one entry per distinct row of that view. */
struct fault_key {
	__u32 tgid;
	__u32 kind;   /* enum fault_kind */
	__s64 ustack; /* stack store id, <0 if not captured */
	__s64 kstack; /* stack store id for faults taken in kernel mode, <0 otherwise */
	__u64 ino;    /* FK_FILE: inode and device identify the file */
	__u32 dev;
	__u32 flags;  /* FF_* */
};

struct fault_counts {
	__u64 minor_user, major_user;     /* faults taken in user mode */
	__u64 minor_kernel, major_kernel; /* faults taken in kernel mode (copy_to_user, ...) */
	__u64 bytes;                      /* page size of each fault: bytes of RSS mapped in */
};

/* Name of a mapped file: path components innermost first, as the dentries give them. */
struct fault_file_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};
struct fault_file_info {
	char parts[FAULT_PATH_PARTS][FAULT_NAME_LEN];
	__u32 nparts;
	__u32 truncated; /* more components above the ones kept */
};

/* Process events user space needs for names and symbols: a process's first fault, its
 * exec, and each executable file mapping it faults in (FPE_MAP: code the process ran, so
 * its stacks resolve even if it exits before /proc/PID/maps can be read). */
enum fault_proc_event_type { FPE_NEW = 1, FPE_EXEC = 2, FPE_MAP = 3 };
struct fault_proc_event {
	__u32 type;
	__u32 tgid;
	char comm[16];
	__u64 start, end, pgoff; /* FPE_MAP: the vma, pgoff in bytes */
	__u64 ino;               /* FPE_MAP: the file (its path is in the files map) */
	__u32 dev;
	__u32 pad;
};

/* Counters the BPF side keeps in .bss and every report prints. */
struct fault_counters {
	__u64 table_full;     /* a row could not be added: faults not counted */
	__u64 stack_failures; /* stack not captured: store full or busy, hash collision */
	__u64 vma_unknown;    /* bpf_find_vma failed */
};

#endif
