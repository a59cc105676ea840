/* Shared between bpf/mm.bpf.c and the watch/mmap/brk/shm commands: memory system calls,
 * page faults and process lifecycle of watched (or all) processes. */
#ifndef MEMMON_MM_EVENT_H
#define MEMMON_MM_EVENT_H
#ifndef __VMLINUX_H__ /* user space; BPF gets the types from vmlinux.h */
#include <linux/types.h>
#endif

#define MM_PATH_PARTS 12   /* path components kept, innermost first */
#define MM_NAME_LEN 48     /* bytes per component (longer names are cut) */
#define MM_USTACK_CHUNK 256 /* user stack copied in chunks until one fails */
#define MM_USTACK_CHUNKS 32

enum mm_kind { MM_EV_SYSCALL = 1, MM_EV_FAULT, MM_EV_EXEC, MM_EV_FORK, MM_EV_EXIT };

/* The memory system calls memmon decodes (independent of the architecture's numbers). */
enum mm_sys {
	MM_SYS_BRK, MM_SYS_MMAP, MM_SYS_MUNMAP, MM_SYS_MREMAP, MM_SYS_MPROTECT, MM_SYS_MADVISE,
	MM_SYS_MLOCK, MM_SYS_MUNLOCK, MM_SYS_MLOCK2, MM_SYS_MLOCKALL, MM_SYS_MUNLOCKALL,
	MM_SYS_SHMGET, MM_SYS_SHMAT, MM_SYS_SHMDT, MM_SYS_SHMCTL, MM_SYS_COUNT
};

/* State of the page-table entry of a faulting address before the fault is handled. */
enum mm_pte_state { PTE_UNKNOWN = 0, PTE_NONE, PTE_PRESENT, PTE_SWAP };

/* Fields every event has; kind-specific data follows in struct mm_event. */
struct mm_event {
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 sys;          /* MM_EV_SYSCALL: enum mm_sys */
	__u64 ts_ns;
	char comm[16];
	__u64 args[6];      /* syscall arguments; fault: see below; fork: child tgid in args[0] */
	__s64 ret;          /* syscall result; exit: exit code */
	/* faults */
	__u64 addr, ip, error_code;
	__u64 vm_start, vm_end, vm_flags, vm_pgoff;
	__u32 has_vma;      /* 0: no mapping found (or it could not be looked up) */
	__u32 has_file;     /* the mapping is backed by a file (path below) */
	__u32 pte_state;    /* enum mm_pte_state */
	__u32 pte_write;    /* the present entry allows writes */
	__u32 vma_lookup_failed; /* bpf_find_vma could not take the lock */
	/* a file path (mmap's fd, a file fault, exec's file): components innermost first */
	__u32 path_depth;
	__u32 path_truncated;
	__u32 pad;
};

/* Events that carry a path: reserved at this larger size. */
struct mm_event_big {
	struct mm_event e;
	char path[MM_PATH_PARTS][MM_NAME_LEN];
};

/* The user registers unwinding needs (x86-64 callee-saved set plus ip and sp). */
enum { MM_REG_IP, MM_REG_SP, MM_REG_BP, MM_REG_BX, MM_REG_R12, MM_REG_R13, MM_REG_R14,
       MM_REG_R15, MM_NREGS };

/* brk with --stack: registers and a copy of the top of the user stack, unwound in user
 * space with the DWARF CFI of the process's modules (glibc has no frame pointers). */
struct mm_event_ustack {
	struct mm_event e;
	__u64 regs[MM_NREGS];
	__u32 stack_len;
	__u32 pad;
	char stack[MM_USTACK_CHUNK * MM_USTACK_CHUNKS];
};

#endif
