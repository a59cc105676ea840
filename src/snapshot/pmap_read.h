/* What `memmon pmap` shows of one process, read from /proc before anything is printed:
 * its identity and every mapping of /proc/PID/smaps with the totals. */
#ifndef MEMMON_PMAP_READ_H
#define MEMMON_PMAP_READ_H
#include "proc/proc_file.h"
#include "proc/proc_smaps.h"
#include <stddef.h>
#include <sys/types.h>

struct pmap_process {
	pid_t pid;
	char comm[64];
	char command[256]; /* "" for kernel threads */
	struct smaps_mapping *maps;
	size_t n, cap;
	struct mem_counts total;
};

/* Fills *p (zeroed first; pmap_process_free it after). Returns 0 or -errno: -ENOENT/-ESRCH
 * exited, -EACCES/-EPERM unreadable, -EINVAL malformed smaps, -ENODATA no user memory
 * (kernel thread or zombie), -ENOMEM. Nothing is kept of a process that fails. */
int pmap_read(pid_t pid, struct text_buf *buf, struct pmap_process *p);
void pmap_process_free(struct pmap_process *p);
/* Why a process could not be shown, for messages: "exited", "is not readable (...)". */
const char *pmap_error_text(int err);

#endif
