#include "core/json_out.h"
#include "proc/proc_pid.h"
#include "snapshot/ps_print.h"
#include <stdlib.h>
#include <string.h>

static const char *const column_names[] = {
	[COL_PID] = "pid", [COL_USER] = "user", [COL_COMMAND] = "command", [COL_COUNT] = "count",
	[COL_PIDS] = "pids", [COL_MAP] = "map", [COL_SWAP] = "swap", [COL_SWAPPSS] = "swappss",
	[COL_USS] = "uss", [COL_PSS] = "pss", [COL_RSS] = "rss", [COL_VSS] = "vss",
};

int ps_column_parse(const char *name, enum ps_mode mode, enum ps_column *out)
{
	for (size_t i = 0; i < sizeof(column_names) / sizeof(column_names[0]); i++) {
		if (strcmp(name, column_names[i]))
			continue;
		enum ps_column c = (enum ps_column)i;
		bool ok = c >= COL_SWAP ||
			  (mode == PS_BY_PROCESS && (c == COL_PID || c == COL_USER || c == COL_COMMAND)) ||
			  (mode == PS_BY_USER && (c == COL_USER || c == COL_COUNT)) ||
			  (mode == PS_BY_MAPPING && (c == COL_MAP || c == COL_COUNT || c == COL_PIDS));
		if (!ok)
			return -1;
		*out = c;
		return 0;
	}
	return -1;
}

static uint64_t number(const struct mem_row *r, enum ps_column c)
{
	switch (c) {
	case COL_PID: return (uint64_t)r->pid;
	case COL_COUNT: return r->count;
	case COL_PIDS: return r->pids;
	case COL_SWAP: return r->c.swap;
	case COL_SWAPPSS: return r->c.swap_pss;
	case COL_USS: return mem_uss(&r->c);
	case COL_PSS: return r->c.pss;
	case COL_RSS: return r->c.rss;
	case COL_VSS: return r->c.size;
	default: return 0;
	}
}

static const struct ps_print *sort_pp; /* qsort has no context argument */

static int cmp_rows(const void *a, const void *b)
{
	const struct mem_row *x = a, *y = b;
	int d;
	switch (sort_pp->sort) {
	case COL_USER: d = strcmp(proc_user_name(x->uid), proc_user_name(y->uid)); break;
	case COL_COMMAND: d = strcmp(x->command, y->command); break;
	case COL_MAP: d = strcmp(x->key, y->key); break;
	case COL_PID: d = (x->pid > y->pid) - (x->pid < y->pid); break;
	default: {
		uint64_t u = number(x, sort_pp->sort), v = number(y, sort_pp->sort);
		d = (u < v) - (u > v); /* largest first */
	}
	}
	if (d == 0) /* stable, readable tie order */
		d = sort_pp->mode == PS_BY_PROCESS ? (x->pid > y->pid) - (x->pid < y->pid) : strcmp(x->key, y->key);
	return sort_pp->reverse ? -d : d;
}

void ps_sort(struct mem_rows *rows, const struct ps_print *pp)
{
	sort_pp = pp;
	if (rows->n)
		qsort(rows->rows, rows->n, sizeof(rows->rows[0]), cmp_rows);
	sort_pp = NULL;
	/* The hash indexes are stale after sorting; the table is only printed now. */
	free(rows->slots);
	rows->slots = NULL;
	rows->nslots = 0;
}

static void print_size(FILE *out, const struct ps_print *pp, uint64_t kb)
{
	if (pp->percent)
		fprintf(out, " %8.2f%%", pp->mem_total_kb ? 100.0 * (double)kb / (double)pp->mem_total_kb : 0.0);
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
	fputc('\n', out);
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
			json_add_double(j, key, pp->mem_total_kb ? 100.0 * (double)v[i] / (double)pp->mem_total_kb : 0);
		}
	}
}

static const char *const row_types[] = { "process", "user", "mapping" };

static void print_row_json(const struct mem_row *r, const struct ps_print *pp, FILE *out)
{
	struct json_object *j = json_record(row_types[pp->mode]);
	switch (pp->mode) {
	case PS_BY_PROCESS:
		json_add_int(j, "pid", r->pid);
		json_add_str(j, "user", proc_user_name(r->uid));
		json_add_int(j, "uid", r->uid);
		json_add_str(j, "comm", r->comm);
		json_add_str(j, "command", r->command);
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

static const char *const size_header = "      Swap   SwapPss       USS       PSS       RSS       VSS\n";

void ps_print(const struct mem_rows *rows, const struct ps_print *pp, FILE *out)
{
	struct mem_counts total = { 0 };
	uint64_t count = 0;
	for (size_t i = 0; i < rows->n; i++) {
		mem_counts_add(&total, &rows->rows[i].c);
		count += rows->rows[i].count;
	}
	if (pp->json) {
		for (size_t i = 0; i < rows->n; i++)
			print_row_json(&rows->rows[i], pp, out);
		struct json_object *j = json_record("total");
		json_add_u64(j, "rows", rows->n);
		json_add_u64(j, pp->mode == PS_BY_MAPPING ? "mappings" : "processes", count);
		json_add_u64(j, "mem_total_kb", pp->mem_total_kb);
		json_sizes(j, pp, &total);
		json_emit(j, out);
		return;
	}
	switch (pp->mode) {
	case PS_BY_PROCESS: fprintf(out, "    PID User     Command                     "); break;
	case PS_BY_USER: fprintf(out, "User             Count"); break;
	case PS_BY_MAPPING: fprintf(out, "Map                                       Count  PIDs    AvgPSS"); break;
	}
	fputs(size_header, out);
	for (size_t i = 0; i < rows->n; i++) {
		const struct mem_row *r = &rows->rows[i];
		switch (pp->mode) {
		case PS_BY_PROCESS:
			fprintf(out, "%7d %-8.8s %-27.27s", r->pid, proc_user_name(r->uid), r->command);
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
	}
	switch (pp->mode) {
	case PS_BY_PROCESS: fprintf(out, "%7zu %-36s", rows->n, "processes (total)"); break;
	case PS_BY_USER: fprintf(out, "%-16s %5llu", "total", (unsigned long long)count); break;
	case PS_BY_MAPPING:
		fprintf(out, "%-40s %6llu %5s %9s", "total", (unsigned long long)count, "", "");
		break;
	}
	print_sizes(out, pp, &total);
}
