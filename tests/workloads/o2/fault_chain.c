/* Built -O2 without frame pointers: glibc's memset, called from a 3-deep chain of the
 * program's own functions, touches N fresh anonymous pages (default 512) for the first
 * time: each page is one minor fault in memset, and every one must be attributed to
 * memset <- fill_buffer <- prepare <- run <- main. Prints "ready" then waits for a byte on
 * stdin before touching, so a tracer attached by pid sees every fault; with no stdin
 * (launched) it goes on at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile int keep;

__attribute__((noinline)) void fill_buffer(char *p, size_t len)
{
	memset(p, 0x5a, len); /* MEMSET_LINE */
	keep += p[len - 1];
}

__attribute__((noinline)) void prepare(char *p, size_t len)
{
	fill_buffer(p, len); /* PREPARE_LINE */
	keep += p[0];
}

__attribute__((noinline)) void run(size_t pages)
{
	size_t len = pages * 4096;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(1);
	prepare(p, len); /* RUN_LINE */
	keep += p[4096];
}

int main(int argc, char **argv)
{
	size_t pages = argc > 1 ? strtoul(argv[1], NULL, 10) : 512;
	/* Run memset once on memory already there, so its code is mapped in beforehand:
	 * then the chain's only faults are the buffer's pages. */
	static char warm[256];
	memset(warm, 1, 64 + (size_t)keep);
	if (argc > 2) {
		printf("ready\n");
		fflush(stdout);
		char c;
		if (read(0, &c, 1) < 0)
			return 1;
	}
	run(pages); /* MAIN_LINE */
	return keep == 12345;
}
