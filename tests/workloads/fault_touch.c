/* Page-fault workload for `memmon faults` tests: faults a known number of pages at known
 * source lines, and prints the faults the kernel counted for it (getrusage) around each
 * step, so tests compare memmon with the process's own numbers.
 *   fault_touch anon N [ROUNDS]       touch N pages of a fresh anonymous mapping; then
 *                                     ROUNDS times drop and touch them again, timed
 *   fault_touch file PATH K STRIDE [cold]  read K pages (every STRIDE-th) of a mapped
 *                                     file; cold: drop its page cache first
 *   fault_touch hugetlb N [FILE]      touch N huge pages of a MAP_HUGETLB mapping, or of
 *                                     FILE on a hugetlbfs mount
 *   fault_touch kread N               read(2) N pages from /dev/zero into a fresh anonymous
 *                                     mapping: the kernel takes the faults (copy to user)
 *   fault_touch swap N                write N pages, then read them back (in a small memory
 *                                     cgroup the read-back swaps them in)
 *   fault_touch stack N               write N pages (N <= 8) of its own stack, 64 KiB and
 *                                     more below main's frame, then N pages of fresh heap (brk)
 * With FAULT_TOUCH_WAIT=1 it prints "ready" and waits for SIGUSR1 before the measured step
 * (for tests that attach with -p). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long page;

static void faults_now(long *minflt, long *majflt)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	*minflt = ru.ru_minflt;
	*majflt = ru.ru_majflt;
}

static void __attribute__((noinline)) touch_anon_pages(char *p, long n)
{
	for (long i = 0; i < n; i++)
		p[i * page] = 1; /* FAULT_LINE_ANON */
}

static long __attribute__((noinline)) read_file_pages(const volatile char *p, long k, long stride)
{
	long sum = 0;
	for (long i = 0; i < k; i++)
		sum += p[i * stride * page]; /* FAULT_LINE_FILE */
	return sum;
}

static void __attribute__((noinline)) read_into_pages(char *p, long n)
{
	int fd = open("/dev/zero", O_RDONLY);
	if (fd < 0 || read(fd, p, n * page) != n * page) /* FAULT_LINE_KREAD */
		perror("read /dev/zero");
	close(fd);
}

static void __attribute__((noinline)) touch_huge_pages(char *p, long n, long huge)
{
	for (long i = 0; i < n; i++)
		p[i * huge] = 1; /* FAULT_LINE_HUGETLB */
}

static long __attribute__((noinline)) read_back_pages(const volatile char *p, long n)
{
	long sum = 0;
	for (long i = 0; i < n; i++)
		sum += p[i * page]; /* FAULT_LINE_SWAPIN */
	return sum;
}

static volatile sig_atomic_t resumed;
static void on_usr1(int sig) { (void)sig; resumed = 1; }

static void wait_if_asked(void)
{
	const char *w = getenv("FAULT_TOUCH_WAIT");
	if (!w || strcmp(w, "1"))
		return;
	printf("ready\n");
	fflush(stdout);
	while (!resumed)
		pause();
}

/* The stack mapping reaches 128 KiB below the arguments from exec on, but only the pages
 * used so far are present. The bottom 8 pages of this frame, 64 to 96 KiB below main's,
 * are deeper than the loader and libc's start-up ever went: each page written faults once
 * (the first one at the store of n, which the compiler puts at the frame's bottom). */
static long __attribute__((noinline)) touch_stack_pages(long n)
{
	volatile char buf[24 * 4096];
	for (long i = 0; i < n; i++)
		buf[i * page] = 1;
	return buf[0];
}

static int usage(void)
{
	fprintf(stderr, "usage: fault_touch anon N [ROUNDS] | file PATH K STRIDE [cold] | kread N | hugetlb N [FILE] | swap N | stack N\n");
	return 2;
}

