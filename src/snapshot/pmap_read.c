#include "proc/proc_pid.h"
#include "snapshot/array_room.h"
#include "snapshot/pmap_read.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int keep_mapping(const struct smaps_mapping *m, void *ctx)
{
	struct pmap_process *p = ctx;
	struct smaps_mapping *maps = array_room(p->maps, &p->cap, p->n, sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	p->maps = maps;
	p->maps[p->n++] = *m;
	mem_counts_add(&p->total, &m->c);
	return 0;
}

int pmap_read(pid_t pid, struct text_buf *buf, struct pmap_process *p)
{
	struct proc_info pi;
	char path[64];
	memset(p, 0, sizeof(*p));
	int r = proc_pid_info(pid, buf, &pi);
	if (r)
		return r;
	p->pid = pid;
	memcpy(p->comm, pi.comm, sizeof(p->comm));
	memcpy(p->command, pi.cmdline, sizeof(p->command));
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	if (!(r = proc_read_file(path, buf)) && (r = smaps_parse(buf->data, buf->len, keep_mapping, p)) == 0)
		r = -ENODATA; /* kernel thread or zombie */
	if (r < 0) {
		pmap_process_free(p);
		return r;
	}
	return 0;
}

void pmap_process_free(struct pmap_process *p)
{
	free(p->maps);
	p->maps = NULL;
	p->n = p->cap = 0;
}

const char *pmap_error_text(int err)
{
	switch (err) {
	case -ESRCH: return "does not exist";
	case -ENOENT: return "exited";
	case -EACCES: case -EPERM: return "is not readable (run as root or as its owner)";
	case -EINVAL: return "has malformed smaps";
	case -ENODATA: return "has no user memory (kernel thread or zombie)";
	default: return strerror(-err);
	}
}
