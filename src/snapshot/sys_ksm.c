#include "proc/proc_pid.h"
#include "snapshot/array_room.h"
#include "snapshot/sys_ksm.h"
#include <stdlib.h>
#include <string.h>

static int most_first(const void *a, const void *b)
{
	const struct ksm_proc_row *x = a, *y = b;
	if (x->k.merging_pages != y->k.merging_pages)
		return x->k.merging_pages > y->k.merging_pages ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

void sys_ksm_read(struct sys_ksm *k)
{
	k->nprocs = 0;
	k->err = ksm_read_system(&k->sys);
	if (k->err || (k->sys.pages_shared <= 0 && k->sys.ksm_zero_pages <= 0))
		return; /* nothing merged: no process to look for (each costs two reads) */
	pid_t *pids;
	int n = proc_list_pids(&pids);
	struct text_buf buf = { 0 };
	for (int i = 0; i < n; i++) {
		struct ksm_process p;
		struct proc_info pi;
		/* processes that exit or hide their files meanwhile have nothing to show */
		if (ksm_read_process(pids[i], &p) || p.merging_pages <= 0 ||
		    proc_pid_info(pids[i], &buf, &pi))
			continue;
		struct ksm_proc_row *rows = array_room(k->procs, &k->cap, k->nprocs, sizeof(*rows));
		if (!rows)
			break;
		k->procs = rows;
		rows[k->nprocs].pid = pids[i];
		memcpy(rows[k->nprocs].comm, pi.comm, sizeof(pi.comm));
		rows[k->nprocs++].k = p;
	}
	text_buf_free(&buf);
	if (n >= 0)
		free(pids);
	if (k->nprocs) /* qsort must not be given NULL */
		qsort(k->procs, k->nprocs, sizeof(*k->procs), most_first);
}

void sys_ksm_free(struct sys_ksm *k)
{
	free(k->procs);
	k->procs = NULL;
	k->nprocs = k->cap = 0;
}
