#include "symbols/unwind_user.h"
#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define UNWIND_PIDS 64

/* One unwinding session per process; the callbacks read the current sample. */
struct proc_unwind {
	pid_t pid;
	Dwfl *dwfl;
	bool attached;
	unsigned long last_use;
	const struct unwind_regs *regs;
	const uint8_t *stack;
	size_t len;
};

struct unwinder {
	struct proc_unwind procs[UNWIND_PIDS];
	unsigned long clock;
	char *debuginfo_path;
	Dwfl_Callbacks cb;
};

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct proc_unwind *p = arg;
	if (*thread_argp)
		return 0;
	*thread_argp = p;
	return p->pid;
}

/* Only the copied stack is readable; anything else ends the unwinding there. */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct proc_unwind *p = arg;
	uint64_t sp = p->regs->sp;
	if (addr < sp || addr + sizeof(*result) > sp + p->len || addr + sizeof(*result) < addr)
		return false;
	memcpy(result, p->stack + (addr - sp), sizeof(*result));
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct proc_unwind *p = arg;
	const struct unwind_regs *r = p->regs;
	/* DWARF numbering on x86-64: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip */
	Dwarf_Word regs[17] = { 0 };
	regs[3] = r->bx;
	regs[6] = r->bp;
	regs[7] = r->sp;
	regs[12] = r->r12;
	regs[13] = r->r13;
	regs[14] = r->r14;
	regs[15] = r->r15;
	regs[16] = r->ip;
	return dwfl_thread_state_registers(thread, 0, 17, regs);
}

static const Dwfl_Thread_Callbacks thread_cb = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

struct unwinder *unwinder_new(void)
{
	struct unwinder *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->cb.find_elf = dwfl_linux_proc_find_elf;
	u->cb.find_debuginfo = dwfl_standard_find_debuginfo;
	u->cb.debuginfo_path = &u->debuginfo_path;
	return u;
}

void unwinder_free(struct unwinder *u)
{
	if (!u)
		return;
	for (int i = 0; i < UNWIND_PIDS; i++)
		if (u->procs[i].dwfl)
			dwfl_end(u->procs[i].dwfl);
	free(u);
}

/* The session of pid, reporting its modules on first use, and again when ip is in none
 * of them (the process mapped more since: libc after ld.so). Evicts the least recent. */
static struct proc_unwind *session(struct unwinder *u, pid_t pid, uint64_t ip)
{
	struct proc_unwind *victim = &u->procs[0];
	for (int i = 0; i < UNWIND_PIDS; i++) {
		struct proc_unwind *p = &u->procs[i];
		if (p->dwfl && p->pid == pid) {
			if (!dwfl_addrmodule(p->dwfl, ip)) {
				victim = p;
				break;
			}
			p->last_use = ++u->clock;
			return p;
		}
		if (!p->dwfl || p->last_use < victim->last_use)
			victim = p;
	}
	if (victim->dwfl)
		dwfl_end(victim->dwfl);
	memset(victim, 0, sizeof(*victim));
	victim->dwfl = dwfl_begin(&u->cb);
	if (!victim->dwfl)
		return NULL;
	victim->pid = pid;
	victim->last_use = ++u->clock;
	dwfl_report_begin(victim->dwfl);
	int rc = dwfl_linux_proc_report(victim->dwfl, pid);
	dwfl_report_end(victim->dwfl, NULL, NULL);
	if (rc == 0)
		victim->attached = dwfl_attach_state(victim->dwfl, NULL, pid, &thread_cb, victim);
	return victim;
}

struct collect {
	uint64_t *pcs;
	int n, max;
};

static int on_frame(Dwfl_Frame *frame, void *arg)
{
	struct collect *c = arg;
	Dwarf_Addr pc;
	if (!dwfl_frame_pc(frame, &pc, NULL) || pc == 0)
		return DWARF_CB_ABORT;
	if (c->n > 0 && pc == c->pcs[c->n - 1] && c->n > 1)
		return DWARF_CB_ABORT; /* no progress */
	if (c->n == 0) /* the sample's ip is there already */
		c->n = 1;
	else
		c->pcs[c->n++] = pc;
	return c->n < c->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

int unwind_user(struct unwinder *u, pid_t pid, const struct unwind_regs *regs,
		const void *stack, size_t len, uint64_t *pcs, int max)
{
	if (max < 1)
		return 0;
	pcs[0] = regs->ip;
	struct proc_unwind *p = session(u, pid, regs->ip);
	if (!p || !p->attached)
		return 1;
	p->regs = regs;
	p->stack = stack;
	p->len = len;
	struct collect c = { pcs, 0, max };
	dwfl_getthread_frames(p->dwfl, pid, on_frame, &c);
	p->regs = NULL;
	p->stack = NULL;
	return c.n ? c.n : 1;
}
