#include "core/launch_cgroup.h"
#include "proc/cgroup_mounts.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* memmon's own cgroup in the v2 hierarchy: the "0::PATH" line of /proc/self/cgroup. */
static bool own_v2_path(char *out, size_t n)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return false;
	char line[1024];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		found = snprintf(out, n, "%s", line + 3) < (int)n && out[0] == '/';
	}
	fclose(f);
	return found;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	int rc = write(fd, text, len) == (ssize_t)len ? 0 : -errno;
	close(fd);
	return rc;
}

bool launch_cgroup_enter(struct launch_cgroup *cg, pid_t pid)
{
	cg->dir[0] = '\0';
	struct cgroup_mounts m;
	char own[400];
	if (cgroup_mounts_read(&m) || !m.v2[0] || !own_v2_path(own, sizeof(own)))
		return false;
	char dir[sizeof(cg->dir)];
	const char *sep = strcmp(own, "/") ? "/" : "";
	if (snprintf(dir, sizeof(dir), "%s%s%smemmon-launch-%d", m.v2, own, sep, (int)getpid()) >=
	    (int)sizeof(dir))
		return false;
	/* a cgroup left by an earlier memmon of the same pid that was killed with its
	 * reaper: empty by now, or mkdir fails below */
	rmdir(dir);
	if (mkdir(dir, 0700))
		return false;
	char text[24];
	snprintf(text, sizeof(text), "%d\n", (int)pid);
	if (write_file(dir, "cgroup.procs", text)) {
		rmdir(dir);
		return false;
	}
	memcpy(cg->dir, dir, sizeof(dir));
	return true;
}

/* Every pid in cgroup.procs SIGKILLed once; the number of them. */
static int kill_listed(const char *dir)
{
	char path[600], buf[4096];
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	int n = 0;
	ssize_t got;
	char carry[16];
	size_t nc = 0;
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] != '\n') {
				if (nc < sizeof(carry) - 1)
					carry[nc++] = buf[i];
				continue;
			}
			carry[nc] = '\0';
			long p = strtol(carry, NULL, 10);
			nc = 0;
			if (p > 0 && kill((pid_t)p, SIGKILL) == 0)
				n++;
		}
	}
	close(fd);
	return n;
}

void launch_cgroup_kill(const struct launch_cgroup *cg)
{
	if (!cg->dir[0])
		return;
	if (write_file(cg->dir, "cgroup.kill", "1") == 0)
		return;
	/* before 5.14: one pid at a time, again while a fork slips in between */
	for (int i = 0; i < 100 && kill_listed(cg->dir); i++)
		;
}

bool launch_cgroup_remove(struct launch_cgroup *cg, int wait_ms)
{
	if (!cg->dir[0])
		return true;
	launch_cgroup_kill(cg);
	/* rmdir is refused (EBUSY) until the killed processes are reaped: by their parent,
	 * or by init for those that left theirs, which can take a while */
	for (int ms = 0; rmdir(cg->dir) && errno == EBUSY; ms += 5) {
		if (ms >= wait_ms)
			return false;
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (ms % 100 == 95)
			launch_cgroup_kill(cg);
	}
	cg->dir[0] = '\0';
	return true;
}
