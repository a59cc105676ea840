/* Leaks 50 blocks of 1000 bytes (calloc) in a constructor, before main runs. */
#include <stdlib.h>

void *volatile sink;

__attribute__((noinline)) static void init_tables(void)
{
	for (int i = 0; i < 50; i++)
		sink = calloc(1, 1000); /* CTOR_LEAK_LINE */
}

__attribute__((constructor)) static void early_setup(void)
{
	init_tables();
}

int main(void)
{
	return 0;
}
