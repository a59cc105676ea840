/* Leaks exactly 100 blocks of 4096 bytes from leak_pages(); frees everything else.
 * Usage: leak_fixed [SLEEP_SECONDS]: sleep before and after, for attaching with -p. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *volatile sink;

__attribute__((noinline)) static void leak_pages(void)
{
	for (int i = 0; i < 100; i++) {
		char *p = malloc(4096); /* LEAK_LINE */
		memset(p, 1, 4096);
		sink = p;
	}
}

__attribute__((noinline)) static void churn(void)
{
	for (int i = 0; i < 1000; i++) {
		void *a = malloc(64 + i);
		void *b = calloc(3, 100);
		void *c = realloc(NULL, 200);
		c = realloc(c, 50000);
		void *d = NULL;
		if (posix_memalign(&d, 64, 1000))
			abort();
		void *e = aligned_alloc(256, 512);
		free(a);
		free(b);
		free(c);
		free(d);
		free(e);
	}
}

int main(int argc, char **argv)
{
	int pause_s = argc > 1 ? atoi(argv[1]) : 0;
	sleep(pause_s);
	churn();
	leak_pages();
	churn();
	sleep(pause_s);
	return 0;
}
