/* Printing `memmon sys`: a screen as text, or JSON Lines (sys_memory, sys_activity, a
 * sys_zone per zone, a sys_slab per cache; with -i a sys_interval closing each round; one
 * sys_summary last). Receives what it prints: no I/O but writing. */
#ifndef MEMMON_SYS_PRINT_H
#define MEMMON_SYS_PRINT_H
#include "snapshot/sys_read.h"
#include <stdbool.h>
#include <stdio.h>

struct sys_print {
	bool json;
	bool final; /* rows of the one screen (no -i), not of a round */
	int order;  /* of the unusable free space index */
};

void sys_print_screen(const struct sys_screen *s, const struct sys_print *pp, FILE *out);
/* JSON: closes round number interval (from 1), which covered seconds. */
void sys_print_interval(long interval, double seconds, FILE *out);
/* JSON: the last record: screens printed, seconds since the start, why it ended. */
void sys_print_summary(long samples, double seconds, const char *reason, FILE *out);

#endif
