/* Shared between pressure/oom.bpf.c and the oom command: one record per OOM kill. */
#ifndef MEMMON_OOM_EVENT_H
#define MEMMON_OOM_EVENT_H
#include "kernel/memcg_event.h"

struct oom_event {
	__u64 ts_ns;
	/* the victim, as oom:mark_victim reports it (sizes in kB) */
	__u64 total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb;
	__u32 victim_pid;
	__u32 victim_uid;
	__s32 oom_score_adj;
	/* the task whose allocation ran the OOM killer (current at mark_victim) */
	__u32 trigger_pid, trigger_tid;
	__u32 cgroup_oom; /* a limited memory cgroup of the trigger was at its limit */
	char victim_comm[16];
	char trigger_comm[16];
	struct memcg_info memcg; /* cgroup_oom: the cgroup at its limit, else the trigger's */
	/* the failed allocation, from a kprobe on oom_kill_process where kprobes exist
	 * (mark_victim lacks it); request_known 0 without one */
	__u64 gfp_mask;
	__s32 order;
	__u32 request_known;
};

/* oom_kill_process's request, keyed by the trigger's tid until its mark_victim */
struct oom_request {
	__u64 gfp_mask;
	__s32 order;
	__u32 pad;
};

#endif
