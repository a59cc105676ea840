/* Page faults of known classes that need system setup (done by the test):
 *   mm_swapin swap  - writes 64 anonymous pages, pushes them to swap with MADV_PAGEOUT,
 *                     counts the swapped ones in /proc/self/pagemap, then reads each page
 *                     back (a SWAP fault per swapped page) and checks its contents.
 *   mm_swapin huge  - maps 2 hugetlb pages of 2 MiB and writes one byte in each.
 *   mm_swapin pressure MIB - run in a small memory cgroup: writes MIB MiB of anonymous
 *                     memory (the limit pushes the oldest pages to swap), counts the pages
 *                     in swap, then reads every page back and checks its contents.
 * Prints "base ADDR swapped N" or "base ADDR" to stderr; exit 0 when the data is intact. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

static int pressure_test(long mib)
{
	long n = mib * 256;
	char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	madvise(p, n * PAGE, MADV_NOHUGEPAGE);
	for (long i = 0; i < n; i++)
		memset(p + i * PAGE, (int)(i % 251) + 1, PAGE);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	long swapped = 0;
	for (long i = 0; fd >= 0 && i < n; i++) {
		uint64_t e;
		if (pread(fd, &e, 8, ((uintptr_t)p / PAGE + i) * 8) == 8)
			swapped += (e >> 62) & 1;
	}
	fprintf(stderr, "base %p pages %ld swapped %ld\n", (void *)p, n, swapped);
	int bad = 0;
	for (long i = 0; i < n; i++)
		bad += ((volatile char *)p)[i * PAGE + 8] != (char)((i % 251) + 1);
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
	if (argc > 2 && !strcmp(argv[1], "pressure"))
		return pressure_test(atol(argv[2]));
	fprintf(stderr, "usage: mm_swapin swap|huge|pressure MIB\n");
	return 2;
}
