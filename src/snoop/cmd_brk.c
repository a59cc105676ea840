/* memmon brk: brk calls counted by user stack, to see where heap growth comes from.
 * Each successful brk that moves the break is charged with the bytes it grew (or shrank)
 * relative to the process's previous break. */
#include "commands.h"
#include "core/json_out.h"
#include "snoop/snoop_cmd.h"
#include "snoop/snoop_event.h"
#include "symbols/unwind_user.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define BRK_MAX_SITES 4096
#define BRK_MAX_PROCS 1024
#define BRK_STACK_DEPTH 48

struct brk_site {
	__u32 tgid;
	char comm[17];
	int n;
	uint64_t ips[BRK_STACK_DEPTH];
	uint64_t calls;
	int64_t grown;
};

struct brk_state {
	struct brk_site sites[BRK_MAX_SITES];
	int nsites;
	uint64_t dropped; /* calls of stacks beyond BRK_MAX_SITES */
	struct { uint32_t tgid; uint64_t brk; } procs[BRK_MAX_PROCS];
	int nprocs;
	struct unwinder *unwinder;
};

static struct brk_state st;

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
	char comm[17];
	memcpy(comm, e->comm, 16);
	comm[16] = '\0';
	bool failed = e->ret < 0 && e->ret >= -4095;
	uint64_t prev = failed ? 0 : swap_break(e->tgid, (uint64_t)e->ret);
	int64_t grown = prev && e->args[0] ? (int64_t)((uint64_t)e->ret - prev) : 0;
	struct unwind_regs regs = {
		b->regs[SNOOP_REG_IP], b->regs[SNOOP_REG_SP], b->regs[SNOOP_REG_BP], b->regs[SNOOP_REG_BX],
		b->regs[SNOOP_REG_R12], b->regs[SNOOP_REG_R13], b->regs[SNOOP_REG_R14], b->regs[SNOOP_REG_R15],
	};
	uint64_t pcs[BRK_STACK_DEPTH];
	size_t len = b->stack_len < sizeof(b->stack) ? b->stack_len : sizeof(b->stack);
	int n = unwind_user(st.unwinder, e->tgid, &regs, b->stack, len, pcs, BRK_STACK_DEPTH);
	for (int i = 0; i < st.nsites; i++) {
		struct brk_site *s = &st.sites[i];
		if (s->tgid == e->tgid && s->n == n &&
		     !memcmp(s->ips, pcs, n * sizeof(uint64_t))) {
			s->calls++;
			s->grown += grown;
			return 0;
		}
	}
	if (st.nsites >= BRK_MAX_SITES) {
		st.dropped++;
		return 0;
	}
	/* A new stack: read the process's maps now, while it lives, to symbolize later. */
	symbolizer_capture_pid(r->log.sym, e->tgid);
	struct brk_site *s = &st.sites[st.nsites++];
	s->tgid = e->tgid;
	memcpy(s->comm, comm, sizeof(comm));
	s->n = n;
	memcpy(s->ips, pcs, n * sizeof(uint64_t));
	s->calls = 1;
	s->grown = grown;
	return 0;
}

static int by_calls(const void *a, const void *b)
{
	const struct brk_site *x = a, *y = b;
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return x->tgid < y->tgid ? -1 : x->tgid > y->tgid;
}

/* The table, cumulative: every -i (closed by a brk_interval record) and at the end. */
static void print_table(struct snoop_run *r, bool final)
{
	qsort(st.sites, st.nsites, sizeof(st.sites[0]), by_calls);
	double now = snoop_run_now(r);
	if (!r->cli.json)
		printf("--- %.3f s: %d brk stacks%s\n", now, st.nsites,
		       st.dropped ? " (table full: some calls not counted)" : "");
	for (int i = 0; i < st.nsites; i++) {
		struct brk_site *s = &st.sites[i];
		if (r->cli.json) {
			struct json_object *o = json_record("brk_stack");
			json_add_int(o, "pid", s->tgid);
			json_add_str(o, "comm", s->comm);
			json_add_u64(o, "calls", s->calls);
			json_add_int(o, "grown_bytes", s->grown);
			json_object_object_add(o, "stack", stack_json(r->log.sym, s->tgid, false, s->ips,
								      s->n, true));
			json_add_bool(o, "final", final);
			json_emit(o, stdout);
		} else {
			printf("pid %u (%s): %" PRIu64 " brk calls, break moved %+" PRId64 " bytes\n",
			       s->tgid, s->comm, s->calls, s->grown);
			stack_print(r->log.sym, stdout, s->tgid, false, s->ips, s->n, true, "    ");
		}
	}
	if (r->cli.json && !final) {
		struct json_object *o = json_record("brk_interval");
		json_add_int(o, "interval", (int64_t)r->intervals);
		json_add_double(o, "seconds", now - r->interval_start);
		json_add_double(o, "time", now);
		json_add_int(o, "stacks", st.nsites);
		json_add_u64(o, "stacks_dropped", st.dropped);
		json_emit(o, stdout);
	}
	fflush(stdout);
}

static void on_interval(struct snoop_run *r)
{
	print_table(r, false);
}

static void on_end(struct snoop_run *r)
{
	print_table(r, true);
}

/* brk_summary's totals */
static void totals(struct snoop_run *r, struct json_object *summary)
{
	uint64_t calls = 0;
	for (int i = 0; i < st.nsites; i++)
		calls += st.sites[i].calls;
	json_add_int(summary, "stacks", st.nsites);
	json_add_u64(summary, "calls", calls);
	json_add_u64(summary, "stacks_dropped", st.dropped);
}

int cmd_brk(int argc, char **argv)
{
	static const struct snoop_def def = {
		.cmd = "brk", .sys_mask = 1u << SNOOP_SYS_BRK, .brk_stack = true, .symbols = true,
		.usage = "memmon brk [-p PID ...] [--comm NAME] [-i SEC] [-d SEC] [--json] [-- PROGRAM ARGS]",
		.about = "Counts brk calls by process and user stack (where heap growth comes from) and prints\n"
			 "the table, busiest stack first, every interval (-i) and at the end: calls, bytes the\n"
			 "break moved (+ grew, - shrank), and the stack as func+off file:line [module].\n"
			 "Stacks are unwound with the DWARF call frame information of the process's modules\n"
			 "(from the registers and up to 8 KiB of the user stack at the call), so code built\n"
			 "without frame pointers (glibc) unwinds too.",
		.interval_help = "print the table every S seconds (cumulative)",
		.json_help = "JSON Lines: {\"type\":\"brk_stack\",\"pid\",\"comm\",\"calls\",\n"
			     "\"grown_bytes\",\"stack\":[frames],\"final\"} per stack,\n"
			     "{\"type\":\"brk_interval\"} after each -i table, then\n"
			     "{\"type\":\"brk_summary\",\"reason\",\"seconds\",\"lost_events\",...}",
		.on_event = on_event, .on_interval = on_interval, .on_end = on_end, .totals = totals,
	};
	memset(&st, 0, sizeof(st));
	st.unwinder = unwinder_new();
	if (!st.unwinder) {
		fprintf(stderr, "memmon brk: out of memory\n");
		return EXIT_RUNTIME;
	}
	int rc = snoop_main(&def, argc, argv);
	unwinder_free(st.unwinder);
	return rc;
}
