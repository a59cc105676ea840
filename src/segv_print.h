/* Prints one SIGSEGV/SIGBUS of `memmon segv` (text or JSON Lines), symbolized. */
#ifndef MEMMON_SEGV_PRINT_H
#define MEMMON_SEGV_PRINT_H
#include "segv_classify.h"
#include "symbolize.h"

void segv_print(struct symbolizer *sym, const struct segv_event *e, bool json);

/* The function that fills most of the stack (>= 3 frames), or NULL: in a stack overflow,
 * the one that recursed. *count gets its number of frames. */
const char *segv_recursing_function(struct symbolizer *sym, const struct segv_event *e, int *count);

#endif
