/* Where the watch list is pinned (--map, default /sys/fs/bpf/memmon/watch_pids), made safe
 * to share. /sys/fs/bpf is often world-writable (1777), so:
 * - the path must be in a BPF filesystem (checked before any directory is made), and its
 *   directory a real directory of root's that no one else may write: an ordinary user who
 *   made it first could move the pin away;
 * - every session using a pin holds a shared lock on a file of root's in /run/memmon/
 *   named after the path. A session that finds the lock free (no live session: the last
 *   one was killed) removes the stale pin and its dead pids; the last session to leave,
 *   the one that gets the lock exclusively, unpins, whoever created the pin. */
#ifndef MEMMON_WATCH_PIN_H
#define MEMMON_WATCH_PIN_H
#include <stdbool.h>

struct watch_pin {
	int lock_fd; /* -1: no lock (/run/memmon unusable: warned) */
	const char *path;
};

/* Checks path and its directory (made 0700 if absent) and takes the session lock; a stale
 * pin is removed. 0, or -1 after a message. */
int watch_pin_claim(struct watch_pin *wp, const char *path, const char *cmd);
/* At the end: unpins (and removes the directory if empty) when this session used the pin
 * (it loaded as its watch list) and no other session uses it; without the lock, when this
 * session created it. Releases the lock. */
void watch_pin_release(struct watch_pin *wp, bool used, bool created);

#endif
