/* User stacks unwound offline with DWARF CFI (.eh_frame/.debug_frame) through libdwfl,
 * from registers and a copy of the top of the stack taken by BPF: works through code
 * built without frame pointers (glibc). The process's modules are read from /proc/PID/maps
 * at the first stack of each pid, so unwind while the process lives. */
#ifndef MEMMON_UNWIND_USER_H
#define MEMMON_UNWIND_USER_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* x86-64 registers as captured: ip, sp, bp, bx, r12..r15 (snoop_event.h SNOOP_REG_*). */
struct unwind_regs {
	uint64_t ip, sp, bp, bx, r12, r13, r14, r15;
};

struct unwinder;
struct unwinder *unwinder_new(void);
void unwinder_free(struct unwinder *u);
/* Fills pcs[0..] (pcs[0] = ip) and returns how many, at least 1. stack holds len bytes
 * copied from regs->sp upwards. */
int unwind_user(struct unwinder *u, pid_t pid, const struct unwind_regs *regs,
		const void *stack, size_t len, uint64_t *pcs, int max);

#endif
