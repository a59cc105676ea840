/* Anonymous mappings that munmap trims and splits and mremap grows, shrinks, moves and
 * copies, each allocated by a function of its own, so the test knows exactly what each
 * stack holds at exit (pages of 4096 bytes):
 *   split_middle    8 pages, 2 unmapped from the middle      6 pages in 2 allocations
 *   trim_tail       8 pages, the last 3 unmapped              5 pages
 *   pair_first/second  8 + 8 adjacent pages, one munmap from page 5 to 11 of the pair
 *                                                            5 pages each
 *   grow_in_place   4 pages grown in place to 10             10 pages
 *   grow_moving     4 pages grown to 12 with MREMAP_MAYMOVE  12 pages (moved)
 *   shrink          8 pages shrunk to 3                       3 pages
 *   move_fixed      4 pages moved onto fixed_victim's 4       4 pages; fixed_victim none
 *   dontunmap_source, dontunmap_copy: 4 pages copied with MREMAP_DONTUNMAP
 *                                                            4 pages each (copy: mremap)
 *   big_block, grow_big: malloc(200000) (mmapped by glibc) grown by realloc to 600000,
 *                        which glibc does with mremap    600000 bytes via realloc
 *   churn_move, churn_map: two threads mapping, moving and unmapping at once; every 10th
 *                          kept                          200 x 8 pages, 200 x 2 pages
 *   released        mapped and unmapped whole             nothing
 * Helpers find free address ranges with raw system calls, which memmon does not see. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#define PG 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define CHURN 2000

void *volatile sink[64];

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "leak_mremap: %s\n", what);
		exit(1);
	}
}

/* An address with len free bytes, found without memmon seeing it. */
static char *free_area(size_t len)
{
	char *p = (char *)syscall(SYS_mmap, NULL, len, PROT_NONE, ANON, -1, 0);
	check(p != MAP_FAILED, "raw mmap");
	syscall(SYS_munmap, p, len);
	return p;
}

static char *touched(char *p, size_t len)
{
	check(p != MAP_FAILED, "mmap");
	memset(p, 1, len);
	return p;
}

/* A macro, so that mmap's caller is the function the test names. */
#define map_at(where, len, flags) touched(mmap((where), (len), RW, ANON | (flags), -1, 0), (len))

__attribute__((noinline)) static void split_middle(void)
{
	char *p = map_at(NULL, 8 * PG, 0);
	check(munmap(p + 3 * PG, 2 * PG) == 0, "munmap middle");
	sink[0] = p;
}

__attribute__((noinline)) static void trim_tail(void)
{
	char *p = map_at(NULL, 8 * PG, 0);
	check(munmap(p + 5 * PG, 3 * PG) == 0, "munmap tail");
	sink[1] = p;
}

__attribute__((noinline)) static char *pair_first(char *at) { return map_at(at, 8 * PG, MAP_FIXED); }
__attribute__((noinline)) static char *pair_second(char *at) { return map_at(at, 8 * PG, MAP_FIXED); }

__attribute__((noinline)) static void unmap_across_pair(void)
{
	char *a = free_area(16 * PG);
	pair_first(a);
	pair_second(a + 8 * PG);
	check(munmap(a + 5 * PG, 6 * PG) == 0, "munmap across two mappings");
	sink[2] = a;
}

__attribute__((noinline)) static void grow_in_place(void)
{
	char *p = map_at(free_area(16 * PG), 4 * PG, 0);
	char *q = mremap(p, 4 * PG, 10 * PG, 0);
	check(q == p, "mremap in place");
	memset(q, 2, 10 * PG);
	sink[3] = q;
}

__attribute__((noinline)) static void grow_moving(void)
{
	char *p = map_at(free_area(16 * PG), 4 * PG, 0);
	/* a page right after it, so that it cannot grow where it is */
	char *block = (char *)syscall(SYS_mmap, p + 4 * PG, PG, RW, ANON | MAP_FIXED, -1, 0);
	check(block == p + 4 * PG, "raw mmap of the blocker");
	char *q = mremap(p, 4 * PG, 12 * PG, MREMAP_MAYMOVE);
	check(q != MAP_FAILED && q != p, "mremap moving");
	syscall(SYS_munmap, block, PG);
	sink[4] = q;
}

__attribute__((noinline)) static void shrink(void)
{
	char *p = map_at(NULL, 8 * PG, 0);
	char *q = mremap(p, 8 * PG, 3 * PG, 0);
	check(q == p, "mremap shrink");
	sink[5] = q;
}

__attribute__((noinline)) static char *fixed_victim(void) { return map_at(NULL, 4 * PG, 0); }

__attribute__((noinline)) static void move_fixed(void)
{
	char *p = map_at(NULL, 4 * PG, 0);
	char *target = fixed_victim();
	char *q = mremap(p, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	check(q == target, "mremap fixed");
	sink[6] = q;
}

__attribute__((noinline)) static char *dontunmap_source(void) { return map_at(NULL, 4 * PG, 0); }

__attribute__((noinline)) static char *dontunmap_copy(char *p)
{
	char *q = mremap(p, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	check(q != MAP_FAILED && q != p, "mremap dontunmap");
	return q;
}

__attribute__((noinline)) static char *big_block(void) { return malloc(200000); }

__attribute__((noinline)) static char *grow_big(char *p) { return realloc(p, 600000); }

__attribute__((noinline)) static void released(void)
{
	char *p = map_at(NULL, 6 * PG, 0);
	char *q = mremap(p, 6 * PG, 9 * PG, MREMAP_MAYMOVE);
	check(q != MAP_FAILED, "mremap released");
	check(munmap(q, 9 * PG) == 0, "munmap released");
}

__attribute__((noinline)) static void *churn_move(void *arg)
{
	for (int i = 0; i < CHURN; i++) {
		char *p = map_at(NULL, 4 * PG, 0);
		char *q = mremap(p, 4 * PG, 8 * PG, MREMAP_MAYMOVE);
		check(q != MAP_FAILED, "churn mremap");
		if (i % 10)
			munmap(q, 8 * PG);
	}
	return NULL;
}

__attribute__((noinline)) static void *churn_map(void *arg)
{
	for (int i = 0; i < CHURN; i++) {
		char *p = map_at(NULL, 2 * PG, 0);
		if (i % 10)
			munmap(p, 2 * PG);
	}
	return NULL;
}

int main(void)
{
	check(sysconf(_SC_PAGESIZE) == (long)PG, "page size is not 4096");
	split_middle();
	trim_tail();
	unmap_across_pair();
	grow_in_place();
	grow_moving();
	shrink();
	move_fixed();
	char *src = dontunmap_source();
	sink[7] = dontunmap_copy(src);
	sink[8] = src;
	char *big = big_block();
	check(big != NULL, "malloc");
	memset(big, 3, 200000);
	sink[9] = grow_big(big);
	check(sink[9] != NULL, "realloc");
	released();
	pthread_t t1, t2;
	pthread_create(&t1, NULL, churn_move, NULL);
	pthread_create(&t2, NULL, churn_map, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}
