/* Loading snoop/snoop.bpf.c for a command: which calls to report, faults or not, which
 * processes (the one process filter, set and filled from the command's trace target; for
 * watch its pid_filter map is the watch list, pinned so `memmon watch-pids` can edit it),
 * the ring buffer size, and attaching only the programs the command needs. */
#ifndef MEMMON_SNOOP_SESSION_H
#define MEMMON_SNOOP_SESSION_H
#include "core/events.h"
#include "core/trace_target.h"
#include "symbols/unwind_tables.h"
#include "snoop/watch_pin.h"
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SNOOP_BUFFER_DEFAULT (8ULL << 20)

struct snoop_session_opts {
	const char *cmd;
	const struct trace_target *target; /* -p pids, --comm, a launched program */
	bool watch_list;         /* only the watch list, also while it is empty (watch) */
	uint32_t sys_mask;       /* 1 << enum snoop_sys */
	bool faults;             /* page_fault_user/kernel */
	bool lifecycle;          /* exec/fork/exit */
	bool follow;             /* children join the watch list (--follow) */
	bool brk_stack;
	bool code_maps;          /* report code mappings at exec, mmap, mprotect (symbols) */
	uint64_t buffer_size;    /* 0: default */
	const char *pin_path;    /* pin the watch list here; NULL: not pinned */
	ring_buffer_sample_fn on_event;
	void *ctx;
};

struct snoop_session {
	struct snoop_bpf *skel;
	struct event_reader events;
	int watch_fd;
	struct unwind_tables *unwind; /* brk_stack: CFI tables of the traced code */
	bool pinned_by_us;
	bool reused_pin;
	char pin_path[256];
	struct watch_pin pin;    /* the directory checked, the sessions' lock */
};

/* Sets the process filter from the target, loads, fills the filter (trace_target_fill),
 * attaches and opens the ring buffer. Returns 0, or an exit code (message printed). */
int snoop_session_open(struct snoop_session *s, const struct snoop_session_opts *o);
/* Number of pids in the watch list. */
int snoop_session_watch_count(struct snoop_session *s);
uint64_t snoop_session_lost(const struct snoop_session *s);
/* Removes from the watch list pids whose process is gone or a zombie (it exited before
 * its pid was added, so its exit was not seen). Returns how many were removed. */
int snoop_session_prune(struct snoop_session *s);
/* True if the process exists and is not a zombie. */
bool snoop_pid_alive(pid_t pid);
void snoop_session_close(struct snoop_session *s);

#endif
