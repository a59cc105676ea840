/* Holds a known amount of anonymous memory, for the cgroups, oom --rank, KSM and zram tests.
 * usage: mem_hold anon|ksm|text MIB
 *   anon: MIB of private anonymous memory, every page different (nothing to merge)
 *   ksm:  two regions of MIB each with the same contents (page i alike in both, pages within
 *         a region different), both MADV_MERGEABLE: KSM can merge MIB of pages
 *   text: MIB of compressible pages (repeated words), every page different
 * Prints "ready PID" once everything is touched, then sleeps until killed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static char *region(size_t bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* Page i: its number in every 8-byte word (different pages, same in every region). */
static void fill_numbered(char *p, size_t bytes)
{
	for (size_t off = 0; off < bytes; off += sizeof(unsigned long))
		*(unsigned long *)(p + off) = off / PAGE + 1;
}

/* Page i: "page i of memmon's compressible text " repeated. */
static void fill_text(char *p, size_t bytes)
{
	for (size_t pg = 0; pg < bytes / PAGE; pg++) {
		char word[64];
		int n = snprintf(word, sizeof(word), "page %zu of memmon's compressible text ", pg);
		for (size_t off = 0; off < PAGE; off++)
			p[pg * PAGE + off] = word[off % (size_t)n];
	}
}

int main(int argc, char **argv)
{
	if (argc != 3 || atol(argv[2]) <= 0) {
		fprintf(stderr, "usage: mem_hold anon|ksm|text MIB\n");
		return 2;
	}
	size_t bytes = (size_t)atol(argv[2]) << 20;
	if (!strcmp(argv[1], "anon")) {
		fill_numbered(region(bytes), bytes);
	} else if (!strcmp(argv[1], "ksm")) {
		char *a = region(bytes), *b = region(bytes);
		fill_numbered(a, bytes);
		fill_numbered(b, bytes);
		if (madvise(a, bytes, MADV_MERGEABLE) || madvise(b, bytes, MADV_MERGEABLE)) {
			perror("madvise(MADV_MERGEABLE)");
			return 1;
		}
	} else if (!strcmp(argv[1], "text")) {
		fill_text(region(bytes), bytes);
	} else {
		fprintf(stderr, "mem_hold: unknown kind '%s'\n", argv[1]);
		return 2;
	}
	printf("ready %d\n", getpid());
	fflush(stdout);
	for (;;)
		pause();
}
