/* The allocation loop two benchmark workloads share (alloc_pairs.c, deep_stack.c): n
 * malloc/free pairs of mixed sizes (16 to 2063 bytes), up to 64 blocks live at once, and
 * the CPU nanoseconds per pair it took (user + kernel, so a tracer's uprobe handling
 * counts; the thread's CPU time, so a busy machine does not). */
#ifndef MEMMON_BENCH_ALLOC_LOOP_H
#define MEMMON_BENCH_ALLOC_LOOP_H
#include <stdlib.h>
#include <time.h>

static double cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double alloc_pairs_ns(long n)
{
	static void *live[64];
	unsigned x = 12345;
	double t0 = cpu_ns();
	for (long i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		int slot = (x >> 8) & 63;
		free(live[slot]);
		live[slot] = malloc(16 + ((x >> 16) & 2047));
	}
	for (int i = 0; i < 64; i++)
		free(live[i]);
	return (cpu_ns() - t0) / n;
}

#endif
