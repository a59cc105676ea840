#include "symbols/proc_names.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct proc_entry *find(const struct proc_names *p, uint32_t tgid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->e[i].tgid == tgid)
			return &p->e[i];
	return NULL;
}

static void read_comm(uint32_t tgid, char *out, size_t n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%u/comm", tgid);
	FILE *f = fopen(path, "re");
	out[0] = 0;
	if (f) {
		if (!fgets(out, (int)n, f))
			out[0] = 0;
		fclose(f);
	}
	out[strcspn(out, "\n")] = 0;
}

static void capture(struct proc_names *p, struct proc_entry *e)
{
	if (p->sym && !e->gone && symbolizer_capture_pid(p->sym, (pid_t)e->tgid) == -ESRCH)
		e->gone = true;
}

static void set_comm(struct proc_entry *e, const char *comm)
{
	if (comm && comm[0])
		snprintf(e->comm, sizeof(e->comm), "%.15s", comm);
	else
		read_comm(e->tgid, e->comm, sizeof(e->comm));
}

void proc_names_add(struct proc_names *p, uint32_t tgid, const char *comm)
{
	struct proc_entry *e = find(p, tgid);
	if (!e) {
		if (p->n == p->cap) {
			size_t cap = p->cap ? p->cap * 2 : 64;
			struct proc_entry *ne = realloc(p->e, cap * sizeof(*ne));
			if (!ne)
				return; /* the row prints "?" as its name */
			p->e = ne;
			p->cap = cap;
		}
		e = &p->e[p->n++];
		memset(e, 0, sizeof(*e));
		e->tgid = tgid;
	}
	set_comm(e, comm);
	capture(p, e);
}

void proc_names_exec(struct proc_names *p, uint32_t tgid, const char *comm)
{
	if (p->sym)
		symbolizer_forget_pid(p->sym, (pid_t)tgid);
	proc_names_add(p, tgid, comm);
}

void proc_names_refresh(struct proc_names *p)
{
	for (size_t i = 0; i < p->n; i++)
		capture(p, &p->e[i]);
}

const char *proc_names_comm(const struct proc_names *p, uint32_t tgid)
{
	const struct proc_entry *e = find(p, tgid);
	return e && e->comm[0] ? e->comm : NULL;
}

void proc_names_free(struct proc_names *p)
{
	free(p->e);
	memset(p, 0, sizeof(*p));
}
