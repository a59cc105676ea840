/* Faults in MIB MiB of fresh anonymous memory ROUNDS times (mmap, write every page,
 * munmap), then prints the number of pages it faulted: at least that many page faults.
 * usage: proc_faulter MIB ROUNDS */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	size_t bytes = (size_t)atol(argv[1]) << 20;
	long rounds = atol(argv[2]), pages = 0;
	for (long r = 0; r < rounds; r++) {
		/* MAP_POPULATE off and no THP: one fault per 4 kB page. */
		char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		madvise(p, bytes, MADV_NOHUGEPAGE);
		for (size_t off = 0; off < bytes; off += 4096, pages++)
			p[off] = 1;
		munmap(p, bytes);
	}
	printf("%ld\n", pages);
	return 0;
}
