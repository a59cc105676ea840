#include "core/json_out.h"
#include "crash/guard_print.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The block's own words for where the access landed. */
static void describe_offset(const struct guard_report *r, char *buf, size_t n)
{
	uint64_t start = r->block_addr, end = r->block_addr + r->block_size;
	if (r->addr >= end)
		snprintf(buf, n, "%" PRIu64 " byte%s past the end of", r->addr - end + 1,
			 r->addr - end ? "s" : "");
	else if (r->addr < start)
		snprintf(buf, n, "%" PRIu64 " byte%s before the start of", start - r->addr,
			 start - r->addr > 1 ? "s" : "");
	else
		snprintf(buf, n, "at offset %" PRIu64 " inside", r->addr - start);
}

static void print_text(struct symbolizer *sym, const struct guard_report *r)
{
	printf("memmon guard: %s in pid %d (thread %d)\n", r->kind, r->pid, r->tid);
	bool is_free = !strcmp(r->kind, "double-free") || !strcmp(r->kind, "invalid-free");
	if (r->has_block && is_free) {
		printf("  free of 0x%" PRIx64 ": the %" PRIu64 "-byte block at 0x%" PRIx64 " %s\n",
		       r->addr, r->block_size, r->block_addr,
		       r->free_tid ? "was already freed" : "starts elsewhere");
	} else if (r->has_block) {
		char where[96];
		describe_offset(r, where, sizeof(where));
		printf("  %s of 0x%" PRIx64 " is %s a %" PRIu64 "-byte block at 0x%" PRIx64 "%s\n",
		       is_free ? "free" : r->access, r->addr, where, r->block_size, r->block_addr,
		       r->free_tid ? " (freed)" : "");
	} else {
		printf("  %s of 0x%" PRIx64 " in the guard pool, no block there\n",
		       is_free ? "free" : r->access, r->addr);
	}
	bool dbl = !strcmp(r->kind, "double-free");
	printf("  %s by thread %d:\n", dbl ? "freed again" : is_free ? "freed" : "faulting access",
	       r->tid);
	stack_print(sym, stdout, r->pid, false, r->fault.ips, r->fault.n, is_free, "    ");
	if (r->has_block) {
		printf("  allocated by thread %d:\n", r->alloc_tid);
		stack_print(sym, stdout, r->pid, false, r->alloc.ips, r->alloc.n, true, "    ");
	}
	if (r->free_tid) {
		printf("  freed by thread %d:\n", r->free_tid);
		stack_print(sym, stdout, r->pid, false, r->free.ips, r->free.n, true, "    ");
	}
	fflush(stdout);
}

static void print_json(struct symbolizer *sym, const struct guard_report *r)
{
	bool is_free = !strcmp(r->kind, "double-free") || !strcmp(r->kind, "invalid-free");
	struct json_object *o = json_record("guard_error");
	json_add_str(o, "kind", r->kind);
	json_add_int(o, "pid", r->pid);
	json_add_int(o, "tid", r->tid);
	json_add_str(o, "access", is_free ? "free" : r->access);
	json_add_addr(o, "addr", r->addr);
	json_object_object_add(o, "fault_stack",
			       stack_json(sym, r->pid, false, r->fault.ips, r->fault.n, is_free));
	if (r->has_block) {
		json_add_addr(o, "block_addr", r->block_addr);
		json_add_u64(o, "block_size", r->block_size);
		json_add_int(o, "offset", (int64_t)(r->addr - r->block_addr));
		uint64_t end = r->block_addr + r->block_size;
		if (r->addr >= end)
			json_add_u64(o, "bytes_past_end", r->addr - end + 1);
		else if (r->addr < r->block_addr)
			json_add_u64(o, "bytes_before_start", r->block_addr - r->addr);
		json_add_int(o, "alloc_tid", r->alloc_tid);
		json_object_object_add(o, "alloc_stack",
				       stack_json(sym, r->pid, false, r->alloc.ips, r->alloc.n, true));
	}
	if (r->free_tid) {
		json_add_int(o, "free_tid", r->free_tid);
		json_object_object_add(o, "free_stack",
				       stack_json(sym, r->pid, false, r->free.ips, r->free.n, true));
	}
	json_emit(o, stdout);
}

void guard_print_report(struct symbolizer *sym, const struct guard_report *r, bool json)
{
	if (json)
		print_json(sym, r);
	else
		print_text(sym, r);
}

void guard_print_stats(pid_t pid, unsigned long guarded, unsigned long pool_full, bool json)
{
	if (json) {
		struct json_object *o = json_record("guard_process");
		json_add_int(o, "pid", pid);
		json_add_u64(o, "guarded", guarded);
		json_add_u64(o, "pool_full", pool_full);
		json_emit(o, stdout);
	} else {
		printf("memmon guard: pid %d: %lu allocation%s guarded", pid, guarded, guarded == 1 ? "" : "s");
		if (pool_full) /* said only when it happened */
			printf(", %lu not guarded because every slot was in use", pool_full);
		printf("\n");
	}
}

void guard_print_summary(const struct guard_totals *t, const char *reason, double seconds, bool json)
{
	if (!json) {
		if (!t->errors && t->processes)
			printf("memmon guard: no memory error caught\n");
		return;
	}
	struct json_object *o = json_record("guard_summary");
	json_add_u64(o, "processes", t->processes);
	json_add_u64(o, "guarded", t->guarded);
	json_add_u64(o, "pool_full", t->pool_full);
	json_add_u64(o, "errors", t->errors);
	json_add_str(o, "reason", reason);
	json_add_double(o, "seconds", seconds);
	json_emit(o, stdout);
}
