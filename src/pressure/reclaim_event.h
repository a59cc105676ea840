/* Shared between pressure/reclaim.bpf.c and the reclaim and drsnoop commands. */
#ifndef MEMMON_RECLAIM_EVENT_H
#define MEMMON_RECLAIM_EVENT_H

#define VMSCAN_STACK_DEPTH 64

/* How reclaim statistics are split. */
enum vmscan_by { VMSCAN_BY_SYSTEM, VMSCAN_BY_CGROUP, VMSCAN_BY_PROCESS };

/* Kinds of reclaim episodes a task runs itself. */
enum reclaim_kind { RECLAIM_DIRECT = 1, RECLAIM_MEMCG = 2 };

struct vmscan_key {
	__u64 memcg_id; /* VMSCAN_BY_CGROUP: kernfs id of the task's memory cgroup */
	__u32 tgid;     /* VMSCAN_BY_PROCESS */
	__u32 pad;
};

/* The columns of the classic vmscan tool plus scan/reclaim counts. Times in ns. */
struct vmscan_stats {
	__u64 slab_ns, direct_ns, memcg_ns;
	__u64 direct_count, memcg_count, slab_count;
	__u64 kswapd_wakeups;
	__u64 pages_written; /* folios written out by reclaim (mm_vmscan_write_folio) */
	__u64 pages_scanned, pages_reclaimed; /* inactive LRU shrinking */
	char comm[16]; /* VMSCAN_BY_PROCESS: latest comm */
};

/* One direct or memcg reclaim episode of a task (drsnoop). */
struct reclaim_event {
	__u64 ts_ns;      /* end */
	__u64 latency_ns;
	__u64 nr_reclaimed;
	__u64 gfp_flags;
	__u64 memcg_id;
	__s64 user_stack, kernel_stack; /* stack store ids, <0 if none */
	__s32 order;
	__u32 kind;       /* enum reclaim_kind */
	__u32 pid, tid;
	char comm[16];
};

#endif
