/* The blocks of a page_owner report (memmon pageowner, memmon pages) as a profile of their
 * kernel stacks (output/stack_profile.h): allocations and bytes (the default) per stack. */
#ifndef MEMMON_PAGEOWNER_PROFILE_H
#define MEMMON_PAGEOWNER_PROFILE_H
#include "output/profile_files.h"
#include "pageowner/pageowner_fold.h"
#include <stddef.h>

/* Writes the --pprof/--folded/--flamegraph files of pf from the n groups (the command name
 * the root frame where o's folding keeps one per block); title heads the flame graph. 0, or
 * -1 (message printed). */
int po_profile_write(struct profile_files *pf, struct po_group **groups, size_t n,
		     const struct po_options *o, const char *cmd, const char *title);

#endif
