/* Allocation-heavy benchmark workload: N malloc/free pairs of mixed sizes, with up to 64
 * blocks live at once (alloc_loop.h). Prints the CPU nanoseconds per pair measured around
 * the loop only, so tracer start-up does not count. Usage: alloc_pairs [N] */
#include "alloc_loop.h"
#include <stdio.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 300000;
	printf("%.1f\n", alloc_pairs_ns(n));
	return 0;
}
