#include "core/json_out.h"
#include "faults/faults_print.h"
#include "symbols/stack_store.h"
#include "symbols/stack_trim.h"
#include <bpf/bpf.h>
#include <inttypes.h>
#include <string.h>

unsigned faults_view_mask(enum faults_view v)
{
	switch (v) {
	case VIEW_STACK: return FG_TGID | FG_STACK;
	case VIEW_FILE: return FG_FILE;
	case VIEW_PROCESS_FILE: return FG_TGID | FG_FILE;
	default: return FG_TGID;
	}
}

const char *faults_view_name(enum faults_view v)
{
	static const char *names[] = { "stack", "file", "process", "process-file", "summary" };
	return names[v];
}

static const char *kind_name(uint32_t kind)
{
	static const char *names[FK_COUNT] = { "unknown", "file", "heap", "stack", "anon" };
	return kind < FK_COUNT ? names[kind] : "unknown";
}

void faults_file_name(int files_fd, const struct fault_key *k, char *buf, size_t n)
{
	if (k->kind != FK_FILE) {
		snprintf(buf, n, "[%s]", kind_name(k->kind));
		return;
	}
	struct fault_file_key fk = { .ino = k->ino, .dev = k->dev };
	struct fault_file_info info;
	if (files_fd < 0 || bpf_map_lookup_elem(files_fd, &fk, &info) || !info.nparts) {
		snprintf(buf, n, "[file dev %u:%u inode %" PRIu64 "]", k->dev >> 20,
			 k->dev & 0xfffff, (uint64_t)k->ino);
		return;
	}
	faults_format_path(&info, buf, n);
}

void faults_format_path(const struct fault_file_info *info, char *buf, size_t n)
{
	size_t len = 0;
	if (!n)
		return;
	buf[0] = 0;
	if (info->truncated)
		len += (size_t)snprintf(buf, n, "...");
	int parts = info->nparts > FAULT_PATH_PARTS ? FAULT_PATH_PARTS : (int)info->nparts;
	for (int i = parts - 1; i >= 0 && len < n; i--)
		len += (size_t)snprintf(buf + len, n - len, "/%.*s", FAULT_NAME_LEN,
					info->parts[i]);
}

static uint64_t minor_of(const struct fault_counts *c) { return c->minor_user + c->minor_kernel; }
static uint64_t major_of(const struct fault_counts *c) { return c->major_user + c->major_kernel; }

static void human_bytes(uint64_t b, char *buf, size_t n)
{
	const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%" PRIu64 " B", b);
	else
		snprintf(buf, n, "%.1f %s", v, units[u]);
}

static int read_stack(int fd, int64_t id, uint64_t *ips)
{
	int n = stack_store_read(fd, id, ips, FAULT_STACK_DEPTH);
	/* A frame-pointer walk through code without frame pointers can loop on one address
	 * until the depth limit: keep one copy of such a tail. */
	while (n > 1 && ips[n - 1] == ips[n - 2])
		n--;
	return n;
}

/* The user stack of a row: the captured frames, plus for a fault taken inside a syscall
 * the caller of the syscall wrapper (key->retaddr) when it is code the walk skipped. */
static int read_user_stack(const struct faults_report *r, const struct fault_key *k,
			   uint64_t *ips)
{
	int n = stack_trim_user(r->sym, (pid_t)k->tgid, ips, read_stack(r->stacks_fd, k->ustack, ips));
	if (!k->retaddr || n < 1 || (n >= 2 && ips[1] == k->retaddr))
		return n;
	struct sym_frame fr[SYM_MAX_INLINE];
	int m = symbolize_user(r->sym, (pid_t)k->tgid, k->retaddr, true, fr, SYM_MAX_INLINE);
	if (m < 1 || !fr[m - 1].symbol)
		return n; /* not a return address into known code: a saved register */
	if (n == FAULT_STACK_DEPTH)
		n--;
	memmove(&ips[2], &ips[1], (size_t)(n - 1) * sizeof(*ips));
	ips[1] = k->retaddr;
	return n + 1;
}

static const char *comm_of(const struct faults_report *r, uint32_t tgid)
{
	const char *c = r->comm_of ? r->comm_of(r->comm_ctx, tgid) : NULL;
	return c ? c : "?";
}

/* The faulting instruction is frame 0 of a user-mode fault's stack: an exact address, not
 * a return address. Frames of a kernel-mode fault's user stack are all return addresses
 * (the syscall's call site onwards) except the first, which is where the syscall returns. */
static void print_stacks(const struct faults_report *r, const struct fault_key *k, FILE *out)
{
	uint64_t ips[FAULT_STACK_DEPTH];
	int n;
	if (r->kernel_stacks && (n = read_stack(r->stacks_fd, k->kstack, ips)) > 0) {
		stack_print(r->sym, out, 0, true, ips, n, false, "        ");
		fprintf(out, "        --\n");
	}
	n = read_user_stack(r, k, ips);
	if (n > 0)
		stack_print(r->sym, out, (pid_t)k->tgid, false, ips, n, false, "        ");
	else if (k->ustack < 0)
		fprintf(out, "        [user stack not captured]\n");
}

