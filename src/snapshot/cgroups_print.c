#include "core/json_out.h"
#include "snapshot/cgroups_print.h"
#include <string.h>

/* A figure in bytes, or null for none / no limit. */
static void add_bytes(struct json_object *j, const char *key, int64_t v)
{
	if (v == MEMCG_NONE || v == MEMCG_UNLIMITED)
		json_object_object_add(j, key, NULL);
	else
		json_add_int(j, key, v);
}

static struct json_object *psi_json(const struct psi_line *p)
{
	struct json_object *o = json_object_new_object();
	json_add_double(o, "avg10", p->avg10);
	json_add_double(o, "avg60", p->avg60);
	json_add_double(o, "avg300", p->avg300);
	json_add_u64(o, "total_us", p->total_us);
	return o;
}

static void print_json(const struct cgroup_list *l, const struct cgroup_row *r, bool final,
		       FILE *out)
{
	const struct memcg_stats *st = &r->st;
	struct json_object *j = json_record("cgroups_group");
	json_add_bool(j, "final", final);
	json_add_int(j, "version", st->version);
	json_add_str(j, "mount", r->mount);
	json_add_str(j, "path", r->path);
	json_add_int(j, "depth", r->depth);
	json_add_str(j, "parent", r->parent >= 0 ? l->rows[r->parent].path : NULL);
	json_add_int(j, "usage_bytes", st->usage);
	json_add_bool(j, "limited", st->limit != MEMCG_UNLIMITED && st->limit != MEMCG_NONE);
	add_bytes(j, "limit_bytes", st->limit);
	double share = cgroup_limit_share(st);
	if (share < 0)
		json_object_object_add(j, "limit_share", NULL);
	else
		json_add_double(j, "limit_share", share);
	add_bytes(j, "high_bytes", st->high);
	add_bytes(j, "soft_limit_bytes", st->soft_limit);
	add_bytes(j, "low_bytes", st->low);
	add_bytes(j, "swap_bytes", st->swap);
	add_bytes(j, "swap_limit_bytes", st->swap_limit);
	add_bytes(j, "anon_bytes", st->anon);
	add_bytes(j, "file_bytes", st->file);
	add_bytes(j, "kernel_bytes", st->kernel);
	add_bytes(j, "sock_bytes", st->sock);
	add_bytes(j, "shmem_bytes", st->shmem);
	add_bytes(j, "limit_hits", st->limit_hits);
	add_bytes(j, "oom_events", st->oom);
	add_bytes(j, "oom_kill_events", st->oom_kill);
	if (st->has_psi) {
		struct json_object *p = json_object_new_object();
		json_object_object_add(p, "some", psi_json(&st->psi.some));
		json_object_object_add(p, "full", st->psi.full.present ? psi_json(&st->psi.full) : NULL);
		json_object_object_add(j, "psi", p);
	} else {
		json_object_object_add(j, "psi", NULL);
	}
	struct json_object *pids = json_object_new_array();
	for (size_t i = 0; i < r->npids; i++)
		json_object_array_add(pids, json_object_new_int(r->pids[i]));
	json_object_object_add(j, "pids", pids);
	json_emit(j, out);
}

/* A kB column: "-" for none, "max" for no limit. */
static void col_kb(FILE *out, int64_t v, int width)
{
	if (v == MEMCG_NONE)
		fprintf(out, " %*s", width, "-");
	else if (v == MEMCG_UNLIMITED)
		fprintf(out, " %*s", width, "max");
	else
		fprintf(out, " %*lld", width, (long long)(v / 1024));
}

