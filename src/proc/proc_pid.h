/* Process listing and identity from /proc: pids, comm, owner, command line. */
#ifndef MEMMON_PROC_PID_H
#define MEMMON_PROC_PID_H
#include "proc/proc_file.h"
#include <stdbool.h>
#include <sys/types.h>

struct proc_info {
	pid_t pid;
	uid_t uid;      /* owner of /proc/PID, as smem and ps report it */
	char comm[64];
	char cmdline[256]; /* NULs turned into spaces; "" for kernel threads */
};

/* All numeric entries of /proc, ascending. Returns the count or -errno; *pids is malloc'd. */
int proc_list_pids(pid_t **pids);
/* Fills *out. Returns 0 or -errno (-ENOENT/-ESRCH once the process is gone). */
int proc_pid_info(pid_t pid, struct text_buf *buf, struct proc_info *out);
/* User name of uid, or its number as text. Cached. */
const char *proc_user_name(uid_t uid);
/* Resolves a user name or number. Returns 0 or -1. */
int proc_parse_user(const char *s, uid_t *uid);

#endif
