#include "core/json_out.h"
#include "faults/faults_names.h"
#include "faults/faults_print.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *faults_view_name(enum faults_view v)
{
	static const char *names[] = { "stack", "file", "process", "process-file", "summary" };
	return names[v];
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

/* The faulting instruction is frame 0 of a user-mode fault's stack: an exact address, not
 * a return address. Frames of a kernel-mode fault's user stack are all return addresses
 * (the syscall's call site onwards) except the first, which is where the syscall returns. */
static void print_stacks(const struct faults_report *r, const struct faults_rows *rows,
			 const struct faults_row *row, FILE *out)
{
	if (r->kernel_stacks && row->nkstack > 0) {
		stack_print(r->sym, out, 0, true, rows->frames + row->kstack, row->nkstack, false,
			    "        ");
		fprintf(out, "        --\n");
	}
	if (row->nustack > 0)
		stack_print(r->sym, out, (pid_t)row->key.tgid, false, rows->frames + row->ustack,
			    row->nustack, false, "        ");
	else if (row->key.ustack < 0)
		fprintf(out, "        [user stack not captured]\n");
	if (row->key.ustack >= 0 && row->uend && row->uend != UWE_COMPLETE)
		fprintf(out, "        [stack ends: %s]\n", unwind_end_name(row->uend));
}

static struct json_object *row_json(const struct faults_report *r, const struct faults_rows *rows,
				    const struct faults_row *row)
{
	static const char *types[] = { "faults_stack", "faults_file", "faults_process",
				       "faults_process_file", "faults_rate" };
	struct json_object *o = json_record(types[r->view]);
	const struct fault_counts *c = &row->c;
	json_add_bool(o, "final", r->final);
	if (r->view != VIEW_FILE) {
		json_add_int(o, "pid", row->key.tgid);
		json_add_str(o, "comm", row->comm);
	}
	if (r->view == VIEW_FILE || r->view == VIEW_PROCESS_FILE) {
		json_add_str(o, "file", faults_row_file(rows, row));
		json_add_str(o, "kind", faults_kind_name(row->key.kind));
		json_add_bool(o, "hugetlb", !!(row->key.flags & FF_HUGETLB));
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
		json_object_object_add(o, "user_stack",
				       stack_json(r->sym, (pid_t)row->key.tgid, false,
						  rows->frames + row->ustack, row->nustack, false));
		json_add_str(o, "stack_end", unwind_end_key(row->uend));
		if (r->kernel_stacks)
			json_object_object_add(o, "kernel_stack",
					       stack_json(r->sym, 0, true, rows->frames + row->kstack,
							  row->nkstack, false));
	}
	return o;
}

static void print_row_text(const struct faults_report *r, const struct faults_rows *rows,
			   const struct faults_row *row, FILE *out)
{
	const struct fault_counts *c = &row->c;
	char bytes[32];
	human_bytes(c->bytes, bytes, sizeof(bytes));
	if (r->view == VIEW_SUMMARY) {
		double s = r->seconds > 0 ? r->seconds : 1;
		fprintf(out, "%10.1f %10.1f %10.1f %10.1f  %-7u %s\n", minor_of(c) / s, major_of(c) / s,
			(c->minor_user + c->major_user) / s, (c->minor_kernel + c->major_kernel) / s,
			row->key.tgid, row->comm);
		return;
	}
	fprintf(out, "%10" PRIu64 " %8" PRIu64 " %11s", minor_of(c), major_of(c), bytes);
	if (r->view != VIEW_FILE)
		fprintf(out, "  %-7u %-16s", row->key.tgid, row->comm);
	if (r->view == VIEW_FILE || r->view == VIEW_PROCESS_FILE)
		fprintf(out, "  %s%s", faults_row_file(rows, row),
			row->key.flags & FF_HUGETLB ? " (hugetlb)" : "");
	fprintf(out, "\n");
	if (r->view == VIEW_STACK)
		print_stacks(r, rows, row, out);
}

static void print_header(const struct faults_report *r, const struct faults_rows *rows, FILE *out)
{
	const struct fault_counts *sum = &rows->sum;
	char bytes[32];
	human_bytes(sum->bytes, bytes, sizeof(bytes));
	/* a short run shows its milliseconds: "0.0 s" would say it did not run */
	fprintf(out, "%s %.*f s: %" PRIu64 " faults (%" PRIu64 " minor, %" PRIu64 " major; %" PRIu64
		     " in kernel mode), %s mapped in, by %s%s%s\n",
		r->final ? "== total over" : "-- interval of", r->seconds < 10 ? 3 : 1, r->seconds,
		fault_counts_total(sum),
		minor_of(sum), major_of(sum), (uint64_t)(sum->minor_kernel + sum->major_kernel), bytes,
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

/* faults_interval closes an interval's rows, faults_summary ends the run: the same
 * fields, the summary also why tracing stopped. */
static void print_footer_json(const struct faults_report *r, const struct faults_rows *rows,
			      FILE *out)
{
	struct sym_stats st = r->sym ? symbolizer_stats(r->sym) : (struct sym_stats){ 0, 0 };
	struct json_object *o = json_record(r->final ? "faults_summary" : "faults_interval");
	if (!r->final)
		json_add_u64(o, "interval", r->interval);
	json_add_bool(o, "final", r->final);
	json_add_str(o, "view", faults_view_name(r->view));
	json_add_double(o, "seconds", r->seconds);
	json_add_u64(o, "rows_hidden", rows->hidden);
	json_add_u64(o, "table_full", r->counters.table_full);
	json_add_u64(o, "stack_failures", r->counters.stack_failures);
	json_add_u64(o, "vma_unknown", r->counters.vma_unknown);
	json_add_u64(o, "lost_events", r->events_lost);
	json_add_u64(o, "frames", st.frames);
	json_add_u64(o, "frames_unresolved", st.unresolved);
	json_add_str(o, "reason", r->end_reason);
	if (r->final)
		json_add_u64(o, "children_not_followed", r->children_not_followed);
	if (r->view == VIEW_STACK)
		json_object_object_add(o, "stack_ends", stack_ends_json(&rows->ends));
	if (r->final && r->unwind)
		json_object_object_add(o, "unwind_tables", unwind_tables_cost_json(r->unwind));
	json_emit(o, out);
}

static void print_footer(const struct faults_report *r, const struct faults_rows *rows, FILE *out)
{
	if (r->json) {
		print_footer_json(r, rows, out);
		return;
	}
	size_t hidden = rows->hidden;
	struct sym_stats st = r->sym ? symbolizer_stats(r->sym) : (struct sym_stats){ 0, 0 };
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
	if (r->view == VIEW_STACK) {
		stack_ends_print(&rows->ends, out);
		fprintf(out, "\n");
	}
	if (r->final && r->unwind)
		unwind_tables_print_cost(r->unwind, out);
}

void faults_print(const struct faults_report *r, const struct faults_rows *rows, FILE *out)
{
	if (!r->json)
		print_header(r, rows, out);
	for (size_t i = 0; i < rows->n; i++) {
		if (r->json)
			json_emit(row_json(r, rows, &rows->row[i]), out);
		else
			print_row_text(r, rows, &rows->row[i], out);
	}
	print_footer(r, rows, out);
	fflush(out);
}
