/* Benchmark workload for memory bounds: SITES distinct allocation stacks (a site's number
 * picks, bit by bit, one of two functions at each of 14 levels), each making PER
 * allocations of 64 bytes that it frees at once but the last one, which it keeps: SITES x
 * PER allocations, SITES blocks leaked. Prints its own peak RSS (VmHWM, kB) at the end, so
 * a preload library's memory in the program counts.
 * usage: many_sites [SITES [PER]]   (default 10000 x 1000: 10 million allocations) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEVELS 14

static void *volatile sink;
static volatile long depth_sum;

__attribute__((noinline)) static void allocate(long per)
{
	for (long i = 0; i < per; i++) {
		void *p = malloc(64);
		if (i + 1 < per)
			free(p);
		else
			sink = p; /* the site's one leaked block */
	}
}

static void level_a(int level, unsigned site, long per);
static void level_b(int level, unsigned site, long per);

/* Each level does work after its call, so no call becomes a tail jump at -O2. */
__attribute__((noinline)) static void level_a(int level, unsigned site, long per)
{
	if (level == LEVELS)
		allocate(per);
	else if (site >> level & 1)
		level_b(level + 1, site, per);
	else
		level_a(level + 1, site, per);
	depth_sum += level;
}

__attribute__((noinline)) static void level_b(int level, unsigned site, long per)
{
	if (level == LEVELS)
		allocate(per);
	else if (site >> level & 1)
		level_b(level + 1, site, per);
	else
		level_a(level + 1, site, per);
	depth_sum += level + 1;
}

static long vm_hwm_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	unsigned sites = argc > 1 ? (unsigned)atol(argv[1]) : 10000;
	long per = argc > 2 ? atol(argv[2]) : 1000;
	if (sites > 1u << LEVELS || per < 1)
		return 2;
	for (unsigned s = 0; s < sites; s++)
		level_a(0, s, per);
	printf("vm_hwm_kb %ld\n", vm_hwm_kb());
	return 0;
}
