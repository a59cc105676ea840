/* Sorting and printing the rows of `memmon ps`: one table, text or JSON Lines. */
#ifndef MEMMON_PS_PRINT_H
#define MEMMON_PS_PRINT_H
#include "snapshot/mem_rows.h"
#include <stdbool.h>
#include <stdio.h>

enum ps_mode { PS_BY_PROCESS, PS_BY_USER, PS_BY_MAPPING };
enum ps_column {
	COL_PID, COL_USER, COL_COMMAND, COL_COUNT, COL_PIDS, COL_MAP,
	COL_SWAP, COL_SWAPPSS, COL_USS, COL_PSS, COL_RSS, COL_VSS,
};

struct ps_print {
	enum ps_mode mode;
	enum ps_column sort;
	bool reverse, percent, json;
	uint64_t mem_total_kb;
};

/* Returns 0 if name is a column that mode shows. */
int ps_column_parse(const char *name, enum ps_mode mode, enum ps_column *out);
void ps_sort(struct mem_rows *rows, const struct ps_print *pp);
void ps_print(const struct mem_rows *rows, const struct ps_print *pp, FILE *out);

#endif
