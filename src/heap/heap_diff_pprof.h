/* memmon heap --diff BASE when BASE is a --pprof file memmon heap wrote: its samples as
 * (frames key, figures) pairs for heap/heap_diff.c. The key has one line per frame, "NAME
 * FILE:LINE" (innermost first, inlined frames their own lines, "?" for no file, 0 for no
 * line), the same key heap_diff.c makes of a heap_stack row's frames. A pprof profile has
 * no temporary or peak figures: only the four sample types are compared. */
#ifndef MEMMON_HEAP_DIFF_PPROF_H
#define MEMMON_HEAP_DIFF_PPROF_H
#include <stdbool.h>
#include <stddef.h>

enum { HEAP_PPROF_ALLOCATIONS, HEAP_PPROF_ALLOCATED, HEAP_PPROF_LEAKED_COUNT, HEAP_PPROF_LEAKED,
       HEAP_PPROF_NVALUES };

/* One sample: key is malloc'd and the callee's. 0, or -1 (out of memory: stop). */
typedef int (*heap_pprof_sample_fn)(void *ctx, char *key, const double *values);

/* True if the file starts as gzip does (a --pprof file, not JSON Lines). */
bool heap_diff_is_gzip(const char *path);
/* Reads the profile at path, calling add for each sample. 0, or -1 after a message. */
int heap_diff_pprof_read(const char *path, heap_pprof_sample_fn add, void *ctx);
/* Appends "NAME FILE:LINE\n" to *s (length *len, capacity *cap). 0, or -1. */
int heap_diff_key_append(char **s, size_t *len, size_t *cap, const char *name, const char *file,
			 long line);

#endif
