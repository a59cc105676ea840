/* memmon heap --pprof/--folded/--flamegraph: the accounting's rows (every stack) as one
 * stack profile (output/stack_profile.h) with Go's four heap sample types, written by the
 * shared profile writers (output/profile_files.h). In use is what is still allocated at
 * the end: the leaked bytes and blocks of the report. */
#ifndef MEMMON_HEAP_PROFILE_H
#define MEMMON_HEAP_PROFILE_H
#include "heap/heap_session.h"
#include "output/profile_files.h"

/* The sample types' order in the profile (pprof's sample_index names). */
enum { HEAP_PROF_ALLOC_OBJECTS, HEAP_PROF_ALLOC_SPACE, HEAP_PROF_INUSE_OBJECTS,
       HEAP_PROF_INUSE_SPACE, HEAP_PROF_NTYPES };

/* Writes every file of pf from the run in s; seconds is the run's length. 0, or -1
 * (message printed). */
int heap_profile_write(struct heap_session *s, struct profile_files *pf, double seconds,
		       const char *title);

#endif
