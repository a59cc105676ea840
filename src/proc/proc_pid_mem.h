/* One process's memory totals: smaps_rollup (one cheap read), or smaps summed per
 * mapping as smem does, which is also the fallback on kernels without smaps_rollup. */
#ifndef MEMMON_PROC_PID_MEM_H
#define MEMMON_PROC_PID_MEM_H
#include "proc/proc_file.h"
#include "proc/proc_smaps.h"
#include <sys/types.h>

enum mem_source { MEM_SRC_ROLLUP, MEM_SRC_SMAPS };

/* Fills *out (kB; size = VSS). Returns 0, or -errno: -ENOENT/-ESRCH gone, -EACCES
 * unreadable, -EINVAL malformed, -ENODATA no address space (kernel thread, zombie). */
int proc_pid_mem(pid_t pid, enum mem_source src, struct text_buf *buf, struct mem_counts *out);

#endif
