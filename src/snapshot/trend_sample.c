#include "proc/proc_smaps.h"
#include "proc/proc_status.h"
#include "snapshot/trend_sample.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int add_mapping(const struct smaps_mapping *m, void *ctx)
{
	struct trend_point *p = ctx;
	p->uss_kb += mem_uss(&m->c);
	p->rss_kb += m->c.rss;
	if (strcmp(m->name, "[heap]") == 0)
		p->heap_kb += m->c.rss;
	return 0;
}

int trend_sample(pid_t pid, struct text_buf *buf, struct trend_point *p)
{
	char path[64];
	p->uss_kb = p->heap_kb = p->anon_kb = p->rss_kb = 0;
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	int r = proc_read_file(path, buf);
	if (r)
		return r;
	if ((r = smaps_parse(buf->data, buf->len, add_mapping, p)) < 0)
		return r;
	if (r == 0)
		return -ESRCH; /* no address space left: exiting or a zombie */
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((r = proc_read_file(path, buf)))
		return r;
	struct proc_status_mem st;
	if ((r = proc_status_parse(buf->data, buf->len, &st)))
		return r;
	p->anon_kb = st.rss_anon;
	return 0;
}
