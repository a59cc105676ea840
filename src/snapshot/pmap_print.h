/* Printing `memmon pmap`: a process's mappings and totals as `pmap -X` lays them out, or
 * JSON Lines (pmap_mapping per mapping, pmap_process per process, one pmap_summary last).
 * Receives what it prints: no I/O but writing. */
#ifndef MEMMON_PMAP_PRINT_H
#define MEMMON_PMAP_PRINT_H
#include "snapshot/pmap_read.h"
#include <stdbool.h>
#include <stdio.h>

/* A process that could not be shown. */
struct pmap_skip {
	pid_t pid;
	const char *reason; /* pmap_error_text() */
};

void pmap_print_process(const struct pmap_process *p, bool json, FILE *out);
/* JSON only: the processes shown, their mappings, and those skipped. */
void pmap_print_summary(int processes, size_t mappings, const struct pmap_skip *skipped,
			int nskipped, FILE *out);

#endif
