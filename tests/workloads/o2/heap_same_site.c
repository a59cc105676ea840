/* Built -O2 without frame pointers: one malloc call site reached from two callers with
 * the same frame size, called in turn from the same loop, so each walk starts at the same
 * ip and sp and only a return address further up tells them apart (the preload library's
 * walk cache must see that), in turn. via_a leaks N blocks of 24 bytes, via_b N blocks of 40
 * (default 1000 each). Line markers: SITE_LINE, A_LINE, B_LINE, MAIN_LINE. */
#include <stdlib.h>

void *volatile sink;
void *volatile kept[2][100000]; /* read by no one: volatile keeps the stores */

__attribute__((noinline)) void *alloc_here(size_t n)
{
	void *p = malloc(n); /* SITE_LINE */
	sink = p;            /* no tail call: alloc_here stays a frame */
	return p;
}

__attribute__((noinline)) void via_a(int i)
{
	kept[0][i] = alloc_here(24); /* A_LINE */
}

__attribute__((noinline)) void via_b(int i)
{
	kept[1][i] = alloc_here(40); /* B_LINE */
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	if (n < 0 || n > 100000)
		return 2;
	for (int i = 0; i < 2 * n; i++) {
		void (*volatile f)(int) = i % 2 ? via_b : via_a; /* one call site for both */
		f(i / 2); /* MAIN_LINE */
	}
	return 0;
}
