#include "core/json_out.h"
#include "symbols/stack_ends.h"
#include <inttypes.h>

void stack_ends_add(struct stack_ends *t, uint32_t end)
{
	t->stacks++;
	t->by_end[end < UWE_COUNT ? end : 0]++;
}

const char *unwind_end_key(uint32_t end)
{
	static const char *const keys[UWE_COUNT] = {
		[0] = "not_walked",
		[UWE_COMPLETE] = "complete",
		[UWE_NO_TABLE] = "no_table",
		[UWE_NO_CFI] = "no_cfi",
		[UWE_ANON] = "anonymous_code",
		[UWE_NO_MAPPING] = "no_mapping",
		[UWE_DEPTH] = "depth_limit",
		[UWE_READ_FAULT] = "read_fault",
		[UWE_UNSUPPORTED] = "unsupported_rule",
		[UWE_LOOKUP_BUSY] = "lookup_busy",
	};
	return end < UWE_COUNT && keys[end] ? keys[end] : "not_walked";
}

void stack_ends_print(const struct stack_ends *t, FILE *out)
{
	uint64_t complete = t->by_end[UWE_COMPLETE];
	fprintf(out, "stacks: %" PRIu64 " of %" PRIu64 " complete", complete, t->stacks);
	if (complete == t->stacks)
		return;
	fprintf(out, "; truncated:");
	const char *sep = " ";
	for (uint32_t e = 0; e < UWE_COUNT; e++) {
		if (e == UWE_COMPLETE || !t->by_end[e])
			continue;
		fprintf(out, "%s%" PRIu64 " %s", sep, t->by_end[e], unwind_end_name(e));
		sep = ", ";
	}
}

struct json_object *stack_ends_json(const struct stack_ends *t)
{
	struct json_object *o = json_object_new_object();
	json_add_u64(o, "stacks", t->stacks);
	json_add_u64(o, "complete", t->by_end[UWE_COMPLETE]);
	json_add_u64(o, "truncated", t->stacks - t->by_end[UWE_COMPLETE]);
	for (uint32_t e = 0; e < UWE_COUNT; e++)
		if (e != UWE_COMPLETE && t->by_end[e])
			json_add_u64(o, unwind_end_key(e), t->by_end[e]);
	return o;
}

static uint64_t kernel_bytes_used(const struct unwind_tables_stats *s)
{
	return s->rows * sizeof(uint32_t) + s->pages * sizeof(struct unwind_page) +
	       s->rules * sizeof(struct unwind_rule);
}

void unwind_tables_print_cost(const struct unwind_tables *t, FILE *out)
{
	struct unwind_tables_stats s;
	unwind_tables_get_stats(t, &s);
	fprintf(out, "unwind tables: %" PRIu64 " files, %" PRIu64 " tables, %" PRIu64 " rows (of %" PRIu64
		"), built in %.1f ms; %.1f MiB used of %.1f MiB reserved in the kernel, %.1f MiB in memmon",
		s.files, s.tables, s.rows, s.rows_max, s.build_seconds * 1e3,
		kernel_bytes_used(&s) / 1048576.0, s.kernel_bytes / 1048576.0, s.user_bytes / 1048576.0);
	if (s.no_cfi || s.failed || s.full)
		fprintf(out, "; without tables: %" PRIu64 " without call frame information, %" PRIu64
			" unreadable, %" PRIu64 " did not fit", s.no_cfi, s.failed, s.full);
	fprintf(out, "\n");
}

struct json_object *unwind_tables_cost_json(const struct unwind_tables *t)
{
	struct unwind_tables_stats s;
	unwind_tables_get_stats(t, &s);
	struct json_object *o = json_object_new_object();
	json_add_u64(o, "files", s.files);
	json_add_u64(o, "tables", s.tables);
	json_add_u64(o, "rows", s.rows);
	json_add_u64(o, "rows_max", s.rows_max);
	json_add_u64(o, "kernel_bytes_used", kernel_bytes_used(&s));
	json_add_u64(o, "kernel_bytes_reserved", s.kernel_bytes);
	json_add_u64(o, "user_bytes", s.user_bytes);
	json_add_double(o, "build_ms", s.build_seconds * 1e3);
	json_add_u64(o, "files_without_cfi", s.no_cfi);
	json_add_u64(o, "files_unreadable", s.failed);
	json_add_u64(o, "tables_full", s.full);
	return o;
}
