/* Cutting user stacks where a frame-pointer walk went astray. */
#ifndef MEMMON_STACK_TRIM_H
#define MEMMON_STACK_TRIM_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct symbolizer;

/* A frame-pointer walk through code built without frame pointers (most of Debian) reads
 * whatever the register held: environment strings, stack addresses. Keeps frame 0 (the
 * probed instruction, which may be JIT code) and the frames after it up to the first one
 * that cannot be a return address into code: not a canonical user address, or, when pid's
 * mappings are known, outside every file mapping. Returns the new frame count. */
int stack_trim_user(struct symbolizer *s, pid_t pid, const uint64_t *ips, int n);

#endif
