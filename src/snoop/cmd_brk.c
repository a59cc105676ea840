/* memmon brk: brk calls counted by user stack, to see where heap growth comes from.
 * Each successful brk that moves the break is charged with the bytes it grew (or shrank)
 * relative to the process's previous break. */
#include "commands.h"
#include "core/json_out.h"
#include "core/keyed_table.h"
#include "output/stack_profile.h"
#include "snoop/snoop_cmd.h"
#include "snoop/snoop_event.h"
#include "symbols/stack_ends.h"
#include "symbols/stack_store.h"
#include "snoop/snoop.skel.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define BRK_MAX_SITES 65536
#define BRK_MAX_PROCS 1024

/* One row: a process and a stack (its id in the stack store, walked in the kernel). */
struct brk_key {
	uint32_t tgid, pad;
	int64_t stack_id;
};

struct brk_site {
	struct brk_key key;
	char comm[17];
	uint64_t calls;
	int64_t grown;
};

struct brk_state {
	struct keyed_table sites; /* struct brk_site */
	uint64_t dropped;         /* calls of stacks beyond BRK_MAX_SITES */
	struct { uint32_t tgid; uint64_t brk; } procs[BRK_MAX_PROCS];
	int nprocs;
};

static struct brk_state st;
static struct profile_files profiles; /* --pprof, --folded, --flamegraph */

/* The previous break of a process (0 if unknown), then remembers the new one. */
static uint64_t swap_break(uint32_t tgid, uint64_t now)
{
	for (int i = 0; i < st.nprocs; i++)
		if (st.procs[i].tgid == tgid) {
			uint64_t old = st.procs[i].brk;
			st.procs[i].brk = now;
			return old;
		}
	if (st.nprocs < BRK_MAX_PROCS) {
		st.procs[st.nprocs].tgid = tgid;
		st.procs[st.nprocs++].brk = now;
	}
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct snoop_run *r = ctx;
	const struct snoop_event_ustack *b = data;
	const struct snoop_event *e = &b->e;
	if (size < sizeof(*b) || e->kind != SNOOP_EV_SYSCALL || e->sys != SNOOP_SYS_BRK)
		return 0;
	bool failed = e->ret < 0 && e->ret >= -4095;
	uint64_t prev = failed ? 0 : swap_break(e->tgid, (uint64_t)e->ret);
	int64_t grown = prev && e->args[0] ? (int64_t)((uint64_t)e->ret - prev) : 0;
	struct brk_key key = { .tgid = e->tgid, .stack_id = b->stack_id };
	if (ktable_count(&st.sites) >= BRK_MAX_SITES && !ktable_find(&st.sites, &key)) {
		st.dropped++;
		return 0;
	}
	bool created;
	struct brk_site *s = ktable_get(&st.sites, &key, &created);
	if (!s) {
		st.dropped++;
		return 0;
	}
	if (created) {
		/* A new stack: read the process's maps now, while it lives, to symbolize later. */
		symbolizer_capture_pid(r->log.sym, e->tgid);
		memcpy(s->comm, e->comm, 16);
		s->comm[16] = '\0';
	}
	s->calls++;
	s->grown += grown;
	return 0;
}

static int by_calls(const void *a, const void *b)
{
	const struct brk_site *x = a, *y = b;
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return x->key.tgid < y->key.tgid ? -1 : x->key.tgid > y->key.tgid;
}

/* The table, cumulative: every -i (closed by a brk_interval record) and at the end. */
static void print_table(struct snoop_run *r, bool final)
{
	ktable_sort(&st.sites, by_calls);
	double now = snoop_run_now(r);
	size_t n = ktable_count(&st.sites);
	int stacks_fd = bpf_map__fd(r->s.skel->maps.stacks);
	struct stack_ends ends = { 0 };
	if (!r->cli.json)
		printf("--- %.3f s: %zu brk stacks%s\n", now, n,
		       st.dropped ? " (table full: some calls not counted)" : "");
	for (size_t i = 0; i < n; i++) {
		struct brk_site *s = ktable_row(&st.sites, i);
		uint64_t ips[SNOOP_STACK_DEPTH];
		uint32_t end;
		int nips = stack_store_read_end(stacks_fd, s->key.stack_id, ips, SNOOP_STACK_DEPTH, &end);
		if (s->key.stack_id >= 0)
			stack_ends_add(&ends, end);
		if (r->cli.json) {
			struct json_object *o = json_record("brk_stack");
			json_add_int(o, "pid", s->key.tgid);
			json_add_str(o, "comm", s->comm);
			json_add_u64(o, "calls", s->calls);
			json_add_int(o, "grown_bytes", s->grown);
			json_object_object_add(o, "stack", stack_json(r->log.sym, s->key.tgid, false, ips,
								      nips, true));
			json_add_str(o, "stack_end", unwind_end_key(end));
			json_add_bool(o, "final", final);
			json_emit(o, stdout);
		} else {
			printf("pid %u (%s): %" PRIu64 " brk calls, break moved %+" PRId64 " bytes\n",
			       s->key.tgid, s->comm, s->calls, s->grown);
			stack_print(r->log.sym, stdout, s->key.tgid, false, ips, nips, true, "    ");
			if (s->key.stack_id < 0)
				printf("    [user stack not captured]\n");
			else if (end != UWE_COMPLETE)
				printf("    [stack ends: %s]\n", unwind_end_name(end));
		}
	}
	if (r->cli.json && !final) {
		struct json_object *o = json_record("brk_interval");
		json_add_int(o, "interval", (int64_t)r->intervals);
		json_add_double(o, "seconds", now - r->interval_start);
		json_add_time(o, "time", now);
		json_add_int(o, "stacks", (int64_t)n);
		json_add_u64(o, "stacks_dropped", st.dropped);
		json_object_object_add(o, "stack_ends", stack_ends_json(&ends));
		json_emit(o, stdout);
	} else if (!r->cli.json && final) {
		stack_ends_print(&ends, stdout);
		printf("\n");
		if (r->s.unwind)
			unwind_tables_print_cost(r->s.unwind, stdout);
	}
	fflush(stdout);
}

