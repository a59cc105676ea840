/* memmon leak's printer, shared by user and --kernel mode: a report (the top stacks by
 * outstanding bytes, what was lost, the listed allocations) and each memory error, as text
 * or JSON Lines. It prints what leak/leak_collect.h gathered and reads nothing itself; stack
 * frames are formatted through the symbolizer. */
#ifndef MEMMON_LEAK_REPORT_H
#define MEMMON_LEAK_REPORT_H
#include "leak/leak_collect.h"
#include "symbols/symbolize.h"
#include "symbols/unwind_tables.h"
#include <stdbool.h>
#include <stdint.h>

struct leak_printer {
	struct symbolizer *sym;
	bool json, kernel, show_allocs;
	int top;
	const struct unwind_tables *unwind; /* user mode: the CFI tables, their cost in the summary */
	/* the symbolizer's counters when the previous report was printed: a report counts
	 * the frames printed since (error reports between two reports are in the next one) */
	struct sym_stats reported;
};

/* Which report is printed. JSON: its rows (leak_stack, leak_alloc) carry report_no and
 * final; an interval's report closes with leak_interval, the final one with leak_summary. */
struct leak_report_id {
	int report_no;      /* from 1, over the run: intervals first, then the final report */
	bool final;
	const char *reason; /* "interval", or why tracing ended */
	double seconds;     /* an interval: the time it covered; the final report: time traced */
	const char *program_signal; /* the final report: "SIGABRT" when a signal killed the
				     * launched program, else NULL */
};

const char *alloc_fn_name(uint32_t fn);
/* "reports every 5s" or "one report at the end" (-i 0), for the start-up line. */
const char *leak_report_schedule(double interval);
void leak_print_report(struct leak_printer *p, const struct leak_report_id *id,
		       const struct leak_snapshot *s);
void leak_print_error(struct leak_printer *p, const struct leak_error *err);
/* The first error past --max-errors: says that the rest are only counted. */
void leak_print_errors_capped(const struct leak_printer *p, uint32_t max_errors);

#endif
