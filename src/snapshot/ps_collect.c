#include "proc/proc_file.h"
#include "proc/proc_oom.h"
#include "proc/proc_pid.h"
#include "snapshot/ps_collect.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void count_skip(struct ps_skipped *s, int err)
{
	if (err == -ENOENT || err == -ESRCH)
		s->vanished++;
	else if (err == -EACCES || err == -EPERM)
		s->unreadable++;
	else if (err == -EINVAL)
		s->malformed++;
	else
		s->other++;
}

struct map_ctx {
	struct keyed_table *rows;
	pid_t pid;
};

static int add_mapping(const struct smaps_mapping *m, void *ctx)
{
	struct map_ctx *mc = ctx;
	struct mem_row *r = mem_rows_get(mc->rows, m->name[0] ? m->name : "<anonymous>");
	if (!r)
		return -ENOMEM;
	mem_counts_add(&r->c, &m->c);
	r->count++;
	if (r->last_pid != mc->pid) {
		r->last_pid = mc->pid;
		r->pids++;
	}
	return 0;
}

/* Per-mapping rows need every mapping: read smaps. Returns 0 or -errno. */
static int collect_mappings(pid_t pid, struct text_buf *buf, struct keyed_table *rows)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	int r = proc_read_file(path, buf);
	if (r)
		return r;
	/* Parse into a scratch table first so a malformed file adds nothing. */
	struct keyed_table scratch;
	mem_rows_init(&scratch);
	struct map_ctx mc = { &scratch, pid };
	r = smaps_parse(buf->data, buf->len, add_mapping, &mc);
	if (r >= 0)
		r = mem_rows_merge(rows, &scratch);
	ktable_free(&scratch);
	return r < 0 ? r : 0;
}

/* One process's totals as a row of its own, or of its user's. Returns 0 (also for a
 * process without user memory, left out without counting) or -errno. */
static int collect_process(const struct ps_select *sel, const struct proc_info *pi,
			   struct text_buf *buf, struct keyed_table *rows)
{
	struct mem_counts c;
	int r = proc_pid_mem(pi->pid, sel->src, buf, &c);
	if (r)
		return r == -ENODATA ? 0 : r;
	const char *user = proc_user_name(pi->uid);
	char key[64];
	if (sel->mode == PS_BY_USER)
		snprintf(key, sizeof(key), "%s", user);
	else
		snprintf(key, sizeof(key), "%d", pi->pid);
	struct mem_row *row = mem_rows_get(rows, key);
	if (!row)
		return -ENOMEM;
	mem_counts_add(&row->c, &c);
	row->count++;
	row->pid = pi->pid;
	row->uid = pi->uid;
	snprintf(row->user, sizeof(row->user), "%s", user);
	memcpy(row->comm, pi->comm, sizeof(row->comm));
	memcpy(row->command, pi->cmdline, sizeof(row->command));
	if (sel->mode == PS_BY_PROCESS) /* a process gone by now keeps its sizes, without a score */
		row->oom_known = proc_pid_oom(pi->pid, &row->oom_score, &row->oom_score_adj) == 0;
	return 0;
}

static bool selected(const struct ps_select *sel, const struct proc_info *pi)
{
	if (!cli_pid_selected(sel->cli, pi->pid))
		return false;
	if (sel->cli->comm && strcmp(sel->cli->comm, pi->comm))
		return false;
	if (sel->have_uid && pi->uid != sel->uid)
		return false;
	return true;
}

int ps_collect(const struct ps_select *sel, struct keyed_table *rows, struct ps_skipped *skip)
{
	pid_t *pids;
	int n = proc_list_pids(&pids);
	if (n < 0) {
		fprintf(stderr, "memmon ps: cannot list /proc: %s\n", strerror(-n));
		return -1;
	}
	struct text_buf buf = { 0 };
	struct proc_info pi;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		if (!cli_pid_selected(sel->cli, pids[i]))
			continue;
		int r = proc_pid_info(pids[i], &buf, &pi);
		if (r) {
			count_skip(skip, r);
			continue;
		}
		if (!pi.cmdline[0] || !selected(sel, &pi))
			continue; /* kernel threads and zombies own no memory of their own */
		r = sel->mode == PS_BY_MAPPING ? collect_mappings(pi.pid, &buf, rows) :
						 collect_process(sel, &pi, &buf, rows);
		if (r == -ENOMEM) {
			fprintf(stderr, "memmon ps: out of memory\n");
			rc = -1;
			break;
		}
		if (r)
			count_skip(skip, r);
	}
	text_buf_free(&buf);
	free(pids);
	return rc;
}
