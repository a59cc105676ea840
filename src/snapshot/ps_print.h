/* Printing the rows of `memmon ps`, sorted already, and its totals: a table, or JSON Lines
 * (a ps_process, ps_user or ps_mapping record per row, then one ps_summary). Receives
 * everything it prints: no I/O but writing. */
#ifndef MEMMON_PS_PRINT_H
#define MEMMON_PS_PRINT_H
#include "core/keyed_table.h"
#include "snapshot/mem_rows.h"
#include "snapshot/ps_collect.h"
#include <stdbool.h>
#include <stdio.h>

struct ps_print {
	enum ps_mode mode;
	bool percent, json;
	uint64_t mem_total_kb;
	const struct ps_skipped *skipped;
	bool root; /* the note on unreadable processes says only root sees every one */
};

/* The rows and totals to out; processes skipped in the summary (JSON) or on stderr. */
void ps_print(const struct keyed_table *rows, const struct ps_print *pp, FILE *out);

#endif
