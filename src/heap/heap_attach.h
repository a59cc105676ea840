/* memmon heap -p PID: running processes, exact, through memmon leak's uprobes and run
 * loop (leak/leak_user.c with a struct leak_stream): each tracked allocation and free
 * becomes an event of heap's accounting (heap/heap_account.h), so the report is the one
 * of preload mode. Stacks go into the session's stack table, each process's maps into
 * its slot, as the library would have put them. */
#ifndef MEMMON_HEAP_ATTACH_H
#define MEMMON_HEAP_ATTACH_H
#include "core/cli.h"
#include "heap/heap_session.h"

/* Traces cli's pids until they exit, Ctrl-C or --duration; on_interval(ctx) every
 * interval seconds (if > 0); *start: now_seconds() when tracing began. *reason: why it
 * ended. Returns an exit code (EXIT_OK when tracing ran; the report is the caller's). */
int heap_attach_run(struct heap_session *s, const struct cli *cli, double interval,
		    void (*on_interval)(void *), void *ctx, double *start, const char **reason);

#endif
