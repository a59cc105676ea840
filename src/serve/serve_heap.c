#include "serve/serve_heap.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The children running, so the server's end can stop them. */
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t running[SERVE_HEAP_MAX_RUNNING];
static bool stopping; /* the server is ending: no new profile */

static int claim_slot(void)
{
	pthread_mutex_lock(&running_lock);
	int slot = stopping ? -2 : -1;
	for (int i = 0; i < SERVE_HEAP_MAX_RUNNING && slot == -1; i++)
		if (!running[i]) {
			running[i] = -1; /* claimed, not started yet */
			slot = i;
		}
	pthread_mutex_unlock(&running_lock);
	return slot;
}

static void set_slot(int slot, pid_t pid)
{
	pthread_mutex_lock(&running_lock);
	running[slot] = pid;
	if (stopping && pid > 0) /* started as the server's end asked the others to stop */
		kill(pid, SIGINT);
	pthread_mutex_unlock(&running_lock);
}

void serve_heap_stop_all(void)
{
	pthread_mutex_lock(&running_lock);
	stopping = true;
	for (int i = 0; i < SERVE_HEAP_MAX_RUNNING; i++)
		if (running[i] > 0)
			kill(running[i], SIGINT);
	pthread_mutex_unlock(&running_lock);
}

/* Starts the tracer with stderr into err_fd. The pid, or -errno. */
static pid_t spawn_leak(pid_t pid, int seconds, const char *out, int err_fd)
{
	char pid_s[16], secs_s[16];
	snprintf(pid_s, sizeof(pid_s), "%d", pid);
	snprintf(secs_s, sizeof(secs_s), "%d", seconds);
	char *argv[] = { "memmon", "leak", "-p", pid_s, "-d", secs_s, "-i", "0", "--pprof",
			 (char *)out, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0); /* the text report */
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	posix_spawnattr_init(&attr);
	/* the server's threads block every signal and ignore SIGPIPE: the tracer starts clean */
	sigset_t none, pipe;
	sigemptyset(&none);
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &pipe);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t child;
	int r = posix_spawn(&child, "/proc/self/exe", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return r ? -r : child;
}

/* Passes the tracer's messages on to the server's stderr until it closes its end; keeps
 * the last of them in tail (for the reply when it fails). */
static void relay_messages(int fd, char *tail, size_t n)
{
	size_t len = 0;
	char buf[1024];
	ssize_t got;
	tail[0] = '\0';
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		fwrite(buf, 1, (size_t)got, stderr);
		for (ssize_t i = 0; i < got; i++) {
			if (len + 1 >= n) { /* keep the newest: drop the oldest half */
				memmove(tail, tail + n / 2, len - n / 2);
				len -= n / 2;
			}
			tail[len++] = buf[i];
		}
		tail[len] = '\0';
	}
}

static int read_whole(const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return -ENODATA;
	}
	char *p = malloc((size_t)st.st_size);
	size_t done = 0;
	while (p && done < (size_t)st.st_size) {
		ssize_t r = read(fd, p + done, (size_t)st.st_size - done);
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	close(fd);
	if (!p || done != (size_t)st.st_size) {
		free(p);
		return -EIO;
	}
	*data = p;
	*len = done;
	return 0;
}

void serve_heap_profile(pid_t pid, int seconds, struct serve_reply *r)
{
	int slot = claim_slot();
	if (slot == -2) {
		serve_reply_text(r, 503, "the server is stopping\n");
		return;
	}
	if (slot < 0) {
		serve_reply_text(r, 503, "%d heap profiles are running already: try again later\n",
				 SERVE_HEAP_MAX_RUNNING);
		return;
	}
	char dir[] = "/tmp/memmon-serve-heap.XXXXXX", out[64];
	int pipefd[2] = { -1, -1 };
	if (!mkdtemp(dir)) {
		serve_reply_text(r, 500, "cannot make a directory in /tmp: %s\n", strerror(errno));
		set_slot(slot, 0);
		return;
	}
	snprintf(out, sizeof(out), "%s/heap.pb.gz", dir);
	pid_t child = -EMFILE;
	if (pipe2(pipefd, O_CLOEXEC) == 0)
		child = spawn_leak(pid, seconds, out, pipefd[1]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (child < 0) {
		serve_reply_text(r, 500, "cannot start the leak tracer: %s\n", strerror((int)-child));
	} else {
		set_slot(slot, child);
		fprintf(stderr, "memmon serve: heap profile of pid %d for %d s (memmon leak pid %d)\n",
			pid, seconds, child);
		char tail[1024];
		relay_messages(pipefd[0], tail, sizeof(tail));
		int status = 0;
		pid_t w;
		while ((w = waitpid(child, &status, 0)) < 0 && errno == EINTR)
			;
		char *data = NULL;
		size_t len = 0;
		if (w == child && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		    read_whole(out, &data, &len) == 0) {
			r->status = 200;
			r->content_type = "application/octet-stream";
			r->disposition = "attachment; filename=\"heap.pb.gz\"";
			r->body = data;
			r->len = len;
		} else {
			serve_reply_text(r, 500, "the leak tracer failed (%s %d):\n%s",
					 WIFEXITED(status) ? "exit status" : "signal",
					 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), tail);
		}
	}
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	unlink(out);
	rmdir(dir);
	set_slot(slot, 0);
}
