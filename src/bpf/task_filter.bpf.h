/* Which tasks a pressure command reports: -p pids (and a launched program) by tgid, and
 * --comm. User space fills pid_filter and sets the read-only flags before load. */
#ifndef MEMMON_TASK_FILTER_BPF_H
#define MEMMON_TASK_FILTER_BPF_H

const volatile bool filter_pids = false;
const volatile bool filter_comm = false;
const volatile char target_comm[16] = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
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

#endif
