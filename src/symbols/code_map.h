/* The user half of symbols/code_map_event.h: executable mappings the kernel side reported
 * go into the symbolizer, so a process's stacks resolve after it exited, however short
 * its life. */
#ifndef MEMMON_CODE_MAP_H
#define MEMMON_CODE_MAP_H
#include "symbols/symbolize.h"
#include <stdbool.h>
#include <stddef.h>

/* True if data is a code_map_event (then its mapping was added to s, when its path was
 * complete); false for any other event of the ring buffer. */
bool code_map_take(struct symbolizer *s, const void *data, size_t size);

#endif
