/* Allocates a known number of pages through a known kernel path and holds them.
 * usage: page_hold pipe|file N DONE_FILE [DATA_FILE]
 * Waits for SIGUSR1, then
 *   pipe: writes N pages of 4096 bytes into a pipe nobody reads (pipe_write allocates one
 *         page per write: a write never merges into a full page),
 *   file: writes N pages into the new file DATA_FILE (page cache: __filemap_get_folio),
 * creates DONE_FILE and waits for SIGTERM, holding the pages. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char page[4096];

static void write_pages(int fd, long n)
{
	for (long i = 0; i < n; i++) {
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) {
			perror("write");
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 4 || (strcmp(argv[1], "pipe") && strcmp(argv[1], "file")) ||
	    (!strcmp(argv[1], "file") && argc < 5)) {
		fprintf(stderr, "usage: page_hold pipe|file N DONE_FILE [DATA_FILE]\n");
		return 2;
	}
	long n = atol(argv[2]);
	memset(page, 'x', sizeof(page));
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int fds[2] = { -1, -1 }, fd = -1;
	if (!strcmp(argv[1], "pipe")) {
		if (pipe(fds) || fcntl(fds[1], F_SETPIPE_SZ, (int)(n * 4096)) < 0) {
			perror("pipe");
			return 1;
		}
	} else {
		fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0) {
			perror(argv[4]);
			return 1;
		}
	}
	int sig;
	sigwait(&set, &sig);
	if (sig == SIGTERM)
		return 0;
	write_pages(fd >= 0 ? fd : fds[1], n);
	int done = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	close(done);
	do
		sigwait(&set, &sig);
	while (sig != SIGTERM);
	return 0;
}
