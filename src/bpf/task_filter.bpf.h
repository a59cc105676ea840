/* Which tasks a pressure command reports: -p pids (and a launched program) by tgid, and
 * --comm. User space fills pid_filter and sets the read-only flags before load. With
 * follow_children (a launched program), processes forked by a selected one join it. */
#ifndef MEMMON_TASK_FILTER_BPF_H
#define MEMMON_TASK_FILTER_BPF_H

const volatile bool filter_pids = false;
const volatile bool filter_comm = false;
const volatile bool follow_children = false;
__u64 children_not_followed = 0; /* pid_filter full: printed in the summary */
const volatile char target_comm[16] = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u8);
} pid_filter SEC(".maps");

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < 16; i++) {
		if (comm[i] != target_comm[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

/* tgid is the process to test; comm its name (NULL: the current task's). */
static __always_inline bool task_selected(__u32 tgid, const char *comm)
{
	if (filter_pids && !bpf_map_lookup_elem(&pid_filter, &tgid))
		return false;
	if (filter_comm) {
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

SEC("tp_btf/sched_process_fork")
int BPF_PROG(memmon_follow_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!follow_children)
		return 0;
	__u32 ptgid = BPF_CORE_READ(parent, tgid), pid = BPF_CORE_READ(child, pid);
	__u8 one = 1;
	/* new processes only: threads share their tgid, which is already selected */
	if (pid != BPF_CORE_READ(child, tgid) || !bpf_map_lookup_elem(&pid_filter, &ptgid))
		return 0;
	if (bpf_map_update_elem(&pid_filter, &pid, &one, BPF_ANY))
		__sync_fetch_and_add(&children_not_followed, 1);
	return 0;
}

#endif
