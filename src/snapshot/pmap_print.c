#include "core/json_out.h"
#include "snapshot/pmap_print.h"

static void add_sizes(struct json_object *j, const struct mem_counts *c)
{
	json_add_u64(j, "size_kb", c->size);
	json_add_u64(j, "rss_kb", c->rss);
	json_add_u64(j, "pss_kb", c->pss);
	json_add_u64(j, "dirty_kb", mem_dirty(c));
	json_add_u64(j, "uss_kb", mem_uss(c));
	json_add_u64(j, "swap_kb", c->swap);
	json_add_u64(j, "swap_pss_kb", c->swap_pss);
	json_add_u64(j, "anonymous_kb", c->anonymous);
	json_add_u64(j, "locked_kb", c->locked);
}

static void print_sizes(const struct mem_counts *c, FILE *out)
{
	fprintf(out, " %8llu %8llu %8llu %8llu %8llu %8llu %8llu %8llu",
		(unsigned long long)c->size, (unsigned long long)c->rss, (unsigned long long)c->pss,
		(unsigned long long)mem_dirty(c), (unsigned long long)c->swap,
		(unsigned long long)c->swap_pss, (unsigned long long)c->anonymous,
		(unsigned long long)c->locked);
}

static void print_mapping_json(pid_t pid, const struct smaps_mapping *m, FILE *out)
{
	struct json_object *j = json_record("pmap_mapping");
	json_add_int(j, "pid", pid);
	json_add_addr(j, "address", m->start);
	json_add_addr(j, "end", m->end);
	json_add_str(j, "perms", m->perms);
	json_add_u64(j, "offset", m->offset);
	json_add_str(j, "device", m->dev);
	json_add_u64(j, "inode", m->inode);
	add_sizes(j, &m->c);
	json_add_str(j, "name", m->name);
	json_emit(j, out);
}

static void print_json(const struct pmap_process *p, FILE *out)
{
	for (size_t i = 0; i < p->n; i++)
		print_mapping_json(p->pid, &p->maps[i], out);
	struct json_object *j = json_record("pmap_process");
	json_add_int(j, "pid", p->pid);
	json_add_str(j, "comm", p->comm);
	json_add_str(j, "command", p->command);
	json_add_int(j, "mappings", (int64_t)p->n);
	add_sizes(j, &p->total);
	json_emit(j, out);
}

static void print_text(const struct pmap_process *p, FILE *out)
{
	fprintf(out, "%d:   %s\n", p->pid, p->command[0] ? p->command : p->comm);
	fprintf(out, "         Address Perm   Offset Device    Inode     Size      Rss      Pss    Dirty"
		"     Swap  SwapPss     Anon   Locked Mapping\n");
	for (size_t i = 0; i < p->n; i++) {
		const struct smaps_mapping *m = &p->maps[i];
		fprintf(out, "%16llx %s %08llx %6s %8llu", (unsigned long long)m->start, m->perms,
			(unsigned long long)m->offset, m->dev, (unsigned long long)m->inode);
		print_sizes(&m->c, out);
		fprintf(out, " %s\n", m->name);
	}
	fprintf(out, "%16s %4s %8s %6s %8s", "", "", "", "", "total");
	print_sizes(&p->total, out);
	fprintf(out, " kB (%zu mappings)\n", p->n);
}

void pmap_print_process(const struct pmap_process *p, bool json, FILE *out)
{
	if (json)
		print_json(p, out);
	else
		print_text(p, out);
}

void pmap_print_summary(int processes, size_t mappings, const struct pmap_skip *skipped,
			int nskipped, FILE *out)
{
	struct json_object *j = json_record("pmap_summary");
	json_add_int(j, "processes", processes);
	json_add_u64(j, "mappings", mappings);
	struct json_object *arr = json_object_new_array();
	for (int i = 0; i < nskipped; i++) {
		struct json_object *s = json_object_new_object();
		json_add_int(s, "pid", skipped[i].pid);
		json_add_str(s, "reason", skipped[i].reason);
		json_object_array_add(arr, s);
	}
	json_object_object_add(j, "skipped", arr);
	json_emit(j, out);
}
