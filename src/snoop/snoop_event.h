/* Shared between snoop/snoop.bpf.c and the watch/mmap/brk/shm commands: memory system calls,
 * page faults and process lifecycle of watched (or all) processes. */
#ifndef MEMMON_SNOOP_EVENT_H
#define MEMMON_SNOOP_EVENT_H
#ifndef __VMLINUX_H__ /* user space; BPF gets the types from vmlinux.h */
#include <linux/types.h>
#endif

#define SNOOP_PATH_PARTS 12   /* path components kept, innermost first */
#define SNOOP_NAME_LEN 48     /* bytes per component (longer names are cut) */

enum snoop_kind { SNOOP_EV_SYSCALL = 1, SNOOP_EV_FAULT, SNOOP_EV_EXEC, SNOOP_EV_FORK, SNOOP_EV_EXIT };

/* The memory system calls memmon decodes (independent of the architecture's numbers). */
enum snoop_sys {
	SNOOP_SYS_BRK, SNOOP_SYS_MMAP, SNOOP_SYS_MUNMAP, SNOOP_SYS_MREMAP, SNOOP_SYS_MPROTECT, SNOOP_SYS_MADVISE,
	SNOOP_SYS_MLOCK, SNOOP_SYS_MUNLOCK, SNOOP_SYS_MLOCK2, SNOOP_SYS_MLOCKALL, SNOOP_SYS_MUNLOCKALL,
	SNOOP_SYS_SHMGET, SNOOP_SYS_SHMAT, SNOOP_SYS_SHMDT, SNOOP_SYS_SHMCTL, SNOOP_SYS_COUNT
};

/* What an anonymous mapping is, as /proc/PID/maps names it. SNOOP_VM_SPECIAL: the
 * kernel's name ([vdso], [vvar], ...) is the event's path. */
enum snoop_vm_kind { SNOOP_VM_ANON = 0, SNOOP_VM_HEAP, SNOOP_VM_STACK, SNOOP_VM_SPECIAL };

/* State of the page-table entry of a faulting address before the fault is handled. */
enum snoop_pte_state { PTE_UNKNOWN = 0, PTE_NONE, PTE_PRESENT, PTE_SWAP };

/* Fields every event has; kind-specific data follows in struct snoop_event. */
struct snoop_event {
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 sys;          /* SNOOP_EV_SYSCALL: enum snoop_sys */
	__u64 ts_ns;
	char comm[16];
	__u64 args[6];      /* syscall arguments; fault: see below; fork: child tgid in args[0] */
	__s64 ret;          /* syscall result; exit: exit code */
	/* faults */
	__u64 addr, ip, error_code;
	__u64 vm_start, vm_end, vm_flags, vm_pgoff;
	__u32 has_vma;      /* 0: no mapping found (or it could not be looked up) */
	__u32 has_file;     /* the mapping is backed by a file (path below) */
	__u32 pte_state;    /* enum snoop_pte_state */
	__u32 pte_write;    /* the present entry allows writes */
	__u32 vma_lookup_failed; /* bpf_find_vma could not take the lock */
	/* a file path (mmap's fd, a file fault, exec's file): components innermost first */
	__u32 path_depth;
	__u32 path_truncated;
	__u32 vm_kind;      /* fault in anonymous memory: enum snoop_vm_kind */
};

/* Events that carry a path: reserved at this larger size. */
struct snoop_event_big {
	struct snoop_event e;
	char path[SNOOP_PATH_PARTS][SNOOP_NAME_LEN];
};

/* brk's user stack: walked by call frame information in the kernel into the probe set's
 * stack store (symbols/stack_store.bpf.h), which keeps why the walk ended. */
#define SNOOP_STACK_DEPTH 48
struct snoop_event_ustack {
	struct snoop_event e;
	__s64 stack_id; /* <0: not captured */
};

#endif
