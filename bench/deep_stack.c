/* Benchmark workload for stack walking: the work runs at the bottom of a 15-frame stack
 * (main, 13 levels of descend, then the worker), built both with frame pointers and, as
 * distributions build, -O2 without. Prints the CPU nanoseconds (user + kernel, so the
 * probes' cost counts) per unit of work, measured around the work only.
 *   deep_stack pairs N          N malloc/free pairs
 *   deep_stack faults N ROUNDS  first-touch faults of N anonymous pages, ROUNDS times */
#include "alloc_loop.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define DEPTH 13

static volatile long sink;

__attribute__((noinline)) static double pairs(long n)
{
	return alloc_pairs_ns(n);
}

__attribute__((noinline)) static double faults(long pages, long rounds)
{
	size_t len = (size_t)pages * 4096;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(1);
	madvise(p, len, MADV_NOHUGEPAGE);
	double t0 = cpu_ns();
	for (long r = 0; r < rounds; r++) {
		for (size_t off = 0; off < len; off += 4096)
			p[off] = 1;
		madvise(p, len, MADV_DONTNEED);
	}
	return (cpu_ns() - t0) / (pages * rounds);
}

/* Each level does work after its call, so no call becomes a tail jump. */
__attribute__((noinline)) static double descend(int depth, int mode, long a, long b)
{
	double r = depth ? descend(depth - 1, mode, a, b) : mode ? faults(a, b) : pairs(a);
	sink += depth;
	return r;
}

int main(int argc, char **argv)
{
	int mode = argc > 1 && !strcmp(argv[1], "faults");
	long a = argc > 2 ? atol(argv[2]) : (mode ? 16384 : 300000);
	long b = argc > 3 ? atol(argv[3]) : 10;
	printf("%.1f\n", descend(DEPTH, mode, a, b));
	return 0;
}
