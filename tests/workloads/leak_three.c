/* Three leak sites with known totals, everything else freed: leak_small() 10 x 1000 bytes,
 * leak_medium() 5 x 20000 bytes, leak_large() 2 x 100000 bytes (all below malloc's mmap
 * threshold). The demo of the profile writers (--pprof, --folded, --flamegraph). */
#include <stdlib.h>
#include <string.h>

void *volatile sink;

/* each site calls malloc itself: the leaf frame of its stack */
__attribute__((noinline)) static void leak_small(void)
{
	for (int i = 0; i < 10; i++)
		sink = memset(malloc(1000), 7, 1000);
}

__attribute__((noinline)) static void leak_medium(void)
{
	for (int i = 0; i < 5; i++)
		sink = memset(malloc(20000), 7, 20000);
}

__attribute__((noinline)) static void leak_large(void)
{
	for (int i = 0; i < 2; i++)
		sink = memset(malloc(100000), 7, 100000);
}

int main(void)
{
	for (int i = 0; i < 100; i++)
		free(malloc(100 + i)); /* freed: in no profile */
	leak_small();
	leak_medium();
	leak_large();
	return 0;
}