static void fold_frames(const struct faults_report *r, const struct fault_key *key, bool kernel,
			FILE *out)
{
	uint64_t ips[FAULT_STACK_DEPTH];
	struct sym_frame fr[SYM_MAX_INLINE];
	pid_t pid = kernel ? 0 : (pid_t)key->tgid;
	int n = kernel ? read_stack(r->stacks_fd, key->kstack, ips) : read_user_stack(r, key, ips);
	for (int i = n - 1; i >= 0; i--) {
		int k = kernel ? symbolize_kernel(r->sym, ips[i], i > 0, fr, SYM_MAX_INLINE)
			       : symbolize_user(r->sym, pid, ips[i], i > 0, fr, SYM_MAX_INLINE);
		/* Containing function first, then what was inlined into it. */
		for (int j = k - 1; j >= 0; j--) {
			if (fr[j].symbol)
				fprintf(out, ";%s%s", fr[j].symbol, kernel ? "_[k]" : "");
			else if (fr[j].module)
				fprintf(out, ";%s+0x%" PRIx64 "%s", strrchr(fr[j].module, '/') ?
					strrchr(fr[j].module, '/') + 1 : fr[j].module,
					fr[j].module_offset, kernel ? "_[k]" : "");
			else
				fprintf(out, ";0x%" PRIx64, fr[j].addr);
		}
	}
}

static void print_folded(const struct faults_report *r, const struct fault_snapshot *rows,
			 FILE *out)
{
	for (size_t i = 0; i < rows->n; i++) {
		const struct fault_entry *e = &rows->e[i];
		uint64_t total = fault_counts_total(&e->c);
		if (total < r->min_count)
			continue;
		/* Semicolons separate frames: keep them out of the process name. */
		char comm[32];
		snprintf(comm, sizeof(comm), "%s", comm_of(r, e->key.tgid));
		for (char *p = comm; *p; p++)
			if (*p == ';' || *p == ' ')
				*p = '_';
		fprintf(out, "%s", comm);
		fold_frames(r, &e->key, false, out);
		if (r->kernel_stacks)
			fold_frames(r, &e->key, true, out);
		fprintf(out, " %" PRIu64 "\n", total);
	}
}

static struct json_object *row_json(const struct faults_report *r, const struct fault_entry *e)
{
	static const char *types[] = { "fault_stack", "fault_file", "fault_process",
				       "fault_process_file", "fault_rate" };
	struct json_object *o = json_record(types[r->view]);
	const struct fault_counts *c = &e->c;
	json_add_bool(o, "final", r->final);
	if (r->view != VIEW_FILE) {
		json_add_int(o, "pid", e->key.tgid);
		json_add_str(o, "comm", comm_of(r, e->key.tgid));
	}
	if (r->view == VIEW_FILE || r->view == VIEW_PROCESS_FILE) {
		char name[FAULT_PATH_PARTS * FAULT_NAME_LEN + 64];
		faults_file_name(r->files_fd, &e->key, name, sizeof(name));
		json_add_str(o, "file", name);
		json_add_str(o, "kind", kind_name(e->key.kind));
		json_add_bool(o, "hugetlb", !!(e->key.flags & FF_HUGETLB));
	}
	json_add_u64(o, "minor", minor_of(c));
	json_add_u64(o, "major", major_of(c));
	json_add_u64(o, "user", c->minor_user + c->major_user);
	json_add_u64(o, "kernel", c->minor_kernel + c->major_kernel);
	json_add_u64(o, "bytes", c->bytes);
	if (r->view == VIEW_SUMMARY) {
		double s = r->seconds > 0 ? r->seconds : 1;
		json_add_double(o, "seconds", r->seconds);
		json_add_double(o, "minor_per_s", minor_of(c) / s);
		json_add_double(o, "major_per_s", major_of(c) / s);
		json_add_double(o, "user_per_s", (c->minor_user + c->major_user) / s);
		json_add_double(o, "kernel_per_s", (c->minor_kernel + c->major_kernel) / s);
	}
	if (r->view == VIEW_STACK) {
		uint64_t ips[FAULT_STACK_DEPTH];
		int n = read_user_stack(r, &e->key, ips);
		json_object_object_add(o, "user_stack",
				       stack_json(r->sym, (pid_t)e->key.tgid, false, ips, n, false));
		if (r->kernel_stacks) {
			n = read_stack(r->stacks_fd, e->key.kstack, ips);
			json_object_object_add(o, "kernel_stack",
					       stack_json(r->sym, 0, true, ips, n, false));
		}
	}
	return o;
}

