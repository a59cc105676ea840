/* Printing the zram section of `memmon sys` (text, or a sys_zram record per device): sizes
 * from mm_stat and the compression ratio. No I/O but writing. */
#ifndef MEMMON_SYS_ZRAM_PRINT_H
#define MEMMON_SYS_ZRAM_PRINT_H
#include "snapshot/sys_zram.h"
#include <stdbool.h>
#include <stdio.h>

void sys_zram_print(const struct sys_zram *z, bool json, bool final, FILE *out);

#endif
