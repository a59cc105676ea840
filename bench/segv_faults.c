/* Page-fault-heavy program for bench/segv.sh: touches 5 x 100000 fresh anonymous pages and
 * prints its CPU time per fault in nanoseconds. */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>

static double cpu_ns(void)
{
	struct rusage r;
	getrusage(RUSAGE_SELF, &r);
	return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e9 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1e3;
}

int main(void)
{
	const size_t pages = 100000, page = 4096;
	double start = cpu_ns();
	for (int round = 0; round < 5; round++) {
		char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		for (size_t i = 0; i < pages; i++)
			p[i * page] = 1;
		munmap(p, pages * page);
	}
	printf("%.1f\n", (cpu_ns() - start) / (5.0 * pages));
	return 0;
}
