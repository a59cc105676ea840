#include "pressure/oom_rank.h"
#include "proc/cgroup_mounts.h"
#include "proc/memcg_files.h"
#include "proc/proc_cgroup.h"
#include "proc/proc_file.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_oom.h"
#include "proc/proc_pid.h"
#include "proc/proc_status.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* kB per page, for the kernel's arithmetic in pages */
static int64_t page_kb(void)
{
	static int64_t kb;
	if (!kb)
		kb = sysconf(_SC_PAGESIZE) / 1024;
	return kb;
}

int64_t oom_badness_kb(const struct oom_candidate *c, uint64_t total_kb)
{
	/* oom_badness(): get_mm_rss + swap entries + page table pages, then
	 * adj *= totalpages / 1000 (the division first, as the kernel does it) */
	int64_t pk = page_kb();
	int64_t pages = (int64_t)(c->rss_kb / pk + c->swap_kb / pk + c->pgtables_kb / pk);
	pages += (int64_t)c->oom_score_adj * ((int64_t)total_kb / pk / 1000);
	return pages * pk;
}

int oom_score_of(int64_t badness_kb, uint64_t total_kb)
{
	int64_t pk = page_kb(), total = (int64_t)total_kb / pk;
	if (total <= 0)
		return 0;
	int64_t s = (1000 + badness_kb / pk * 1000 / total) * 2 / 3; /* proc_oom_score() */
	return s < 0 ? 0 : (int)s;
}

static void count_skip(struct oom_rank *r, int err)
{
	if (err == -ENOENT || err == -ESRCH)
		r->vanished++;
	else
		r->unreadable++;
}

/* A process's memory figures and cgroup. 0 or -errno. */
static int read_candidate(pid_t pid, const struct cgroup_mounts *m, struct text_buf *buf,
			  struct oom_candidate *c)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	int r = proc_read_file(path, buf);
	struct proc_status_mem st;
	if (r || (r = proc_status_parse(buf->data, buf->len, &st)))
		return r;
	c->rss_kb = st.vm_rss;
	c->swap_kb = st.vm_swap;
	c->pgtables_kb = st.vm_pte;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	struct proc_cgroups cg;
	if (proc_read_file(path, buf) == 0 && proc_cgroup_parse(buf->data, buf->len, &cg) == 0) {
		if (m->v1_memory[0] && cg.v1_memory[0]) {
			snprintf(c->cgroup, sizeof(c->cgroup), "%s", cg.v1_memory);
			c->cgroup_version = 1;
		} else if (m->v2[0] && cg.v2[0]) {
			snprintf(c->cgroup, sizeof(c->cgroup), "%s", cg.v2);
			c->cgroup_version = 2;
		}
	}
	return 0;
}

/* The scope for a cgroup path, read the first time it is asked for. NULL on ENOMEM. */
static struct oom_scope *scope_of(struct oom_rank *r, const struct cgroup_mounts *m,
				  const char *path, int version, struct text_buf *buf)
{
	for (size_t i = 0; i < r->nscopes; i++)
		if (r->scopes[i].version == version && !strcmp(r->scopes[i].path, path))
			return &r->scopes[i];
	if (r->nscopes == r->scap) {
		size_t cap = r->scap ? 2 * r->scap : 16;
		struct oom_scope *s = realloc(r->scopes, cap * sizeof(*s));
		if (!s)
			return NULL;
		r->scopes = s;
		r->scap = cap;
	}
	struct oom_scope *s = &r->scopes[r->nscopes++];
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->version = version;
	char dir[OOM_CGROUP_PATH_MAX + 300];
	snprintf(dir, sizeof(dir), "%s%s", version == 1 ? m->v1_memory : m->v2, path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct memcg_stats st;
	if (fd >= 0 && memcg_read(fd, version, &st, buf) == 0 && st.limit != MEMCG_NONE &&
	    st.limit != MEMCG_UNLIMITED) {
		s->limited = true;
		s->limit_kb = (uint64_t)st.limit / 1024;
		/* mem_cgroup_get_max: the limit plus the swap the group may use, at most SwapTotal */
		uint64_t swap_room = r->swap_kb;
		if (version == 1 && st.swap_limit != MEMCG_NONE && st.swap_limit != MEMCG_UNLIMITED)
			swap_room = st.swap_limit > st.limit ? (uint64_t)(st.swap_limit - st.limit) / 1024 : 0;
		else if (version == 2 && st.swap_limit != MEMCG_NONE && st.swap_limit != MEMCG_UNLIMITED)
			swap_room = (uint64_t)st.swap_limit / 1024;
		s->total_kb = s->limit_kb + (swap_room < r->swap_kb ? swap_room : r->swap_kb);
	}
	if (fd >= 0)
		close(fd);
	return s;
}

static int add_member(struct oom_scope *s, size_t i)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		size_t *m = realloc(s->members, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		s->members = m;
		s->cap = cap;
	}
	s->members[s->n++] = i;
	return 0;
}

