/* Built -O2 without frame pointers: four call sites allocate (and free at once) known
 * amounts in blocks of one size each, for the sampling test:
 * small_blocks 1 GiB in 64-byte blocks, page_blocks 512 MiB in 4 KiB blocks,
 * big_blocks 256 MiB in 1 MiB blocks, few_blocks 8 MiB in 100-byte blocks. */
#include <stdlib.h>

void *volatile sink;

/* each site its own loop (a shared helper would be one stack, reached by tail calls) */
#define BLOCKS(size, total)                                              \
	for (size_t done = 0; done + (size) <= (total); done += (size)) { \
		char *p = malloc(size);                                  \
		p[0] = 1;                                                \
		sink = p;                                                \
		free(p);                                                 \
	}

__attribute__((noinline)) void small_blocks(void) { BLOCKS(64, 1ul << 30) }
__attribute__((noinline)) void page_blocks(void) { BLOCKS(4096, 512ul << 20) }
__attribute__((noinline)) void big_blocks(void) { BLOCKS(1ul << 20, 256ul << 20) }
__attribute__((noinline)) void few_blocks(void) { BLOCKS(100, 8ul << 20) }

int main(void)
{
	small_blocks();
	page_blocks();
	big_blocks();
	few_blocks();
	sink = NULL;
	return 0;
}
