/* Allocation-heavy benchmark workload: N malloc/free pairs of mixed sizes, with up to 64
 * blocks live at once. Prints the CPU nanoseconds (user + kernel, so uprobe handling counts) per pair measured around the loop only, so
 * tracer start-up does not count. Usage: alloc_pairs [N] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: robust to a busy machine */
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 300000;
	static void *live[64];
	unsigned x = 12345;
	double t0 = now();
	for (long i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		int slot = (x >> 8) & 63;
		free(live[slot]);
		live[slot] = malloc(16 + ((x >> 16) & 2047));
	}
	for (int i = 0; i < 64; i++)
		free(live[i]);
	double t1 = now();
	printf("%.1f\n", (t1 - t0) / n);
	return 0;
}
