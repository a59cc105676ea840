/* Built -O2 without frame pointers: four call sites allocate (and free at once) known
 * amounts in blocks of one size each, for the sampling tests:
 * small_blocks S MiB in 64-byte blocks, page_blocks P MiB in 4 KiB blocks,
 * big_blocks B MiB in 1 MiB blocks, few_blocks F MiB in 100-byte blocks.
 * Usage: heap_sizes [S P B F [wait]] (default 1024 512 256 8); "wait" waits for SIGUSR1
 * first (memmon heap -p attaches meanwhile). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *volatile sink;

/* each site its own loop (a shared helper would be one stack, reached by tail calls) */
#define BLOCKS(size, total)                                              \
	for (size_t done = 0; done + (size) <= (total); done += (size)) { \
		char *p = malloc(size);                                  \
		p[0] = 1;                                                \
		sink = p;                                                \
		free(p);                                                 \
	}

__attribute__((noinline)) void small_blocks(size_t mib) { BLOCKS(64, mib << 20) }
__attribute__((noinline)) void page_blocks(size_t mib) { BLOCKS(4096, mib << 20) }
__attribute__((noinline)) void big_blocks(size_t mib) { BLOCKS(1ul << 20, mib << 20) }
__attribute__((noinline)) void few_blocks(size_t mib) { BLOCKS(100, mib << 20) }

int main(int argc, char **argv)
{
	size_t mib[4] = { 1024, 512, 256, 8 };
	for (int i = 0; i < 4 && i + 1 < argc; i++)
		mib[i] = strtoul(argv[i + 1], NULL, 10);
	if (argc > 5 && !strcmp(argv[5], "wait")) {
		sigset_t usr1;
		int sig;
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		printf("ready\n");
		fflush(stdout);
		sigwait(&usr1, &sig);
	}
	small_blocks(mib[0]);
	page_blocks(mib[1]);
	big_blocks(mib[2]);
	few_blocks(mib[3]);
	sink = NULL;
	return 0;
}
