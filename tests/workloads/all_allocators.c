/* Leaks one block from each allocator function, each from its own function, with sizes the
 * test knows; allocates and releases more that must not be reported. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *volatile sink;

__attribute__((noinline)) static void via_malloc(void) { sink = malloc(11); }
__attribute__((noinline)) static void via_calloc(void) { sink = calloc(3, 7); }
__attribute__((noinline)) static void via_realloc_null(void) { sink = realloc(NULL, 33); }
__attribute__((noinline)) static void via_realloc_grow(void)
{
	char *p = malloc(16);
	sink = realloc(p, 1 << 20); /* moves: old block freed, new one leaked */
}
__attribute__((noinline)) static void via_reallocarray(void) { sink = reallocarray(NULL, 5, 9); }
__attribute__((noinline)) static void via_posix_memalign(void)
{
	void *p;
	if (posix_memalign(&p, 64, 100) == 0)
		sink = p;
}
__attribute__((noinline)) static void via_aligned_alloc(void) { sink = aligned_alloc(64, 128); }
__attribute__((noinline)) static void via_memalign(void) { sink = memalign(32, 96); }
__attribute__((noinline)) static void via_valloc(void) { sink = valloc(200); }
__attribute__((noinline)) static void via_pvalloc(void) { sink = pvalloc(100); }
__attribute__((noinline)) static void via_mmap(void)
{
	sink = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}
__attribute__((noinline)) static void released(void)
{
	void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m, 8192);
	char *p = realloc(NULL, 10);
	p = realloc(p, 100000);
	p = realloc(p, 0); /* frees */
	free(p);
	void *q = malloc(1 << 21); /* mmapped by malloc itself: counted once */
	free(q);
}

int main(void)
{
	via_malloc();
	via_calloc();
	via_realloc_null();
	via_realloc_grow();
	via_reallocarray();
	via_posix_memalign();
	via_aligned_alloc();
	via_memalign();
	via_valloc();
	via_pvalloc();
	via_mmap();
	released();
	return 0;
}
