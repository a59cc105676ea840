/* One memory cgroup's files, v1 (memory.usage_in_bytes, memory.limit_in_bytes, ...) or v2
 * (memory.current, memory.max, ...), read through the group's directory fd into one shape.
 * Figures the version or kernel lacks are MEMCG_NONE; a limit of "max" (v2) or of
 * PAGE_COUNTER_MAX (v1, printed as 9223372036854771712) is MEMCG_UNLIMITED. */
#ifndef MEMMON_MEMCG_FILES_H
#define MEMMON_MEMCG_FILES_H
#include "proc/proc_file.h"
#include "proc/proc_psi.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MEMCG_NONE (-1)
#define MEMCG_UNLIMITED INT64_MAX

struct memcg_stats {
	int version;                               /* 1 or 2 */
	int64_t usage, limit, high, soft_limit, low; /* bytes; high and low v2, soft_limit v1 */
	int64_t swap, swap_limit;                  /* v1: memsw - usage and memsw limit */
	/* memory.stat (v1: the hierarchical total_* lines, kernel and sock from memory.kmem.*) */
	int64_t anon, file, kernel, sock, shmem;
	int64_t limit_hits; /* v1 memory.failcnt, v2 memory.events "max" */
	int64_t oom, oom_kill; /* v2 memory.events; v1 memory.oom_control oom_kill (no oom count) */
	bool has_psi;       /* memory.pressure (v2 with PSI) */
	struct psi psi;
};

/* Reads the group in dirfd. 0; -ENOENT when its usage file is gone (the group was removed
 * while read); another -errno (-EINVAL: a file in a format not understood). */
int memcg_read(int dirfd, int version, struct memcg_stats *st, struct text_buf *buf);
/* The processes of the group (cgroup.procs), malloc'd in *pids. 0 or -errno. */
int memcg_read_pids(int dirfd, pid_t **pids, size_t *n, struct text_buf *buf);
/* Parses cgroup.procs text: one pid per line. The count (pids in *pids, malloc'd), or
 * -EINVAL / -ENOMEM. */
int memcg_parse_pids(const char *text, size_t len, pid_t **pids);

#endif
