/* Prints what libmemmon_guard reported, symbolized, as text or JSON Lines. */
#ifndef MEMMON_GUARD_PRINT_H
#define MEMMON_GUARD_PRINT_H
#include "crash/guard_parse.h"
#include "symbols/symbolize.h"
#include <stdbool.h>

/* sym already knows the reporting process's mappings: cmd_guard.c hands it the copy of
 * /proc/PID/maps the report carries. */
void guard_print_report(struct symbolizer *sym, const struct guard_report *r, bool json);
/* One process's counts: a guard_process record (JSON only in text is the line). */
void guard_print_stats(pid_t pid, unsigned long guarded, unsigned long pool_full, bool json);

/* The run's totals over every process that reported. */
struct guard_totals {
	unsigned long processes, guarded, pool_full, errors;
};
/* The guard_summary record that ends a run (text: "no memory error caught" when none). */
void guard_print_summary(const struct guard_totals *t, const char *reason, double seconds, bool json);

#endif