static void on_interval(struct snoop_run *r)
{
	print_table(r, false);
}

/* The final table as a profile: calls (the default: what the table sorts by) and the bytes
 * the break moved, by stack, the process as the root. */
static void write_profiles(struct snoop_run *r)
{
	static const struct profile_value_type types[] = { { "calls", "count" }, { "grown", "bytes" } };
	struct stack_profile prof;
	if (stack_profile_init(&prof, r->log.sym, types, 2, 0)) {
		fprintf(stderr, "memmon brk: out of memory building the profile\n");
		return;
	}
	int stacks_fd = bpf_map__fd(r->s.skel->maps.stacks);
	for (size_t i = 0; i < ktable_count(&st.sites); i++) {
		const struct brk_site *s = ktable_row(&st.sites, i);
		uint64_t ips[SNOOP_STACK_DEPTH];
		int nips = stack_store_read(stacks_fd, s->key.stack_id, ips, SNOOP_STACK_DEPTH);
		int64_t v[2] = { (int64_t)s->calls, s->grown };
		if (stack_profile_add(&prof, (pid_t)s->key.tgid, false, ips, nips, true, v) == 0)
			stack_profile_set_comm(&prof, s->comm);
	}
	profile_files_write(&profiles, &prof, 0, "memmon brk: brk calls", "brk");
	stack_profile_free(&prof);
}

static void on_end(struct snoop_run *r)
{
	if (!profiles.folded_stdout)
		print_table(r, true);
	if (profile_files_wanted(&profiles))
		write_profiles(r);
}

/* brk_summary's totals */
static void totals(struct snoop_run *r, struct json_object *summary)
{
	uint64_t calls = 0;
	struct stack_ends ends = { 0 };
	int stacks_fd = bpf_map__fd(r->s.skel->maps.stacks);
	for (size_t i = 0; i < ktable_count(&st.sites); i++) {
		const struct brk_site *s = ktable_row(&st.sites, i);
		calls += s->calls;
		uint64_t ips[SNOOP_STACK_DEPTH];
		uint32_t end;
		if (s->key.stack_id >= 0) {
			stack_store_read_end(stacks_fd, s->key.stack_id, ips, SNOOP_STACK_DEPTH, &end);
			stack_ends_add(&ends, end);
		}
	}
	json_add_int(summary, "stacks", (int64_t)ktable_count(&st.sites));
	json_add_u64(summary, "calls", calls);
	json_add_u64(summary, "stacks_dropped", st.dropped);
	json_object_object_add(summary, "stack_ends", stack_ends_json(&ends));
	if (r->s.unwind)
		json_object_object_add(summary, "unwind_tables", unwind_tables_cost_json(r->s.unwind));
}

int cmd_brk(int argc, char **argv)
{
	static const struct snoop_def def = {
		.cmd = "brk", .sys_mask = 1u << SNOOP_SYS_BRK, .brk_stack = true, .symbols = true,
		.usage = "memmon brk [-p PID ...] [--comm NAME] [-i SEC] [-d SEC] [--json] [-- PROGRAM ARGS]",
		.about = "Counts brk calls by process and user stack (where heap growth comes from) and prints\n"
			 "the table, busiest stack first, every interval (-i) and at the end: calls, bytes the\n"
			 "break moved (+ grew, - shrank), and the stack as func+off file:line [module].\n"
			 "Stacks are walked in the kernel by the call frame information of the process's\n"
			 "files, so code built without frame pointers (glibc) unwinds too.",
		.interval_help = "print the table every S seconds (cumulative; 0 = only at the end)",
		.json_help = "JSON Lines: {\"type\":\"brk_stack\",\"pid\",\"comm\",\"calls\",\n"
			     "\"grown_bytes\",\"stack\":[frames],\"final\"} per stack,\n"
			     "{\"type\":\"brk_interval\"} after each -i table, then\n"
			     "{\"type\":\"brk_summary\",\"reason\",\"seconds\",\"lost_events\",...}",
		.on_event = on_event, .on_interval = on_interval, .on_end = on_end, .totals = totals,
		.profiles = &profiles,
	};
	memset(&st, 0, sizeof(st));
	memset(&profiles, 0, sizeof(profiles));
	KTABLE_INIT(&st.sites, struct brk_site, key);
	int rc = snoop_main(&def, argc, argv);
	ktable_free(&st.sites);
	return rc;
}
