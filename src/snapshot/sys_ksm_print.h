/* Printing the KSM section of `memmon sys` (text, or sys_ksm and a sys_ksm_process per
 * process with merged pages); "not available" without KSM. No I/O but writing. */
#ifndef MEMMON_SYS_KSM_PRINT_H
#define MEMMON_SYS_KSM_PRINT_H
#include "snapshot/sys_ksm.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void sys_ksm_print(const struct sys_ksm *k, uint64_t page_size, bool json, bool final, FILE *out);

#endif
