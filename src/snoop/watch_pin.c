#include "snoop/watch_pin.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define BPF_FS_MAGIC 0xcafe4a11
#define LOCK_DIR "/run/memmon"

/* A directory memmon may rely on: a directory (not a link to one), root's, and writable by
 * no one else (sticky world-writable directories such as /sys/fs/bpf itself are not
 * accepted as the pin's own directory either). NULL or why not. */
static const char *dir_refused(const char *dir, char *why, size_t n)
{
	struct stat st;
	if (lstat(dir, &st)) {
		snprintf(why, n, "%s", strerror(errno));
		return why;
	}
	if (!S_ISDIR(st.st_mode))
		snprintf(why, n, "it is not a directory%s", S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
	else if (st.st_uid != geteuid())
		snprintf(why, n, "it belongs to uid %u, not root", (unsigned)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		snprintf(why, n, "others may write in it (mode %o)", (unsigned)(st.st_mode & 07777));
	else
		return NULL;
	return why;
}

/* The nearest existing ancestor of path is in a BPF filesystem. */
static bool in_bpffs(const char *path)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s", path);
	struct statfs sf;
	for (;;) {
		char *slash = strrchr(p, '/');
		if (!slash)
			return false;
		*slash = '\0';
		const char *at = *p ? p : "/";
		if (statfs(at, &sf) == 0)
			return sf.f_type == BPF_FS_MAGIC;
		if (errno != ENOENT || !*p)
			return false;
	}
}

/* A pinned map that looks like a watch list (a hash of u32 pid -> u8): what a killed
 * session leaves. Anything else pinned there is not memmon's to remove. */
static bool is_watch_list(const char *path)
{
	int fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	memset(&info, 0, sizeof(info));
	bool ok = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.type == BPF_MAP_TYPE_HASH &&
		  info.key_size == 4 && info.value_size == 1 && !strcmp(info.name, "pid_filter");
	close(fd);
	return ok;
}

static int open_lock(const char *path, const char *cmd)
{
	char why[128];
	if (mkdir(LOCK_DIR, 0700) && errno != EEXIST)
		return -1;
	if (dir_refused(LOCK_DIR, why, sizeof(why))) {
		fprintf(stderr, "memmon %s: %s: %s: stale watch lists are not cleaned up\n", cmd,
			LOCK_DIR, why);
		return -1;
	}
	uint64_t h = 1469598103934665603ULL; /* FNV-1a of the pin's path */
	for (const char *c = path; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	char lock[64];
	snprintf(lock, sizeof(lock), LOCK_DIR "/watch-%016llx.lock", (unsigned long long)h);
	return open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
}

int watch_pin_claim(struct watch_pin *wp, const char *path, const char *cmd)
{
	char dir[PATH_MAX], why[128];
	wp->lock_fd = -1;
	wp->path = path;
	if (!in_bpffs(path)) {
		fprintf(stderr, "memmon %s: --map %s is not in a BPF filesystem (bpffs, as "
				"/sys/fs/bpf): the watch list cannot be pinned there\n", cmd, path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			fprintf(stderr, "memmon %s: cannot create %s: %s\n", cmd, dir, strerror(errno));
			return -1;
		}
		if (dir_refused(dir, why, sizeof(why))) {
			fprintf(stderr, "memmon %s: refusing the watch list in %s: %s (remove it, or "
					"give --map elsewhere)\n", cmd, dir, why);
			return -1;
		}
	}
	wp->lock_fd = open_lock(path, cmd);
	if (wp->lock_fd < 0)
		return 0;
	if (flock(wp->lock_fd, LOCK_EX | LOCK_NB) == 0) {
		/* no live session holds it: a pin there is a killed session's, with dead pids */
		if (is_watch_list(path) && unlink(path) == 0)
			fprintf(stderr, "memmon %s: removed the stale watch list %s (its session "
					"ended without cleaning up)\n", cmd, path);
		flock(wp->lock_fd, LOCK_SH);
	} else {
		flock(wp->lock_fd, LOCK_SH); /* waits while a last session unpins */
	}
	return 0;
}

void watch_pin_release(struct watch_pin *wp, bool used, bool created)
{
	if (!wp->path)
		return;
	/* the last session out unpins; without the lock, the one that pinned it */
	bool last = wp->lock_fd >= 0 ? flock(wp->lock_fd, LOCK_EX | LOCK_NB) == 0 : created;
	if (used && last) {
		unlink(wp->path);
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", wp->path);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			rmdir(dir); /* only if empty: other lists may be pinned there */
		}
	}
	if (wp->lock_fd >= 0)
		close(wp->lock_fd);
	wp->lock_fd = -1;
	wp->path = NULL;
}
