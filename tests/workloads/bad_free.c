/* Usage: bad_free double|invalid. A double free (glibc then aborts) or a free of a
 * pointer no allocator returned. */
#include <stdlib.h>
#include <string.h>

/* The invalid free is the point of this program. */
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"

char *volatile keep;

__attribute__((noinline)) static char *make_buffer(void)
{
	return malloc(48); /* ALLOC_LINE */
}

__attribute__((noinline)) static void release_first(char *p)
{
	free(p); /* FIRST_FREE_LINE */
}

__attribute__((noinline)) static void release_again(char *p)
{
	free(p); /* SECOND_FREE_LINE */
}

__attribute__((noinline)) static void release_bogus(char *p)
{
	free(p + 32); /* INVALID_FREE_LINE */
}

int main(int argc, char **argv)
{
	char *p = make_buffer();
	keep = p;
	if (argc > 1 && strcmp(argv[1], "invalid") == 0) {
		release_bogus(p);
		return 0;
	}
	release_first(p);
	release_again(p);
	return 0;
}
