/* A one-line progress indicator on stderr for long work (reading a large page_owner dump,
 * writing pages --dump, building unwind tables): shown only when stderr is a terminal, not
 * with --json, and only once the work has taken a second; redrawn at most 5 times a second
 * and erased at the end, so short runs and logs never see it. */
#ifndef MEMMON_PROGRESS_H
#define MEMMON_PROGRESS_H
#include <stdbool.h>
#include <stdint.h>

struct progress {
	const char *cmd, *what; /* "pageowner" (NULL: a shared layer's work), "reading dump.txt" */
	double start, last;
	bool enabled, shown;
};

/* --json was given (opts_parse says so): no progress in this run. */
void progress_set_json(bool json);
void progress_begin(struct progress *p, const char *cmd, const char *what);
/* done of total (0: unknown); bytes: both are bytes (shown in MiB), else a count of unit. */
void progress_update(struct progress *p, uint64_t done, uint64_t total, bool bytes, const char *unit);
/* Erases the line if it was shown. */
void progress_end(struct progress *p);

#endif
