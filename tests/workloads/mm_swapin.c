/* Page faults of known classes that need system setup (done by the test):
 *   mm_swapin swap  - writes 64 anonymous pages, pushes them to swap with MADV_PAGEOUT,
 *                     counts the swapped ones in /proc/self/pagemap, then reads each page
 *                     back (a SWAP fault per swapped page) and checks its contents.
 *   mm_swapin huge  - maps 2 hugetlb pages of 2 MiB and writes one byte in each.
 * Prints "base ADDR swapped N" or "base ADDR" to stderr; exit 0 when the data is intact. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define PAGE 4096
#define NPAGES 64
#define HUGE (2UL << 20)

static int count_swapped(const char *base)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e[NPAGES];
	if (fd < 0 || pread(fd, e, sizeof(e), (uintptr_t)base / PAGE * 8) != sizeof(e))
		return -1;
	close(fd);
	int n = 0;
	for (int i = 0; i < NPAGES; i++)
		n += (e[i] >> 62) & 1; /* bit 62: page is in swap */
	return n;
}

static int swap_test(void)
{
	char *p = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (int i = 0; i < NPAGES; i++)
		memset(p + i * PAGE, i + 1, PAGE);
	if (madvise(p, NPAGES * PAGE, MADV_PAGEOUT))
		return 1;
	int swapped = count_swapped(p);
	fprintf(stderr, "base %p swapped %d\n", (void *)p, swapped);
	int bad = 0;
	for (int i = 0; i < NPAGES; i++)
		bad += ((volatile char *)p)[i * PAGE + 8] != (char)(i + 1);
	return bad ? 1 : 0;
}

static int huge_test(void)
{
	char *p = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap MAP_HUGETLB");
		return 1;
	}
	fprintf(stderr, "base %p\n", (void *)p);
	p[100] = 1;
	p[HUGE + 200] = 2;
	munmap(p, 2 * HUGE);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "swap"))
		return swap_test();
	if (argc > 1 && !strcmp(argv[1], "huge"))
		return huge_test();
	fprintf(stderr, "usage: mm_swapin swap|huge\n");
	return 2;
}
