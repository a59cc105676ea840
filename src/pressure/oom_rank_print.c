#include "core/json_out.h"
#include "pressure/oom_rank_print.h"

struct scope_view {
	const char *kind;        /* "system" or "cgroup" */
	const struct oom_scope *cg; /* NULL for the system */
	uint64_t total_kb;
	const size_t *order;
	size_t n;
};

static void row_json(const struct oom_rank *r, const struct scope_view *v, size_t rank,
		     const struct oom_candidate *c, FILE *out)
{
	int64_t badness = oom_badness_kb(c, v->total_kb);
	struct json_object *j = json_record("oom_rank");
	json_add_str(j, "scope", v->kind);
	json_add_str(j, "scope_cgroup", v->cg ? v->cg->path : NULL);
	json_add_u64(j, "scope_total_kb", v->total_kb);
	json_add_u64(j, "rank", rank);
	json_add_int(j, "pid", c->pid);
	json_add_str(j, "comm", c->comm);
	json_add_int(j, "oom_score", c->oom_score);
	json_add_int(j, "oom_score_adj", c->oom_score_adj);
	json_add_int(j, "score", oom_score_of(badness, v->total_kb));
	json_add_int(j, "badness_kb", badness);
	json_add_u64(j, "rss_kb", c->rss_kb);
	json_add_u64(j, "swap_kb", c->swap_kb);
	json_add_u64(j, "pgtables_kb", c->pgtables_kb);
	json_add_int(j, "adj_kb", badness - (int64_t)(c->rss_kb + c->swap_kb + c->pgtables_kb));
	json_add_str(j, "cgroup", c->cgroup[0] ? c->cgroup : NULL);
	if (c->cgroup[0])
		json_add_int(j, "cgroup_version", c->cgroup_version);
	else
		json_object_object_add(j, "cgroup_version", NULL);
	json_emit(j, out);
	(void)r;
}

static void row_text(const struct scope_view *v, size_t rank, const struct oom_candidate *c,
		     FILE *out)
{
	int64_t badness = oom_badness_kb(c, v->total_kb);
	fprintf(out, "%4zu %7d %-15.15s %6d %5d %6d %10llu %8llu %7llu %10lld  %s\n", rank, c->pid,
		c->comm, c->oom_score, oom_score_of(badness, v->total_kb), c->oom_score_adj,
		(unsigned long long)c->rss_kb, (unsigned long long)c->swap_kb,
		(unsigned long long)c->pgtables_kb,
		(long long)(badness - (int64_t)(c->rss_kb + c->swap_kb + c->pgtables_kb)),
		c->cgroup[0] ? c->cgroup : "-");
}

static void print_scope(const struct oom_rank *r, const struct scope_view *v, bool json,
			long top, FILE *out)
{
	size_t n = top > 0 && (size_t)top < v->n ? (size_t)top : v->n;
	if (!json) {
		if (v->cg)
			fprintf(out, "\nmemory cgroup %s (v%d): limit %llu kB, total with swap %llu kB\n",
				v->cg->path, v->cg->version, (unsigned long long)v->cg->limit_kb,
				(unsigned long long)v->total_kb);
		else
			fprintf(out, "system-wide: RAM + swap %llu kB\n", (unsigned long long)v->total_kb);
		fprintf(out, "rank     PID comm            oom_sc score    adj     RSS kB  swap kB  PTE kB     adj kB  cgroup\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct oom_candidate *c = &r->c[v->order[i]];
		if (json)
			row_json(r, v, i + 1, c, out);
		else
			row_text(v, i + 1, c, out);
	}
	if (!json && n < v->n)
		fprintf(out, "  ... %zu more (--top 0 lists all)\n", v->n - n);
}

void oom_rank_print(const struct oom_rank *r, bool json, long top, FILE *out)
{
	if (!json)
		fprintf(out, "Who the OOM killer picks first: the largest badness = RSS + swap + page tables\n"
			"+ oom_score_adj x total / 1000 (kB in the adj column), total = RAM + swap, or in a\n"
			"cgroup OOM its limit (+ the swap it may use); score = (1000 + badness x 1000 /\n"
			"total) x 2 / 3, oom_sc = the kernel's /proc/PID/oom_score. oom_score_adj -1000\n"
			"is never chosen (%u such processes left out).\n\n", r->unkillable);
	struct scope_view sys = { "system", NULL, r->total_kb, r->system, r->n };
	print_scope(r, &sys, json, top, out);
	size_t limited = 0;
	for (size_t i = 0; i < r->nscopes; i++) {
		const struct oom_scope *s = &r->scopes[i];
		if (!s->limited)
			continue;
		limited++;
		struct scope_view v = { "cgroup", s, s->total_kb, s->members, s->n };
		print_scope(r, &v, json, top, out);
	}
	if (json) {
		struct json_object *j = json_record("oom_summary");
		json_add_bool(j, "rank", 1);
		json_add_u64(j, "processes", r->n);
		json_add_int(j, "unkillable", r->unkillable);
		json_add_u64(j, "limited_cgroups", limited);
		struct json_object *k = json_object_new_object();
		json_add_int(k, "vanished", r->vanished);
		json_add_int(k, "unreadable", r->unreadable);
		json_object_object_add(j, "skipped", k);
		json_emit(j, out);
	} else if (r->vanished || r->unreadable) {
		fprintf(stderr, "memmon oom: skipped %u processes that exited while read, %u unreadable\n",
			r->vanished, r->unreadable);
	}
	fflush(out);
}
