/* Faults in anonymous memory as fast as it can: maps SIZE bytes (default 512M; 4k, 1M, 2G
 * suffixes), opts out of transparent huge pages so every 4 KiB page faults once, writes
 * one byte per page, and prints "pages N ns_per_fault X" to stderr (time of the touch loop
 * only). Optional argv[2]: seconds to wait before mapping (prints "ready" first). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long long size = argc > 1 ? strtoull(argv[1], &end, 10) : 512ULL << 20;
	if (argc > 1)
		switch (*end) {
		case 'k': case 'K': size <<= 10; break;
		case 'm': case 'M': size <<= 20; break;
		case 'g': case 'G': size <<= 30; break;
		}
	if (argc > 2) {
		fprintf(stderr, "ready\n");
		usleep((useconds_t)(atof(argv[2]) * 1e6));
	}
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(p, size, MADV_NOHUGEPAGE);
	unsigned long long pages = size / 4096;
	double t0 = now();
	for (unsigned long long i = 0; i < pages; i++)
		((volatile char *)p)[i * 4096] = 1;
	double t1 = now();
	fprintf(stderr, "pages %llu ns_per_fault %.1f\n", pages, (t1 - t0) / pages);
	return 0;
}
