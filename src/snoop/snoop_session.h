/* Loading snoop/snoop.bpf.c for a command: which calls to report, faults or not, every process
 * or a watch list (optionally pinned so `memmon watch-pids` can edit it), the ring buffer
 * size, and attaching only the programs the command needs. */
#ifndef MEMMON_SNOOP_SESSION_H
#define MEMMON_SNOOP_SESSION_H
#include "core/events.h"
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SNOOP_WATCH_MAP_DEFAULT "/sys/fs/bpf/memmon/watch_pids"
#define SNOOP_BUFFER_DEFAULT (8ULL << 20)

struct snoop_session_opts {
	const char *cmd;
	uint32_t sys_mask;       /* 1 << enum snoop_sys */
	bool faults;             /* page_fault_user/kernel */
	bool lifecycle;          /* exec/fork/exit */
	bool trace_all;          /* no watch list: every process */
	bool follow;             /* children join the watch list */
	bool brk_stack;
	uint64_t buffer_size;    /* 0: default */
	const char *pin_path;    /* pin the watch list here; NULL: not pinned */
	ring_buffer_sample_fn on_event;
	void *ctx;
};

struct snoop_session {
	struct snoop_bpf *skel;
	struct event_reader events;
	int watch_fd;
	bool pinned_by_us;
	bool reused_pin;
	char pin_path[256];
	uint64_t lost_reported;
};

/* Returns 0, or an exit code (message printed). */
int snoop_session_open(struct snoop_session *s, const struct snoop_session_opts *o);
/* Adds a process to the watch list. 0 or -errno. */
int snoop_session_watch(struct snoop_session *s, pid_t pid);
/* Adds a process to the watch list when it next calls exec (a launched program). */
int snoop_session_watch_at_exec(struct snoop_session *s, pid_t pid);
/* Number of pids in the watch list. */
int snoop_session_watch_count(struct snoop_session *s);
uint64_t snoop_session_lost(struct snoop_session *s);
/* Removes from the watch list pids whose process is gone or a zombie (it exited before
 * its pid was added, so its exit was not seen). Returns how many were removed. */
int snoop_session_prune(struct snoop_session *s);
/* True if the process exists and is not a zombie. */
bool snoop_pid_alive(pid_t pid);
void snoop_session_close(struct snoop_session *s);

/* A ring buffer size must be a power of two of at least one page. */
bool snoop_buffer_size_valid(uint64_t size);

#endif