int main(int argc, char **argv)
{
	long mn0, mj0, mn1, mj1;
	page = sysconf(_SC_PAGESIZE);
	signal(SIGUSR1, on_usr1);
	if (argc >= 3 && !strcmp(argv[1], "anon")) {
		long n = atol(argv[2]);
		char *p = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return perror("mmap"), 1;
		madvise(p, n * page, MADV_NOHUGEPAGE); /* one fault per 4 KiB page */
		wait_if_asked();
		faults_now(&mn0, &mj0);
		touch_anon_pages(p, n);
		faults_now(&mn1, &mj1);
		printf("anon pages %ld minflt %ld majflt %ld\n", n, mn1 - mn0, mj1 - mj0);
		/* Benchmark rounds: drop the pages and fault them in again, timed. */
		long rounds = argc > 3 ? atol(argv[3]) : 0;
		if (rounds > 0) {
			/* CPU time of this process (the fault handler and any BPF program run on
			 * its behalf count here) is steadier than wall time on a shared machine. */
			struct timespec t0, t1, c0, c1;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
			for (long r = 0; r < rounds; r++) {
				madvise(p, n * page, MADV_DONTNEED);
				touch_anon_pages(p, n);
			}
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			double ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
			double cpu = (c1.tv_sec - c0.tv_sec) * 1e9 + (c1.tv_nsec - c0.tv_nsec);
			printf("ns_per_fault %.1f\n", ns / (double)(n * rounds));
			printf("cpu_ns_per_fault %.1f\n", cpu / (double)(n * rounds));
		}
	} else if (argc >= 5 && !strcmp(argv[1], "file")) {
		long k = atol(argv[3]), stride = atol(argv[4]);
		int fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			return perror(argv[2]), 1;
		off_t len = lseek(fd, 0, SEEK_END);
		if (len < k * stride * page)
			return fprintf(stderr, "%s: too short\n", argv[2]), 1;
		if (argc > 5 && !strcmp(argv[5], "cold")) {
			fdatasync(fd); /* dirty pages cannot be dropped */
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		}
		const char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return perror("mmap"), 1;
		madvise((void *)p, len, MADV_RANDOM); /* no readahead: one page per fault */
		faults_now(&mn0, &mj0);
		long sum = read_file_pages(p, k, stride);
		faults_now(&mn1, &mj1);
		printf("file pages %ld minflt %ld majflt %ld sum %ld\n", k, mn1 - mn0, mj1 - mj0, sum);
	} else if (argc >= 3 && !strcmp(argv[1], "kread")) {
		long n = atol(argv[2]);
		char *p = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return perror("mmap"), 1;
		madvise(p, n * page, MADV_NOHUGEPAGE);
		faults_now(&mn0, &mj0);
		read_into_pages(p, n);
		faults_now(&mn1, &mj1);
		printf("kread pages %ld minflt %ld majflt %ld\n", n, mn1 - mn0, mj1 - mj0);
	} else if (argc >= 3 && !strcmp(argv[1], "hugetlb")) {
		long n = atol(argv[2]), huge = 2L << 20;
		int fd = -1, flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB;
		if (argc > 3) { /* a file on a hugetlbfs mount */
			fd = open(argv[3], O_RDWR | O_CREAT, 0600);
			if (fd < 0 || ftruncate(fd, n * huge))
				return perror(argv[3]), 1;
			flags = MAP_SHARED;
		}
		char *p = mmap(NULL, n * huge, PROT_READ | PROT_WRITE, flags, fd, 0);
		if (p == MAP_FAILED)
			return perror("mmap MAP_HUGETLB"), 1;
		faults_now(&mn0, &mj0);
		touch_huge_pages(p, n, huge);
		faults_now(&mn1, &mj1);
		printf("hugetlb pages %ld minflt %ld majflt %ld\n", n, mn1 - mn0, mj1 - mj0);
	} else if (argc >= 3 && !strcmp(argv[1], "swap")) {
		long n = atol(argv[2]);
		/* What is mapped now (the stack, the program, libc) stays in memory: a stack page
		 * swapped out while the data is written and read back on the return from
		 * read_back_pages would be one more major fault in the measured window, at
		 * another line. The data mapped below is not locked. */
		if (mlockall(MCL_CURRENT))
			return perror("mlockall"), 1;
		char *p = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return perror("mmap"), 1;
		madvise(p, n * page, MADV_NOHUGEPAGE);
		for (long i = 0; i < n; i++)
			p[i * page] = (char)(i + 1); /* non-zero: the pages must go to swap */
		faults_now(&mn0, &mj0);
		long sum = read_back_pages(p, n);
		faults_now(&mn1, &mj1);
		printf("swap pages %ld minflt %ld majflt %ld sum %ld\n", n, mn1 - mn0, mj1 - mj0, sum);
	} else if (argc >= 3 && !strcmp(argv[1], "stack")) {
		long n = atol(argv[2]);
		if (n < 1 || n > 8)
			return usage();
		faults_now(&mn0, &mj0);
		touch_stack_pages(n);
		char *heap = sbrk(n * page); /* the heap mapping: what malloc's brk arena grows */
		if (heap == (void *)-1)
			return perror("sbrk"), 1;
		touch_anon_pages(heap, n);
		faults_now(&mn1, &mj1);
		printf("stack and heap pages %ld minflt %ld majflt %ld\n", n, mn1 - mn0, mj1 - mj0);
	} else {
		return usage();
	}
	return 0;
}
