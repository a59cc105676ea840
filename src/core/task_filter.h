/* Which processes a probe set reports: the one filter every BPF command shares. The BPF
 * side is core/task_filter.bpf.h; user space sets the config before load and fills the
 * pid_filter map after it (core/trace_target.c), from -p pids, --comm and a launched
 * program. Shared by both sides, so plain kernel types only. */
#ifndef MEMMON_TASK_FILTER_H
#define MEMMON_TASK_FILTER_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Entries of the pid_filter map (tgid -> state). */
enum task_filter_state {
	TF_ACTIVE = 1,  /* selected */
	TF_AT_EXEC = 2, /* a launched program held before exec: selected from its exec on */
};

#define TASK_FILTER_MAX_PIDS 8192

struct task_filter_config {
	__u8 by_pid;          /* only tgids in pid_filter (state TF_ACTIVE) */
	__u8 by_comm;         /* only tasks named comm */
	__u8 follow_children; /* processes forked by a selected one are selected too */
	__u8 forget_exited;   /* a process leaves pid_filter when it exits (its pid may be reused) */
	__u32 self_tgid;      /* never selected (memmon itself); 0: none */
	char comm[16];
};

#endif
