/* leak in user mode follows the processes a traced one forks (core/task_filter.bpf.h's
 * follow_children; the probes are then attached for every process and the filter picks
 * the traced ones). Included once by leak/leak_user.bpf.c, after its `events` ring buffer:
 * - fork: the child joins the filter; user space gives it its parent's mappings; until it
 *   execs it holds its parent's blocks, so a free of a block it did not allocate is no
 *   invalid free (follow_inherits()).
 * - exec: user space forgets the process's earlier blocks; its new code is reported
 *   (symbols/code_map.bpf.h), and so is code mapped later (mmap, mprotect), so stacks of a
 *   process that lived a millisecond still resolve.
 * - exit: it leaves the filter. */
#ifndef MEMMON_LEAK_FOLLOW_BPF_H
#define MEMMON_LEAK_FOLLOW_BPF_H
#define TASK_FILTER_OWN_FORK_EXEC
#define TASK_FILTER_OWN_EXIT
#include "core/task_filter.bpf.h"
#include "leak/leak_follow_event.h"
#include "symbols/code_map.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TASK_FILTER_MAX_PIDS);
	__type(key, __u32);
	__type(value, __u8);
} inherited SEC(".maps");

static __always_inline bool follow_inherits(__u32 tgid)
{
	return bpf_map_lookup_elem(&inherited, &tgid) != NULL;
}

static __always_inline void follow_event(__u32 kind, __u32 tgid, __u32 parent)
{
	struct leak_follow_event *e = reserve_or_count(&events, sizeof(*e));
	if (!e)
		return;
	e->kind = kind;
	e->tgid = tgid;
	e->parent = parent;
	e->pad = 0;
	e->ts_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(memmon_filter_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	if (ptgid == ctgid)
		return 0; /* a thread */
	task_filter_fork(ptgid, ctgid);
	if (!task_filter.follow_children || !tgid_selected(ctgid))
		return 0;
	__u8 one = 1;
	bpf_map_update_elem(&inherited, &ctgid, &one, BPF_ANY);
	follow_event(LEAK_EV_FORK, ctgid, ptgid);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(memmon_filter_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	task_filter_exec(tgid);
	if (!task_filter.follow_children || !tgid_selected(tgid))
		return 0;
	bpf_map_delete_elem(&inherited, &tgid);
	follow_event(LEAK_EV_EXEC, tgid, 0);
	code_map_exec(&events, tgid);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(memmon_filter_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	bool dead = task_group_dead(p);
	task_filter_exit(tgid, dead);
	if (dead)
		bpf_map_delete_elem(&inherited, &tgid);
	return 0;
}

/* Code mapped by followed processes (the dynamic loader, dlopen). Every system call of the
 * machine passes here: the number is checked before anything else. */
SEC("tp_btf/sys_exit")
int BPF_PROG(memmon_follow_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = BPF_CORE_READ(regs, orig_ax);
	if ((nr != 9 && nr != 10) || !task_filter.follow_children || !current_selected())
		return 0;
	code_map_mmap_exit(&events, bpf_get_current_pid_tgid() >> 32, regs, ret);
	return 0;
}

#endif
