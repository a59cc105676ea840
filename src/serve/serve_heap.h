/* /debug/pprof/heap: the outstanding allocations of one process as a gzipped pprof heap
 * profile (inuse_objects, inuse_space), made by the leak tracer itself: memmon runs
 * `memmon leak -p PID -d S -i 0 --pprof FILE` as a child (its own BPF objects and run loop,
 * so profiles run side by side and a failing one cannot take the server down), passes the
 * child's messages on to its own stderr, and answers with the file. */
#ifndef MEMMON_SERVE_HEAP_H
#define MEMMON_SERVE_HEAP_H
#include "serve/serve_http.h"
#include <sys/types.h>

/* Profiles running at once; more get 503. */
#define SERVE_HEAP_MAX_RUNNING 4

/* Fills r: 200 and the profile, 503 when SERVE_HEAP_MAX_RUNNING run already, 500 with the
 * tracer's own messages when it failed. Blocks for about seconds. */
void serve_heap_profile(pid_t pid, int seconds, struct serve_reply *r);
/* Asks every running profile to end now (SIGINT: each still answers with what it has). */
void serve_heap_stop_all(void);

#endif
