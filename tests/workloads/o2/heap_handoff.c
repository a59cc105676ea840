/* Built -O2 without frame pointers: blocks change threads, and their addresses come back.
 * For R rounds (default 20): the main thread, alone, allocates N blocks of 64 bytes
 * (default 1000, FIRST_LINE); a new thread frees them all and exits; the main thread,
 * alone again, allocates N more (the same addresses, given back by the exited thread) and
 * frees them itself, all but the last round's, which it leaks (SECOND_LINE). Each free
 * must be merged after its allocation on the other thread and before the next allocation
 * at its address, across the library's switch between one thread and several. */
#include <pthread.h>
#include <stdlib.h>

#define MAX_BLOCKS 100000
static void *blocks[MAX_BLOCKS];
static int n;

__attribute__((noinline)) static void *free_all(void *arg)
{
	(void)arg;
	for (int i = 0; i < n; i++)
		free(blocks[i]);
	return NULL;
}

__attribute__((noinline)) static void first(void)
{
	for (int i = 0; i < n; i++)
		blocks[i] = malloc(64); /* FIRST_LINE */
}

__attribute__((noinline)) static void second(void)
{
	for (int i = n - 1; i >= 0; i--) /* not first's code: not folded into it */
		blocks[i] = malloc(64); /* SECOND_LINE */
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	n = argc > 2 ? atoi(argv[2]) : 1000;
	if (n < 0 || n > MAX_BLOCKS || rounds < 1)
		return 2;
	for (int r = 0; r < rounds; r++) {
		first();
		pthread_t t;
		if (pthread_create(&t, NULL, free_all, NULL) || pthread_join(t, NULL))
			return 1;
		second();
		if (r < rounds - 1)
			for (int i = 0; i < n; i++)
				free(blocks[i]);
	}
	return 0;
}
