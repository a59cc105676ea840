/* A memory cgroup as the BPF side sees it, shared by the pressure probe sets (oom, vmscan).
 * The path is carried as names from the cgroup itself up to the hierarchy root, so user
 * space can print it even after the cgroup is gone. */
#ifndef MEMMON_MEMCG_EVENT_H
#define MEMMON_MEMCG_EVENT_H

#define MEMCG_MAX_DEPTH 8
#define MEMCG_NAME_LEN 48

struct memcg_info {
	__u64 id;          /* kernfs id of the cgroup directory (its inode number) */
	__u64 usage_pages; /* memory charged now */
	__u64 max_pages;   /* limit; ~0 >> 12 or more means unlimited */
	__u32 depth;       /* names used, innermost first; 0 = the root cgroup */
	__u32 truncated;   /* deeper than MEMCG_MAX_DEPTH */
	char names[MEMCG_MAX_DEPTH][MEMCG_NAME_LEN];
};

#endif
