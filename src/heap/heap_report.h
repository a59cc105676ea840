/* memmon heap's report: one row per (process, stack) (text, or JSON heap_stack), one per
 * process (heap_process), the heap over time (heap_interval) and heap_summary last. */
#ifndef MEMMON_HEAP_REPORT_H
#define MEMMON_HEAP_REPORT_H
#include "heap/heap_session.h"
#include <stdbool.h>

struct unwind_tables;

enum heap_sort { HEAP_SORT_ALLOCATED, HEAP_SORT_ALLOCATIONS, HEAP_SORT_TEMPORARY, HEAP_SORT_PEAK,
		 HEAP_SORT_LEAKED };

struct heap_report_opts {
	bool json;
	bool rows;            /* print the stacks (else only processes and the summary) */
	int top;              /* rows printed (0: all) */
	enum heap_sort sort;
	const char *reason;
	double seconds;
	const struct unwind_tables *unwind;
};

/* Processes are keyed in the symbolizer above any real pid (pid_max is at most 2^22): an
 * exec'd image and the image before it have the same pid and different mappings. */
#define SYM_KEY(slot) ((pid_t)((1 << 22) + 1 + (int)(slot)))
struct symbolizer;
/* Gives the symbolizer every process slot's maps, under SYM_KEY(slot). */
void heap_report_capture(struct heap_session *s, struct symbolizer *sym);

/* The rows' indexes in the accounting's table, sorted (caller frees). */
size_t heap_sorted_rows(const struct heap_account *a, enum heap_sort sort, size_t **out);
/* The final report. Returns 0, or -1 if stdout could not be written. */
int heap_report_print(struct heap_session *s, const struct heap_report_opts *o);
/* One sample of the heap over time (-i): text line or heap_interval. */
void heap_report_interval(const struct heap_session *s, int number, double seconds,
			  double heap_bytes, bool json);

#endif
