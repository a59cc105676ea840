/* Thousands of distinct user stacks with known counts, for the stack store's test: a
 * binary recursion of DEPTH levels takes one of two call sites per level, so each of the
 * 2^DEPTH paths reaches leaf() through its own stack. Path p (bit i: the call site of the
 * i-th walk() frame from main's, 1 = MANY_LINE_ONE) acts 1 + p % 3 times there:
 *   many_stacks leak DEPTH    mallocs 16 + p bytes each time and keeps the blocks
 *   many_stacks faults DEPTH  writes one fresh page of an anonymous mapping each time
 * Built -O0 with frame pointers (see the Makefile) so each call site is its own return
 * address and the frame-pointer walk sees every level. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static int faults_mode;
static char *pages;  /* faults: the next fresh page */
static void **blocks; /* leak: what was allocated, kept reachable */
static long nblocks;

static long times_of(unsigned path)
{
	return 1 + path % 3;
}

static void __attribute__((noinline)) leaf(unsigned path)
{
	for (long i = 0; i < times_of(path); i++) {
		if (faults_mode) {
			pages[0] = 1; /* MANY_LINE_TOUCH */
			pages += 4096;
		} else {
			blocks[nblocks++] = malloc(16 + path); /* MANY_LINE_MALLOC */
		}
	}
}

static void __attribute__((noinline)) walk(int level, unsigned path, unsigned rest)
{
	if (level == 0) {
		leaf(path);
		return;
	}
	if (rest & 1)
		walk(level - 1, path, rest >> 1); /* MANY_LINE_ONE */
	else
		walk(level - 1, path, rest >> 1); /* MANY_LINE_ZERO */
}

/* Faults the stack pages the walk will use, so only leaf's writes fault under walk(). */
static void __attribute__((noinline)) warm_stack(void)
{
	volatile char pad[64 * 1024];
	memset((char *)pad, 0, sizeof(pad));
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "leak") && strcmp(argv[1], "faults"))) {
		fprintf(stderr, "usage: many_stacks leak|faults DEPTH\n");
		return 2;
	}
	faults_mode = !strcmp(argv[1], "faults");
	int depth = atoi(argv[2]);
	unsigned paths = 1u << depth;
	long total = 0;
	for (unsigned p = 0; p < paths; p++)
		total += times_of(p);
	blocks = calloc(total, sizeof(*blocks));
	pages = mmap(NULL, total * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!blocks || pages == MAP_FAILED)
		return 1;
	madvise(pages, total * 4096, MADV_NOHUGEPAGE); /* one fault per page */
	warm_stack();
	for (unsigned p = 0; p < paths; p++)
		walk(depth, p, p);
	printf("paths %u actions %ld\n", paths, total);
	return 0;
}
