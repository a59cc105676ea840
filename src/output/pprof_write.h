/* pprof's format: a stack profile (output/stack_profile.h) as a gzipped profile.proto
 * (output/profile.proto, encoded by protobuf-c), what `go tool pprof`, Parca and Pyroscope
 * read. */
#ifndef MEMMON_PPROF_WRITE_H
#define MEMMON_PPROF_WRITE_H
#include "output/stack_profile.h"
#include <stdio.h>

/* Writes the profile to out. 0, or -1 (errno set: ENOMEM, or the stream's error). */
int pprof_write(const struct stack_profile *p, FILE *out);

#endif
