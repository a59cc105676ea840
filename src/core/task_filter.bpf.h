/* The BPF half of the one process filter (core/task_filter.h): -p pids (and a launched
 * program) by tgid in the pid_filter map, --comm, children of selected processes, memmon
 * itself never. A probe set includes this header and calls current_selected() or
 * task_selected(); user space fills the config and the map (core/trace_target.c).
 *
 * The header brings its own fork/exec/exit programs, which keep pid_filter current
 * (user space attaches them: trace_target_attach_filter, or the skeleton's attach). A
 * probe set that has its own programs on fork and exec, and needs the map current before
 * its own logic runs there, defines TASK_FILTER_OWN_FORK_EXEC and calls task_filter_fork()
 * and task_filter_exec() from them; one with its own exit program defines
 * TASK_FILTER_OWN_EXIT and calls task_filter_exit(). */
#ifndef MEMMON_TASK_FILTER_BPF_H
#define MEMMON_TASK_FILTER_BPF_H
#include "core/task_filter.h"

#ifndef EEXIST
#define EEXIST 17
#endif

const volatile struct task_filter_config task_filter = {};
__u64 children_not_followed = 0; /* pid_filter full: printed in the summary */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TASK_FILTER_MAX_PIDS);
	__type(key, __u32);
	__type(value, __u8);
} pid_filter SEC(".maps");

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < 16; i++) {
		if (comm[i] != task_filter.comm[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

/* The pid part of the filter alone. */
static __always_inline bool tgid_selected(__u32 tgid)
{
	if (task_filter.self_tgid && tgid == task_filter.self_tgid)
		return false;
	if (!task_filter.by_pid)
		return true;
	__u8 *st = bpf_map_lookup_elem(&pid_filter, &tgid);
	return st && *st == TF_ACTIVE;
}

/* tgid is the process to test; comm its name (NULL: the current task's). */
static __always_inline bool task_selected(__u32 tgid, const char *comm)
{
	if (!tgid_selected(tgid))
		return false;
	if (task_filter.by_comm) {
		char cur[16] = {};
		if (!comm) {
			bpf_get_current_comm(cur, sizeof(cur));
			comm = cur;
		}
		if (!comm_matches(comm))
			return false;
	}
	return true;
}

static __always_inline bool current_selected(void)
{
	return task_selected(bpf_get_current_pid_tgid() >> 32, NULL);
}

/* A new process (not a thread: ctgid != ptgid) forked by a selected one joins it. */
static __always_inline void task_filter_fork(__u32 ptgid, __u32 ctgid)
{
	if (!task_filter.follow_children || ptgid == ctgid)
		return;
	__u8 *st = bpf_map_lookup_elem(&pid_filter, &ptgid);
	if (!st || *st != TF_ACTIVE)
		return;
	__u8 active = TF_ACTIVE;
	long err = bpf_map_update_elem(&pid_filter, &ctgid, &active, BPF_NOEXIST);
	if (err && err != -EEXIST) /* the map is full */
		__sync_fetch_and_add(&children_not_followed, 1);
}

/* A launched program held before exec is selected from its exec on. */
static __always_inline void task_filter_exec(__u32 tgid)
{
	__u8 *st = bpf_map_lookup_elem(&pid_filter, &tgid);
	if (st && *st == TF_AT_EXEC)
		*st = TF_ACTIVE;
}

/* At sched_process_exit: is this the process's last thread? do_exit counts live threads
 * down before the tracepoint. (Newer kernels also pass group_dead; reading the counter
 * works on every kernel.) */
static __always_inline bool task_group_dead(struct task_struct *p)
{
	return BPF_CORE_READ(p, signal, live.counter) == 0;
}

/* A process that exited (its last thread) leaves the filter, when asked: its pid may be
 * reused, and a full filter follows no more children. */
static __always_inline void task_filter_exit(__u32 tgid, bool group_dead)
{
	if (task_filter.forget_exited && group_dead)
		bpf_map_delete_elem(&pid_filter, &tgid);
}

#ifndef TASK_FILTER_OWN_FORK_EXEC
SEC("tp_btf/sched_process_fork")
int BPF_PROG(memmon_filter_fork, struct task_struct *parent, struct task_struct *child)
{
	task_filter_fork(BPF_CORE_READ(parent, tgid), BPF_CORE_READ(child, tgid));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(memmon_filter_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	task_filter_exec(BPF_CORE_READ(p, tgid));
	return 0;
}

#endif

#ifndef TASK_FILTER_OWN_EXIT
SEC("tp_btf/sched_process_exit")
int BPF_PROG(memmon_filter_exit, struct task_struct *p)
{
	task_filter_exit(BPF_CORE_READ(p, tgid), task_group_dead(p));
	return 0;
}
#endif

#endif