static void print_text(const struct cgroup_row *r, FILE *out)
{
	const struct memcg_stats *st = &r->st;
	char name[CGROUP_PATH_MAX + 2 * CGROUP_DEPTH_MAX];
	const char *base = r->depth && strrchr(r->path, '/') ? strrchr(r->path, '/') : r->path;
	snprintf(name, sizeof(name), "%*s%s", 2 * r->depth, "", r->depth ? base : r->path);
	fprintf(out, "v%d %-40.40s", st->version, name);
	col_kb(out, st->usage, 10);
	col_kb(out, st->limit, 10);
	double share = cgroup_limit_share(st);
	if (share < 0)
		fprintf(out, " %6s", "-");
	else
		fprintf(out, " %5.1f%%", 100 * share);
	col_kb(out, st->anon, 9);
	col_kb(out, st->file, 9);
	col_kb(out, st->kernel, 8);
	col_kb(out, st->shmem, 8);
	col_kb(out, st->swap, 8);
	if (st->oom_kill == MEMCG_NONE)
		fprintf(out, " %5s", "-");
	else
		fprintf(out, " %5lld", (long long)st->oom_kill);
	fprintf(out, " %5zu\n", r->npids);
	/* the second line: the other limits, events, pressure, processes */
	fprintf(out, "   %*s", 2 * r->depth, "");
	if (st->version == 1) {
		fputs("soft limit", out);
		col_kb(out, st->soft_limit, 0);
	} else {
		fputs("high", out);
		col_kb(out, st->high, 0);
		fputs(", low", out);
		col_kb(out, st->low, 0);
	}
	fputs(", sock", out);
	col_kb(out, st->sock, 0);
	fprintf(out, ", limit hits %lld", (long long)st->limit_hits);
	if (st->oom != MEMCG_NONE)
		fprintf(out, ", oom %lld", (long long)st->oom);
	if (st->has_psi)
		fprintf(out, ", psi some %.2f%% full %.2f%% (avg10)", st->psi.some.avg10,
			st->psi.full.avg10);
	if (r->npids) {
		fputs("; pids", out);
		for (size_t i = 0; i < r->npids && i < 8; i++)
			fprintf(out, " %d", r->pids[i]);
		if (r->npids > 8)
			fprintf(out, " +%zu", r->npids - 8);
	}
	fputc('\n', out);
}

void cgroups_print(const struct cgroup_list *l, const struct cgroups_print *pp, FILE *out)
{
	if (pp->json) {
		for (size_t i = 0; i < l->n; i++)
			print_json(l, &l->rows[l->order[i]], pp->final, out);
		return;
	}
	for (int h = 0; h < pp->nhier; h++) {
		const struct cgroup_hierarchy *c = &pp->hier[h];
		if (c->mount)
			fprintf(out, "cgroup v%d at %s%s\n", c->version, c->mount,
				c->memory ? "" : ": no memory controller (bound to v1 or not enabled)");
		else
			fprintf(out, "cgroup v%d: not mounted\n", c->version);
	}
	fprintf(out, "   cgroup (kB)                              usage      limit   used      anon      file   kernel    shmem     swap  kills procs\n");
	for (size_t i = 0; i < l->n; i++)
		print_text(&l->rows[l->order[i]], out);
	if (l->vanished || l->unreadable || l->too_deep)
		fprintf(stderr, "memmon cgroups: skipped %u groups removed while read, %u unreadable, "
			"%u deeper than %d levels\n", l->vanished, l->unreadable, l->too_deep,
			CGROUP_DEPTH_MAX);
	fflush(out);
}

void cgroups_print_interval(long interval, double seconds, FILE *out)
{
	struct json_object *j = json_record("cgroups_interval");
	json_add_int(j, "interval", interval);
	json_add_double(j, "seconds", seconds);
	json_emit(j, out);
}

void cgroups_print_summary(const struct cgroup_list *l, const struct cgroups_print *pp,
			   long samples, double seconds, const char *reason, FILE *out)
{
	struct json_object *j = json_record("cgroups_summary");
	json_add_u64(j, "groups", l->n);
	struct json_object *h = json_object_new_array();
	for (int i = 0; i < pp->nhier; i++) {
		struct json_object *o = json_object_new_object();
		json_add_int(o, "version", pp->hier[i].version);
		json_add_str(o, "mount", pp->hier[i].mount);
		json_add_bool(o, "memory", pp->hier[i].memory);
		json_object_array_add(h, o);
	}
	json_object_object_add(j, "hierarchies", h);
	struct json_object *k = json_object_new_object();
	json_add_int(k, "vanished", l->vanished);
	json_add_int(k, "unreadable", l->unreadable);
	json_add_int(k, "too_deep", l->too_deep);
	json_object_object_add(j, "skipped", k);
	json_add_int(j, "samples", samples);
	json_add_double(j, "seconds", seconds);
	json_add_str(j, "reason", reason);
	json_emit(j, out);
}
