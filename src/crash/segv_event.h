/* Events of crash/segv.bpf.c: one per SIGSEGV/SIGBUS generated, with the fault that
 * caused it and the mappings around the faulting address (for `memmon segv`). */
#ifndef MEMMON_SEGV_EVENT_H
#define MEMMON_SEGV_EVENT_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SEGV_STACK_DEPTH 126 /* even: the stack store's walk reads frames in pairs */
#define SEGV_FILE_LEN 64
#define SEGV_PATH_DEPTH 24 /* components of the executable's path */
#define SEGV_NAME_LEN 64

/* Both events share the ring buffer; the first field says which one it is. */
enum { SEGV_EVENT_GENERATE = 1, SEGV_EVENT_DELIVER = 2 };

/* A mapping as bpf_find_vma saw it. */
struct segv_vma {
	__u64 start, end, flags; /* flags: VM_READ 1, VM_WRITE 2, VM_EXEC 4 */
	__u8 found, file_backed;
	__u8 pad[6];
	char file[SEGV_FILE_LEN]; /* basename of the mapped file */
	__u64 file_ptr;           /* BPF side only: its struct file, for at_path */
};

#define SEGV_MAP_PATH_DEPTH 12 /* components of the mapped file's path */

struct segv_event {
	__u32 kind;           /* SEGV_EVENT_GENERATE */
	__u32 pid, tid;       /* the process and thread the signal is for */
	__u32 sender_pid;     /* the process that generated it (itself for a fault) */
	__s32 sig, code, result;
	__u64 addr;           /* si_addr */
	__u64 ip, sp;         /* user registers at the fault (from_fault only) */
	__u64 error_code;     /* x86 page-fault error code (have_error_code only) */
	__u8 from_fault;      /* raised by the kernel in the faulting thread itself */
	__u8 have_error_code; /* a page_fault_user at this address preceded it */
	__u8 pad[2];
	__s32 nframes;        /* user stack frames (0: not captured, <0: error) */
	__u32 stack_end;      /* why the CFI walk ended (enum unwind_end); 0: walked by frame pointers */
	__u32 pad2;
	char comm[16];
	struct segv_vma at;   /* mapping containing addr (only one bpf_find_vma per run
				 works: with IRQs off its unlock is deferred to a busy irq_work) */
	__u64 stack_start;    /* main thread's stack: top - mm->stack_vm pages */
	__u64 stack_top;      /* page above mm->env_end: the top of the main stack */
	__u64 tls_base;       /* thread pointer (x86 fsbase): a pthread stack's top */
	__u64 frames[SEGV_STACK_DEPTH];
	/* the full path of at's file: components innermost first */
	__u32 at_path_depth, at_path_truncated;
	char at_path[SEGV_MAP_PATH_DEPTH][SEGV_NAME_LEN];
};

/* The layout of the kernel's struct bpf_stack_build_id. */
struct segv_build_id {
	__s32 status; /* 1: build_id + offset valid, 2: only ip, 0: empty */
	__u8 build_id[20];
	__u64 offset_or_ip;
};

/* Sent when the faulting thread dequeues the signal (signal:signal_deliver), still alive:
 * its stack as build-id + file offset and its executable's path, so stacks of processes
 * that are gone before memmon reads their maps still resolve. */
struct segv_deliver_event {
	__u32 kind; /* SEGV_EVENT_DELIVER */
	__u32 pid, tid;
	__s32 nframes;
	__u32 npath;
	__u32 pad;
	char path[SEGV_PATH_DEPTH][SEGV_NAME_LEN]; /* last component first */
	struct segv_build_id frames[SEGV_STACK_DEPTH];
};

#endif
