#include "crash/segv_classify.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define VM_READ 1
#define VM_WRITE 2
#define VM_EXEC 4
#define VM_SHARED 8
#define PF_WRITE 2
#define PF_INSTR 16

static const char *access_of(const struct segv_event *e)
{
	if (!e->have_error_code)
		return "unknown";
	if (e->error_code & PF_INSTR)
		return "exec";
	return e->error_code & PF_WRITE ? "write" : "read";
}

static bool near_below(uint64_t addr, uint64_t start, uint64_t reach)
{
	return addr < start && start - addr <= reach;
}

/* A stack overflow faults just below the stack, where the stack pointer is: in the main
 * stack's guard gap (no mapping), or in a thread stack's PROT_NONE guard page. */
static bool stack_overflow(const struct segv_event *e, struct segv_class *c)
{
	const struct segv_vma *at = &e->at;
	uint64_t dist = e->sp >= e->addr ? e->sp - e->addr : e->addr - e->sp;
	if (dist > (64u << 10) || (at->found && (at->flags & (VM_READ | VM_WRITE | VM_EXEC))))
		return false;
	if (e->pid == e->tid) {
		if (!e->stack_top || !near_below(e->addr, e->stack_start, SEGV_STACK_REACH))
			return false;
		c->stack_top = e->stack_top;
		c->main_stack = true;
	} else {
		/* glibc puts a thread's TLS and descriptor at the top of its stack mapping */
		if (!e->tls_base || e->tls_base <= e->sp || e->tls_base - e->sp > (1ULL << 32))
			return false;
		c->stack_top = e->tls_base;
	}
	c->in_guard_gap = !at->found;
	c->what = SEGV_WHAT_STACK_OVERFLOW;
	c->stack_bytes = c->stack_top - e->sp;
	return true;
}

void segv_classify(const struct segv_event *e, struct segv_class *c)
{
	memset(c, 0, sizeof(*c));
	c->access = access_of(e);
	const struct segv_vma *at = &e->at;
	if (!e->from_fault) {
		c->what = e->code <= 0 ? SEGV_WHAT_SENT : SEGV_WHAT_OTHER;
		return;
	}
	if (e->addr < SEGV_NULL_LIMIT) {
		c->what = SEGV_WHAT_NULL_PAGE;
		return;
	}
	if (stack_overflow(e, c))
		return;
	if (e->sig == 7) {
		c->what = SEGV_WHAT_BUS;
		return;
	}
	if (!at->found) {
		c->what = SEGV_WHAT_NO_MAPPING;
		return;
	}
	if (!(at->flags & (VM_READ | VM_WRITE | VM_EXEC)))
		c->what = SEGV_WHAT_NO_ACCESS;
	else if (!strcmp(c->access, "write") && !(at->flags & VM_WRITE))
		c->what = SEGV_WHAT_READ_ONLY;
	else if (!strcmp(c->access, "exec") && !(at->flags & VM_EXEC))
		c->what = SEGV_WHAT_NON_EXEC;
	else if (!strcmp(c->access, "read") && !(at->flags & VM_READ))
		c->what = SEGV_WHAT_UNREADABLE;
	else if (!strcmp(c->access, "unknown") && !(at->flags & VM_WRITE))
		c->what = SEGV_WHAT_READ_ONLY; /* the likely case; access unknown */
	else
		c->what = SEGV_WHAT_OTHER;
}

const char *segv_what_name(enum segv_what w)
{
	static const char *names[] = { "sent", "null-page", "stack-overflow", "no-mapping",
				       "read-only", "non-executable", "no-access", "unreadable",
				       "bus-error", "other" };
	return (unsigned)w < sizeof(names) / sizeof(names[0]) ? names[w] : "other";
}

void segv_perms(const struct segv_vma *v, char out[5])
{
	out[0] = v->flags & VM_READ ? 'r' : '-';
	out[1] = v->flags & VM_WRITE ? 'w' : '-';
	out[2] = v->flags & VM_EXEC ? 'x' : '-';
	out[3] = v->flags & VM_SHARED ? 's' : 'p';
	out[4] = 0;
}

static void mapping_words(const struct segv_vma *v, char *buf, size_t n)
{
	char perms[5];
	segv_perms(v, perms);
	snprintf(buf, n, "%s mapping 0x%" PRIx64 "-0x%" PRIx64 " of %s", perms, (uint64_t)v->start, (uint64_t)v->end,
		 v->file_backed ? v->file : "anonymous memory");
}

void segv_describe(const struct segv_event *e, const struct segv_class *c, char *buf, size_t n)
{
	char m[160];
	mapping_words(&e->at, m, sizeof(m));
	switch (c->what) {
	case SEGV_WHAT_SENT:
		snprintf(buf, n, "sent by pid %u, not a fault", e->sender_pid);
		break;
	case SEGV_WHAT_NULL_PAGE:
		snprintf(buf, n, "NULL pointer dereference (%s at NULL+0x%" PRIx64 ")", c->access, (uint64_t)e->addr);
		break;
	case SEGV_WHAT_STACK_OVERFLOW:
		snprintf(buf, n, "stack overflow of the %s stack: %s %" PRIu64 " bytes below its top, in %s",
			 c->main_stack ? "main thread's" : "thread's", c->access,
			 (uint64_t)(c->stack_top - e->addr),
			 c->in_guard_gap ? "the guard gap below it" : "its guard page");
		break;
	case SEGV_WHAT_NO_MAPPING:
		snprintf(buf, n, "%s of an address with no mapping", c->access);
		break;
	case SEGV_WHAT_READ_ONLY:
		snprintf(buf, n, "%s to a read-only mapping (%s)", c->access, m);
		break;
	case SEGV_WHAT_NON_EXEC:
		snprintf(buf, n, "execution of a non-executable mapping (%s)", m);
		break;
	case SEGV_WHAT_NO_ACCESS:
		snprintf(buf, n, "%s of an inaccessible PROT_NONE mapping (%s)", c->access, m);
		break;
	case SEGV_WHAT_UNREADABLE:
		snprintf(buf, n, "read of an unreadable mapping (%s)", m);
		break;
	case SEGV_WHAT_BUS:
		if (e->at.found && e->at.file_backed && e->code == 2) /* BUS_ADRERR */
			snprintf(buf, n, "%s beyond the end of the mapped file (%s)", c->access, m);
		else
			snprintf(buf, n, "bus error at %s", e->at.found ? m : "an address with no mapping");
		break;
	default:
		snprintf(buf, n, "%s fault%s%s", c->access, e->at.found ? " in " : "", e->at.found ? m : "");
	}
}

const char *segv_code_name(int sig, int code)
{
	switch (code) {
	case 0: return "SI_USER";
	case 0x80: return "SI_KERNEL";
	case -1: return "SI_QUEUE";
	case -6: return "SI_TKILL";
	}
	if (sig == 11) {
		static const char *segv[] = { NULL, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR",
					      "SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR",
					      "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR",
					      "SEGV_CPERR" };
		if (code > 0 && code < (int)(sizeof(segv) / sizeof(segv[0])))
			return segv[code];
	} else if (sig == 7) {
		static const char *bus[] = { NULL, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR",
					     "BUS_MCEERR_AR", "BUS_MCEERR_AO" };
		if (code > 0 && code < (int)(sizeof(bus) / sizeof(bus[0])))
			return bus[code];
	}
	return "unknown";
}
