/* Built -O2 without frame pointers: one call site leaks N blocks of 16 bytes in a loop
 * (default 10000). A frame-pointer walk through this code reads a different garbage frame
 * each time and splits the one site into thousands of "stacks"; every leak must land in one
 * row. */
#include <stdlib.h>

void *volatile sink;

__attribute__((noinline)) void leak_records(int n)
{
	for (int i = 0; i < n; i++) {
		long *r = malloc(16); /* LOOP_LINE */
		r[0] = i;
		sink = r;
	}
}

int main(int argc, char **argv)
{
	leak_records(argc > 1 ? atoi(argv[1]) : 10000); /* MAIN_LINE */
	return 0;
}
