/* Loading bpf/mm.bpf.c for a command: which calls to report, faults or not, every process
 * or a watch list (optionally pinned so `memmon watch-pids` can edit it), the ring buffer
 * size, and attaching only the programs the command needs. */
#ifndef MEMMON_MM_SESSION_H
#define MEMMON_MM_SESSION_H
#include "events.h"
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define MM_WATCH_MAP_DEFAULT "/sys/fs/bpf/memmon/watch_pids"
#define MM_BUFFER_DEFAULT (8ULL << 20)

struct mm_session_opts {
	const char *cmd;
	uint32_t sys_mask;       /* 1 << enum mm_sys */
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

struct mm_session {
	struct mm_bpf *skel;
	struct event_reader events;
	int watch_fd;
	bool pinned_by_us;
	bool reused_pin;
	char pin_path[256];
	uint64_t lost_reported;
};

/* Returns 0, or an exit code (message printed). */
int mm_session_open(struct mm_session *s, const struct mm_session_opts *o);
/* Adds a process to the watch list. 0 or -errno. */
int mm_session_watch(struct mm_session *s, pid_t pid);
/* Adds a process to the watch list when it next calls exec (a launched program). */
int mm_session_watch_at_exec(struct mm_session *s, pid_t pid);
/* Number of pids in the watch list. */
int mm_session_watch_count(struct mm_session *s);
uint64_t mm_session_lost(struct mm_session *s);
/* Removes from the watch list pids whose process is gone or a zombie (it exited before
 * its pid was added, so its exit was not seen). Returns how many were removed. */
int mm_session_prune(struct mm_session *s);
/* True if the process exists and is not a zombie. */
bool mm_pid_alive(pid_t pid);
void mm_session_close(struct mm_session *s);

/* A ring buffer size must be a power of two of at least one page. */
bool mm_buffer_size_valid(uint64_t size);

#endif
