/* Leaks N blocks of 32 bytes (default 3000) from leak_small(). */
#include <stdlib.h>

void *volatile sink;

__attribute__((noinline)) static void leak_small(int n)
{
	for (int i = 0; i < n; i++)
		sink = malloc(32);
}

int main(int argc, char **argv)
{
	leak_small(argc > 1 ? atoi(argv[1]) : 3000);
	return 0;
}