/* Candidate i in the scope of its cgroup and of each ancestor with a limit. */
static int add_to_scopes(struct oom_rank *r, const struct cgroup_mounts *m, size_t i,
			 struct text_buf *buf)
{
	char path[OOM_CGROUP_PATH_MAX];
	snprintf(path, sizeof(path), "%s", r->c[i].cgroup);
	int version = r->c[i].cgroup_version;
	while (path[0] == '/' && path[1]) {
		struct oom_scope *s = scope_of(r, m, path, version, buf);
		if (!s)
			return -ENOMEM;
		if (s->limited && add_member(s, i))
			return -ENOMEM;
		char *slash = strrchr(path, '/');
		if (slash == path)
			break;
		*slash = '\0';
	}
	return 0;
}

/* The sorts' context (qsort has no argument). */
static const struct oom_rank *sorting;
static uint64_t sorting_total;

static int worse_first(const struct oom_candidate *x, const struct oom_candidate *y, int64_t bx,
		       int64_t by)
{
	if (bx != by)
		return bx > by ? -1 : 1;
	return x->pid > y->pid ? -1 : x->pid < y->pid; /* the kernel keeps the later of equals */
}

static int cmp_system(const void *a, const void *b)
{
	const struct oom_candidate *x = &sorting->c[*(const size_t *)a], *y = &sorting->c[*(const size_t *)b];
	/* the kernel's word first; the badness it rounds orders equal scores */
	if (x->oom_score != y->oom_score)
		return x->oom_score > y->oom_score ? -1 : 1;
	return worse_first(x, y, oom_badness_kb(x, sorting->total_kb), oom_badness_kb(y, sorting->total_kb));
}

static int cmp_scope(const void *a, const void *b)
{
	const struct oom_candidate *x = &sorting->c[*(const size_t *)a], *y = &sorting->c[*(const size_t *)b];
	return worse_first(x, y, oom_badness_kb(x, sorting_total), oom_badness_kb(y, sorting_total));
}

static void sort_all(struct oom_rank *r)
{
	sorting = r;
	qsort(r->system, r->n, sizeof(*r->system), cmp_system);
	for (size_t i = 0; i < r->nscopes; i++) {
		if (!r->scopes[i].n)
			continue; /* no members array to give qsort */
		sorting_total = r->scopes[i].total_kb;
		qsort(r->scopes[i].members, r->scopes[i].n, sizeof(size_t), cmp_scope);
	}
}

static int collect(struct oom_rank *r, const pid_t *pids, int npids, const struct cgroup_mounts *m,
		   struct text_buf *buf)
{
	struct proc_info pi;
	for (int k = 0; k < npids; k++) {
		int e = proc_pid_info(pids[k], buf, &pi);
		if (e) {
			count_skip(r, e);
			continue;
		}
		if (!pi.cmdline[0])
			continue; /* kernel threads and zombies: never chosen */
		struct oom_candidate c = { .pid = pi.pid };
		memcpy(c.comm, pi.comm, sizeof(c.comm));
		if ((e = proc_pid_oom(pi.pid, &c.oom_score, &c.oom_score_adj)) ||
		    (e = read_candidate(pi.pid, m, buf, &c))) {
			count_skip(r, e == -EINVAL && !c.rss_kb ? -ENOENT : e); /* exited: no memory lines */
			continue;
		}
		if (c.oom_score_adj == -1000) {
			r->unkillable++;
			continue;
		}
		if (r->n == r->cap) {
			size_t cap = r->cap ? 2 * r->cap : 256;
			struct oom_candidate *grown = realloc(r->c, cap * sizeof(*grown));
			if (!grown)
				return -ENOMEM;
			r->c = grown;
			r->cap = cap;
		}
		r->c[r->n++] = c;
		if (c.cgroup[0] && add_to_scopes(r, m, r->n - 1, buf))
			return -ENOMEM;
	}
	if (!(r->system = malloc((r->n ? r->n : 1) * sizeof(*r->system))))
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++)
		r->system[i] = i;
	sort_all(r);
	return 0;
}

int oom_rank_collect(struct oom_rank *r)
{
	memset(r, 0, sizeof(*r));
	struct meminfo mi;
	int e = meminfo_read(&mi);
	if (e) {
		fprintf(stderr, "memmon oom: cannot read /proc/meminfo: %s\n", strerror(-e));
		return e;
	}
	r->total_kb = mi.mem_total + mi.swap_total;
	r->swap_kb = mi.swap_total;
	struct cgroup_mounts m;
	if (cgroup_mounts_read(&m))
		memset(&m, 0, sizeof(m)); /* rank system-wide only */
	if (m.v2[0] && !cgroup_v2_has_memory(m.v2))
		m.v2[0] = '\0';
	pid_t *pids;
	int n = proc_list_pids(&pids);
	if (n < 0) {
		fprintf(stderr, "memmon oom: cannot list /proc: %s\n", strerror(-n));
		return n;
	}
	struct text_buf buf = { 0 };
	e = collect(r, pids, n, &m, &buf);
	text_buf_free(&buf);
	free(pids);
	if (e)
		fprintf(stderr, "memmon oom: out of memory\n");
	return e;
}

void oom_rank_free(struct oom_rank *r)
{
	for (size_t i = 0; i < r->nscopes; i++)
		free(r->scopes[i].members);
	free(r->scopes);
	free(r->c);
	free(r->system);
	memset(r, 0, sizeof(*r));
}
