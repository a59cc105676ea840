/* Printing the overcommit, swap area and vm knob sections of `memmon sys` (text, or the
 * sys_overcommit, sys_swap and sys_vm records). Each section says "not available" where the
 * kernel lacks its files. No I/O but writing. */
#ifndef MEMMON_SYS_KNOBS_PRINT_H
#define MEMMON_SYS_KNOBS_PRINT_H
#include "proc/proc_meminfo.h"
#include "snapshot/sys_knobs.h"
#include <stdbool.h>
#include <stdio.h>

void sys_knobs_print(const struct sys_knobs *k, const struct meminfo *m, bool json, bool final,
		     FILE *out);

#endif