static void print_row_text(const struct faults_report *r, const struct fault_entry *e, FILE *out)
{
	const struct fault_counts *c = &e->c;
	char bytes[32], name[FAULT_PATH_PARTS * FAULT_NAME_LEN + 64];
	human_bytes(c->bytes, bytes, sizeof(bytes));
	if (r->view == VIEW_SUMMARY) {
		double s = r->seconds > 0 ? r->seconds : 1;
		fprintf(out, "%10.1f %10.1f %10.1f %10.1f  %-7u %s\n", minor_of(c) / s, major_of(c) / s,
			(c->minor_user + c->major_user) / s, (c->minor_kernel + c->major_kernel) / s,
			e->key.tgid, comm_of(r, e->key.tgid));
		return;
	}
	fprintf(out, "%10" PRIu64 " %8" PRIu64 " %11s", minor_of(c), major_of(c), bytes);
	if (r->view != VIEW_FILE)
		fprintf(out, "  %-7u %-16s", e->key.tgid, comm_of(r, e->key.tgid));
	if (r->view == VIEW_FILE || r->view == VIEW_PROCESS_FILE) {
		faults_file_name(r->files_fd, &e->key, name, sizeof(name));
		fprintf(out, "  %s%s", name, e->key.flags & FF_HUGETLB ? " (hugetlb)" : "");
	}
	fprintf(out, "\n");
	if (r->view == VIEW_STACK)
		print_stacks(r, &e->key, out);
}

static void print_header(const struct faults_report *r, const struct fault_snapshot *rows,
			 FILE *out)
{
	struct fault_counts sum = { 0 };
	for (size_t i = 0; i < rows->n; i++)
		fault_counts_add(&sum, &rows->e[i].c);
	char bytes[32];
	human_bytes(sum.bytes, bytes, sizeof(bytes));
	fprintf(out, "%s %.1f s: %" PRIu64 " faults (%" PRIu64 " minor, %" PRIu64 " major; %" PRIu64
		     " in kernel mode), %s mapped in, by %s%s%s\n",
		r->final ? "== total over" : "-- interval of", r->seconds, fault_counts_total(&sum),
		minor_of(&sum), major_of(&sum), (uint64_t)(sum.minor_kernel + sum.major_kernel), bytes,
		r->view == VIEW_SUMMARY ? "process, per second" : faults_view_name(r->view),
		r->end_reason ? "; " : "",
		r->end_reason ? r->end_reason : "");
	if (r->view == VIEW_SUMMARY)
		fprintf(out, "%10s %10s %10s %10s  %-7s %s\n", "MINOR/s", "MAJOR/s", "USER/s",
			"KERNEL/s", "PID", "COMM");
	else {
		fprintf(out, "%10s %8s %11s", "MINOR", "MAJOR", "BYTES");
		if (r->view != VIEW_FILE)
			fprintf(out, "  %-7s %-16s", "PID", "COMM");
		if (r->view == VIEW_FILE || r->view == VIEW_PROCESS_FILE)
			fprintf(out, "  FILE");
		fprintf(out, "\n");
	}
}

static void print_footer(const struct faults_report *r, size_t hidden, FILE *out)
{
	struct sym_stats st = r->sym ? symbolizer_stats(r->sym) : (struct sym_stats){ 0, 0 };
	if (r->json) {
		struct json_object *o = json_record("faults_report");
		json_add_bool(o, "final", r->final);
		json_add_str(o, "view", faults_view_name(r->view));
		json_add_double(o, "seconds", r->seconds);
		json_add_u64(o, "rows_hidden", hidden);
		json_add_u64(o, "table_full", r->counters.table_full);
		json_add_u64(o, "stack_failures", r->counters.stack_failures);
		json_add_u64(o, "vma_unknown", r->counters.vma_unknown);
		json_add_u64(o, "lost_events", r->events_lost);
		json_add_u64(o, "frames", st.frames);
		json_add_u64(o, "frames_unresolved", st.unresolved);
		json_add_str(o, "reason", r->end_reason);
		json_emit(o, out);
		return;
	}
	if (hidden)
		fprintf(out, "(%zu rows below --min-count %" PRIu64 " not shown)\n", hidden, r->min_count);
	bool lost = r->counters.table_full || r->counters.stack_failures ||
		    r->counters.vma_unknown || r->events_lost;
	if (!r->final && !lost)
		return; /* intervals stay short; the final report always says */
	fprintf(out, "lost: %" PRIu64 " faults (table full), %" PRIu64 " stacks, %" PRIu64
		     " failed vma lookups, %" PRIu64 " events; %" PRIu64 " of %" PRIu64 " frames unresolved\n",
		(uint64_t)r->counters.table_full, (uint64_t)r->counters.stack_failures,
		(uint64_t)r->counters.vma_unknown, r->events_lost, st.unresolved, st.frames);
}

void faults_print(const struct faults_report *r, const struct fault_snapshot *rows, FILE *out)
{
	if (r->folded) {
		print_folded(r, rows, out);
		return;
	}
	if (!r->json)
		print_header(r, rows, out);
	size_t hidden = 0;
	for (size_t i = 0; i < rows->n; i++) {
		if (fault_counts_total(&rows->e[i].c) < r->min_count) {
			hidden++;
			continue;
		}
		if (r->json)
			json_emit(row_json(r, &rows->e[i]), out);
		else
			print_row_text(r, &rows->e[i], out);
	}
	print_footer(r, hidden, out);
	fflush(out);
}
