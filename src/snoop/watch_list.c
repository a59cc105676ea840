#include "snoop/watch_list.h"
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int watch_list_read(int fd, uint32_t *pids, int max, bool waiting)
{
	uint32_t key, next;
	void *prev = NULL;
	int n = 0;
	while (n < max && bpf_map_get_next_key(fd, prev, &next) == 0) {
		uint8_t state;
		/* an entry deleted meanwhile (its process exited) is not listed */
		if (bpf_map_lookup_elem(fd, &next, &state) == 0 && (state == TF_ACTIVE || waiting))
			pids[n++] = next;
		key = next;
		prev = &key;
	}
	qsort(pids, n, sizeof(*pids), cmp_u32);
	return n;
}

int watch_list_add(int fd, uint32_t pid)
{
	uint8_t active = TF_ACTIVE;
	return bpf_map_update_elem(fd, &pid, &active, BPF_ANY) ? -errno : 0;
}

void watch_list_session_path(pid_t pid, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s%d", SNOOP_WATCH_DIR, SNOOP_WATCH_SESSION_PREFIX, (int)pid);
}

/* The memmon pid of a session's pin name, or 0 when the name is no session's. */
static pid_t session_pid(const char *name)
{
	size_t plen = strlen(SNOOP_WATCH_SESSION_PREFIX);
	if (strncmp(name, SNOOP_WATCH_SESSION_PREFIX, plen))
		return 0;
	char *end;
	long pid = strtol(name + plen, &end, 10);
	return *end || pid <= 0 ? 0 : (pid_t)pid;
}

int watch_list_find_session(const char *cmd, char *buf, size_t n)
{
	DIR *d = opendir(SNOOP_WATCH_DIR);
	pid_t found[8];
	int nfound = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		pid_t pid = session_pid(de->d_name);
		/* a pin left by a memmon that died is no running session */
		if (pid && !(kill(pid, 0) && errno == ESRCH) && nfound < 8)
			found[nfound++] = pid;
	}
	if (d)
		closedir(d);
	if (nfound == 1) {
		watch_list_session_path(found[0], buf, n);
		return 0;
	}
	if (!nfound) {
		fprintf(stderr, "memmon %s: no running `memmon watch` (no watch list in %s): start "
				"one first, or name a shared list with --map\n", cmd, SNOOP_WATCH_DIR);
		return -ENOENT;
	}
	fprintf(stderr, "memmon %s: %d watch sessions are running; name one with --map:\n", cmd, nfound);
	for (int i = 0; i < nfound; i++) {
		watch_list_session_path(found[i], buf, n);
		fprintf(stderr, "  --map %s\n", buf);
	}
	return -EEXIST;
}
