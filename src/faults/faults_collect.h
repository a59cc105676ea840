/* What a faults report prints, gathered before printing (printers do no I/O): the rows of
 * a view that are shown, each with its process name, its file's name and its stack frames,
 * read from the process table and the probe set's BPF files and stacks maps. */
#ifndef MEMMON_FAULTS_COLLECT_H
#define MEMMON_FAULTS_COLLECT_H
#include "core/keyed_table.h"
#include "faults/faults_table.h"
#include "symbols/proc_names.h"
#include "symbols/stack_ends.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A row as printed. Frames are innermost first, in the frames array of its faults_rows. */
struct faults_row {
	struct fault_key key;
	struct fault_counts c;
	char comm[17];       /* "?" when unknown */
	size_t file;         /* file views: offset of the file's name in names */
	size_t ustack, kstack;
	int nustack, nkstack; /* stack view; kernel frames with --kernel-stacks only */
	uint32_t uend;        /* why the user stack's walk ended (enum unwind_end) */
};

struct faults_rows {
	struct faults_row *row;  /* in the view's order, busiest first */
	size_t n;
	size_t hidden;           /* rows below --min-count: counted, not collected */
	struct fault_counts sum; /* of every row, hidden ones too */
	struct stack_ends ends;  /* stack view: how the shown rows' user stacks ended */
	uint64_t *frames;
	size_t nframes, frames_cap;
	char *names;
	size_t nnames, names_cap;
};

/* Where the details come from. */
struct faults_sources {
	enum faults_view view;
	bool kernel_stacks;
	uint64_t min_count;
	int stacks_fd, files_fd;      /* the BPF stack store and file names */
	const struct proc_names *procs;
};

/* Collects the shown rows of entries (fault_group's output) into out. 0 or -ENOMEM (out is
 * then partly filled: free it all the same). */
int faults_collect(const struct faults_sources *src, const struct keyed_table *entries,
		   struct faults_rows *out);
void faults_rows_free(struct faults_rows *rows);

static inline const char *faults_row_file(const struct faults_rows *rows, const struct faults_row *r)
{
	return rows->names + r->file;
}

/* The path of file (ino, dev) as the kernel side recorded it in the files map: 1 when
 * complete, 0 when its outer components were cut ("..." first), -1 when unknown. */
int faults_file_path(int files_fd, uint64_t ino, uint32_t dev, char *buf, size_t n);

#endif
