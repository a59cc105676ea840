#include "core/json_out.h"
#include "snapshot/ps_print.h"

static double percent_of(const struct ps_print *pp, uint64_t kb)
{
	return pp->mem_total_kb ? 100.0 * (double)kb / (double)pp->mem_total_kb : 0.0;
}

static void print_size(FILE *out, const struct ps_print *pp, uint64_t kb)
{
	if (pp->percent)
		fprintf(out, " %8.2f%%", percent_of(pp, kb));
	else
		fprintf(out, " %9llu", (unsigned long long)kb);
}

static void print_sizes(FILE *out, const struct ps_print *pp, const struct mem_counts *c)
{
	print_size(out, pp, c->swap);
	print_size(out, pp, c->swap_pss);
	print_size(out, pp, mem_uss(c));
	print_size(out, pp, c->pss);
	print_size(out, pp, c->rss);
	print_size(out, pp, c->size);
}

static void json_sizes(struct json_object *j, const struct ps_print *pp, const struct mem_counts *c)
{
	static const char *const keys[] = { "swap", "swap_pss", "uss", "pss", "rss", "vss" };
	uint64_t v[] = { c->swap, c->swap_pss, mem_uss(c), c->pss, c->rss, c->size };
	char key[32];
	for (size_t i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "%s_kb", keys[i]);
		json_add_u64(j, key, v[i]);
		if (pp->percent) {
			snprintf(key, sizeof(key), "%s_pct", keys[i]);
			json_add_double(j, key, percent_of(pp, v[i]));
		}
	}
}

static const char *const row_types[] = { "ps_process", "ps_user", "ps_mapping" };

static void print_row_json(const struct mem_row *r, const struct ps_print *pp, FILE *out)
{
	struct json_object *j = json_record(row_types[pp->mode]);
	switch (pp->mode) {
	case PS_BY_PROCESS:
		json_add_int(j, "pid", r->pid);
		json_add_str(j, "user", r->user);
		json_add_int(j, "uid", r->uid);
		json_add_str(j, "comm", r->comm);
		json_add_str(j, "command", r->command);
		if (r->oom_known) {
			json_add_int(j, "oom_score", r->oom_score);
			json_add_int(j, "oom_score_adj", r->oom_score_adj);
		} else {
			json_object_object_add(j, "oom_score", NULL);
			json_object_object_add(j, "oom_score_adj", NULL);
		}
		break;
	case PS_BY_USER:
		json_add_str(j, "user", r->key);
		json_add_int(j, "uid", r->uid);
		json_add_u64(j, "processes", r->count);
		break;
	case PS_BY_MAPPING:
		json_add_str(j, "map", r->key);
		json_add_u64(j, "mappings", r->count);
		json_add_u64(j, "pids", r->pids);
		json_add_u64(j, "avg_pss_kb", r->pids ? r->c.pss / r->pids : 0);
		break;
	}
	json_sizes(j, pp, &r->c);
	json_emit(j, out);
}

/* The one last record: the totals, and the processes skipped by why. */
static void print_summary_json(const struct ps_print *pp, size_t rows, uint64_t count,
			       const struct mem_counts *total, FILE *out)
{
	const struct ps_skipped *s = pp->skipped;
	struct json_object *j = json_record("ps_summary");
	json_add_u64(j, "rows", rows);
	json_add_u64(j, pp->mode == PS_BY_MAPPING ? "mappings" : "processes", count);
	json_add_u64(j, "mem_total_kb", pp->mem_total_kb);
	json_sizes(j, pp, total);
	struct json_object *k = json_object_new_object();
	json_add_int(k, "processes", ps_skipped_total(s));
	json_add_int(k, "vanished", s->vanished);
	json_add_int(k, "unreadable", s->unreadable);
	json_add_int(k, "malformed", s->malformed);
	json_add_int(k, "other", s->other);
	json_object_object_add(j, "skipped", k);
	json_emit(j, out);
}

static void print_skipped_text(const struct ps_print *pp)
{
	const struct ps_skipped *s = pp->skipped;
	unsigned total = ps_skipped_total(s);
	if (!total)
		return;
	fprintf(stderr, "memmon ps: skipped %u processes: %u exited while listed, %u unreadable%s, "
		"%u malformed, %u other errors\n", total, s->vanished, s->unreadable,
		s->unreadable && !pp->root ? " (only root sees every process)" : "", s->malformed,
		s->other);
}

static const char *const size_header = "      Swap   SwapPss       USS       PSS       RSS       VSS";

static void print_row_text(const struct mem_row *r, const struct ps_print *pp, FILE *out)
{
	switch (pp->mode) {
	case PS_BY_PROCESS:
		fprintf(out, "%7d %-8.8s %-27.27s", r->pid, r->user, r->command);
		break;
	case PS_BY_USER:
		fprintf(out, "%-16.16s %5llu", r->key, (unsigned long long)r->count);
		break;
	case PS_BY_MAPPING:
		fprintf(out, "%-40.40s %6llu %5llu", r->key, (unsigned long long)r->count,
			(unsigned long long)r->pids);
		print_size(out, pp, r->pids ? r->c.pss / r->pids : 0);
		break;
	}
	print_sizes(out, pp, &r->c);
	if (pp->mode == PS_BY_PROCESS && r->oom_known)
		fprintf(out, " %5d %5d", r->oom_score, r->oom_score_adj);
	else if (pp->mode == PS_BY_PROCESS)
		fprintf(out, " %5s %5s", "-", "-");
	fputc('\n', out);
}

void ps_print(const struct keyed_table *rows, const struct ps_print *pp, FILE *out)
{
	struct mem_counts total = { 0 };
	uint64_t count = 0;
	size_t n = ktable_count(rows);
	for (size_t i = 0; i < n; i++) {
		mem_counts_add(&total, &mem_row_at(rows, i)->c);
		count += mem_row_at(rows, i)->count;
	}
	if (pp->json) {
		for (size_t i = 0; i < n; i++)
			print_row_json(mem_row_at(rows, i), pp, out);
		print_summary_json(pp, n, count, &total, out);
		return;
	}
	switch (pp->mode) {
	case PS_BY_PROCESS: fprintf(out, "    PID User     Command                     "); break;
	case PS_BY_USER: fprintf(out, "User             Count"); break;
	case PS_BY_MAPPING: fprintf(out, "Map                                       Count  PIDs    AvgPSS"); break;
	}
	fputs(size_header, out);
	if (pp->mode == PS_BY_PROCESS)
		fputs("   OOM   Adj", out);
	fputc('\n', out);
	for (size_t i = 0; i < n; i++)
		print_row_text(mem_row_at(rows, i), pp, out);
	switch (pp->mode) {
	case PS_BY_PROCESS: fprintf(out, "%7zu %-36s", n, "processes (total)"); break;
	case PS_BY_USER: fprintf(out, "%-16s %5llu", "total", (unsigned long long)count); break;
	case PS_BY_MAPPING:
		fprintf(out, "%-40s %6llu %5s %9s", "total", (unsigned long long)count, "", "");
		break;
	}
	print_sizes(out, pp, &total);
	fputc('\n', out);
	fflush(out);
	print_skipped_text(pp);
}
