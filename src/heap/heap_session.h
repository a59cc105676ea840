/* memmon's side of the shared memory (heap/heap_shm.h): made before the program starts,
 * drained while it runs. A drain merges the threads' rings in time order (rdtsc) into the
 * accounting, up to a little before the drain began (HOLD_MS): an event whose time was
 * taken just before may not be published yet, and must not come after later ones. Rings of
 * threads that exited, and of processes that exited or exec'd, are drained to their end
 * and freed for new threads. */
#ifndef MEMMON_HEAP_SESSION_H
#define MEMMON_HEAP_SESSION_H
#include "heap/heap_account.h"
#include "heap/heap_shm.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct unwind_tables;

#define HEAP_RINGS 256 /* threads recording at once */

struct heap_session {
	int fd;
	void *base;
	size_t size;
	struct heap_shm_header *h;
	struct heap_account acct;
	uint64_t tsc0;     /* at the start */
	double mono0;      /* CLOCK_MONOTONIC then */
	double tsc_hz;     /* measured at each drain against CLOCK_MONOTONIC */
	bool ns_clock;     /* -p: times are CLOCK_MONOTONIC ns, tsc_hz 1e9 */
	struct unwind_tables *tables; /* shared with the library: built on its request */
	uint32_t procs_seen;
	double procs_checked; /* when /proc was last read for exits */
	struct heap_last_alloc ring_last[HEAP_RINGS]; /* each ring's thread's last allocation */
};

/* The memfd (inherited by the program: no close-on-exec) and its layout. 0 or -errno. */
int heap_session_open(struct heap_session *s, uint64_t sample_bytes, uint64_t seed);
void heap_session_close(struct heap_session *s);
/* The run starts now (the program is let go): times count from here. */
void heap_session_start(struct heap_session *s);
/* memmon heap -p: no library, no rings; leak's probes feed the accounting directly
 * (heap/heap_attach.c). Times are then CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns)
 * from now. */
void heap_session_start_ns(struct heap_session *s);
/* A process slot for a running process, its maps copied from /proc (pid: -1 if no slot
 * is left), known to the accounting at once. Returns the slot, or -1. */
int heap_session_add_proc(struct heap_session *s, pid_t pid);
/* The same for a process a traced one forked (forked: ppid's child, starting with the
 * maps of slot from) or one that exec'd (a new image: maps from /proc only). */
int heap_session_add_followed(struct heap_session *s, pid_t pid, pid_t ppid, bool forked, int from);
/* Copies /proc/PID/maps into a slot again (libraries loaded since); a process that is
 * gone keeps its last copy. */
void heap_session_refresh_maps(struct heap_session *s, uint32_t slot);
/* Drains what is ready (all of it when final). Returns the events taken. */
uint64_t heap_session_drain(struct heap_session *s, bool final);
/* Seconds since the start for a TSC value. */
double heap_session_seconds(const struct heap_session *s, uint64_t tsc);
/* The frames of a stack slot into ips (at most max); *end its walk's enum unwind_end.
 * Returns the frame count (0 for slot 0, or a slot not written yet). */
int heap_session_stack(const struct heap_session *s, uint32_t slot, uint64_t *ips, int max,
		       uint32_t *end);
/* A consistent copy of a process slot's /proc/PID/maps text (malloc'd; *len). */
char *heap_session_maps(const struct heap_session *s, uint32_t slot, size_t *len);

#endif
