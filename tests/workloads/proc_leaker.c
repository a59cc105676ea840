/* Leaks MIB MiB from the brk heap every PERIOD_MS milliseconds (on an absolute schedule,
 * so the rate is exact), STEPS times, then holds. With MIB=0 it holds steady from the start.
 * Prints "ready PID" on stderr. usage: proc_leaker MIB PERIOD_MS STEPS */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	size_t bytes = (size_t)atol(argv[1]) << 20;
	long period_ms = atol(argv[2]), steps = atol(argv[3]);
	/* Keep 1 MiB blocks on the brk heap, not in their own mmap, so [heap] grows too. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	char *base = malloc(256 << 10);
	memset(base, 1, 256 << 10);
	fprintf(stderr, "ready %d\n", getpid()); /* stderr: stdout may be memmon's JSON */
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long i = 0; bytes && i < steps; i++) {
		next.tv_nsec += period_ms * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		char *p = malloc(bytes);
		if (!p)
			return 1;
		memset(p, (int)i, bytes); /* touch it: leaked memory that is resident */
	}
	for (;;)
		pause();
}
