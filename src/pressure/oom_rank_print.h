/* Printing `memmon oom --rank`: the order the OOM killer would choose in, system-wide and
 * in each memory cgroup with a limit, with what makes each score (text, or an oom_rank
 * record per process and scope, then oom_summary). No I/O but writing. */
#ifndef MEMMON_OOM_RANK_PRINT_H
#define MEMMON_OOM_RANK_PRINT_H
#include "pressure/oom_rank.h"
#include <stdbool.h>
#include <stdio.h>

/* top: rows per scope, 0 for all. */
void oom_rank_print(const struct oom_rank *r, bool json, long top, FILE *out);

#endif
