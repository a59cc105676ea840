/* Printing the faults command's grouped rows: text tables with stacks, JSON Lines, and
 * folded stacks for flame graphs. One report = the rows of one interval or of the run. */
#ifndef MEMMON_FAULTS_PRINT_H
#define MEMMON_FAULTS_PRINT_H
#include "faults/faults_table.h"
#include "symbols/symbolize.h"
#include <stdbool.h>
#include <stdio.h>

enum faults_view { VIEW_STACK, VIEW_FILE, VIEW_PROCESS, VIEW_PROCESS_FILE, VIEW_SUMMARY };

struct faults_report {
	enum faults_view view;
	bool json, folded, kernel_stacks, final;
	uint64_t min_count;
	double seconds;                 /* time the rows cover */
	const char *end_reason;         /* final report: why tracing stopped */
	struct symbolizer *sym;
	int stacks_fd, files_fd;        /* BPF maps: stack ids, file names */
	const char *(*comm_of)(void *ctx, uint32_t tgid);
	void *comm_ctx;
	struct fault_counters counters; /* kernel-side losses so far */
	uint64_t events_lost;
};

/* Key fields (FG_*) the view groups by. */
unsigned faults_view_mask(enum faults_view v);
const char *faults_view_name(enum faults_view v);
/* Prints grouped rows (from fault_group with faults_view_mask) to out. */
void faults_print(const struct faults_report *r, const struct fault_snapshot *rows, FILE *out);
/* "/path/to/file", "[heap]", "[stack]", "[anon]" or "[unknown]". */
void faults_file_name(int files_fd, const struct fault_key *k, char *buf, size_t n);
/* Joins the kernel's path components (innermost first, maybe unterminated) into buf. */
void faults_format_path(const struct fault_file_info *info, char *buf, size_t n);

#endif
