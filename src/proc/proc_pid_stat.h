/* Parser of /proc/PID/stat: the fault counters of a process ("pid (comm) state ppid ...").
 * comm may hold spaces and parentheses, so fields are counted from the last ')'. */
#ifndef MEMMON_PROC_PID_STAT_H
#define MEMMON_PROC_PID_STAT_H
#include "proc/proc_file.h"
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pid_stat {
	char state;
	uint64_t minflt, majflt; /* faults of the process itself (not of waited-for children) */
};

/* Returns 0, or -EINVAL if the text is not a stat line with at least the majflt field. */
int pid_stat_parse(const char *text, size_t len, struct pid_stat *out);
/* Reads /proc/PID/stat into buf (reused). Returns 0 or -errno (-ENOENT/-ESRCH gone). */
int pid_stat_read(pid_t pid, struct text_buf *buf, struct pid_stat *out);

#endif
