/* What the OOM killer knows of a process: /proc/PID/oom_score (the badness the kernel
 * computes and uses, 0..2000: 1000 + (RSS + swap + page tables) * 1000 / (RAM + swap) +
 * oom_score_adj) and /proc/PID/oom_score_adj (-1000: never killed, .. 1000). */
#ifndef MEMMON_PROC_OOM_H
#define MEMMON_PROC_OOM_H
#include <sys/types.h>

/* 0, or -errno (-ENOENT once the process is gone). */
int proc_pid_oom(pid_t pid, int *score, int *adj);

#endif
