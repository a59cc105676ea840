/* Page-cache pressure: writes FILE (MIB MiB), drops it from the cache, then reads it PASSES
 * times. Inside a memory cgroup smaller than the file every read pass makes the task reclaim
 * the cgroup's page cache itself. With GOFILE it creates GOFILE.ready once the file is
 * written and waits for GOFILE to exist before reading, so tracers can attach to it by pid
 * in a quiet moment. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1 << 20)
static char buf[CHUNK];

static void write_file(const char *path, long mib)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	memset(buf, 'x', sizeof(buf));
	for (long i = 0; i < mib; i++)
		if (write(fd, buf, CHUNK) != CHUNK) {
			perror("write");
			exit(1);
		}
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

static long long read_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	long long total = 0;
	ssize_t n;
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	while ((n = read(fd, buf, CHUNK)) > 0)
		total += n;
	close(fd);
	return total;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: pagecache_churn FILE MIB PASSES [GOFILE]\n");
		return 2;
	}
	long mib = atol(argv[2]), passes = atol(argv[3]);
	write_file(argv[1], mib);
	if (argc > 4) {
		char ready[4096];
		snprintf(ready, sizeof(ready), "%s.ready", argv[4]);
		close(open(ready, O_WRONLY | O_CREAT, 0600));
	}
	if (argc > 4)
		while (access(argv[4], F_OK) != 0)
			usleep(10000);
	long long total = 0;
	for (long p = 0; p < passes; p++)
		total += read_file(argv[1]);
	printf("read %lld bytes\n", total);
	return 0;
}
