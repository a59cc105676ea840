/* How the user stacks of a report ended: a walk that reached the outermost frame (main's
 * caller _start, a thread's start) is complete; every other one was cut short for a reason
 * (enum unwind_end) and the report says how many and why, so a short stack is never taken
 * for the whole story. Also the unwind tables' cost, for the end of a run. */
#ifndef MEMMON_STACK_ENDS_H
#define MEMMON_STACK_ENDS_H
#include "symbols/unwind_event.h"
#include "symbols/unwind_tables.h"
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

struct stack_ends {
	uint64_t stacks;          /* user stacks counted */
	uint64_t by_end[UWE_COUNT]; /* by enum unwind_end; [0]: not walked by CFI */
};

/* Counts one stack that ended with end (enum unwind_end, 0 if not walked). */
void stack_ends_add(struct stack_ends *t, uint32_t end);
/* "stacks: 52 of 54 complete; truncated: 2 no unwind table for the file" (no newline). */
void stack_ends_print(const struct stack_ends *t, FILE *out);
/* {"complete": 52, "truncated": 2, "no_table": 2, ...}: zero reasons left out. */
struct json_object *stack_ends_json(const struct stack_ends *t);
/* The JSON key of a reason: "complete", "no_table", "depth", ... */
const char *unwind_end_key(uint32_t end);

/* "unwind tables: 14 files, 13 tables, 183402 rows (of 2097152), built in 42.1 ms; memory
 * 1.1 MiB used of 9.0 MiB reserved in the kernel, 0.3 MiB in memmon" + newline. */
void unwind_tables_print_cost(const struct unwind_tables *t, FILE *out);
struct json_object *unwind_tables_cost_json(const struct unwind_tables *t);

#endif
