/* Printing a faults report from the rows collected for it (faults/faults_collect.h): text
 * tables with stacks and JSON Lines (profiles: output/profile_files.h). One report = the
 * rows of one interval or of the run. No I/O but writing out; frames are formatted
 * through the symbolizer. */
#ifndef MEMMON_FAULTS_PRINT_H
#define MEMMON_FAULTS_PRINT_H
#include "faults/faults_collect.h"
#include "symbols/symbolize.h"
#include "symbols/unwind_tables.h"
#include <stdbool.h>
#include <stdio.h>

struct faults_report {
	enum faults_view view;
	bool json, kernel_stacks, final;
	uint64_t min_count;
	double seconds;                 /* time the rows cover */
	unsigned long interval;         /* not final: the interval's number, from 1 */
	const char *end_reason;         /* final report: why tracing stopped */
	struct symbolizer *sym;
	const struct unwind_tables *unwind; /* stack view: the CFI tables, their cost at the end */
	struct fault_counters counters; /* kernel-side losses so far */
	uint64_t events_lost;
	uint64_t children_not_followed; /* the pid filter was full */
};

const char *faults_view_name(enum faults_view v);
/* Prints the collected rows to out. */
void faults_print(const struct faults_report *r, const struct faults_rows *rows, FILE *out);

#endif
