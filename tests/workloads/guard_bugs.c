/* Heap bugs for `memmon guard` tests. Each bug's line carries a marker comment the tests
 * grep for, so they can assert exact source lines without hard-coding numbers.
 *   guard_bugs overflow      write 1 byte past a 32-byte block
 *   guard_bugs underflow     write 1 byte before a 24-byte block
 *   guard_bugs uaf           read a 48-byte block after free
 *   guard_bugs uaf-thread    a 64-byte block freed by one thread, read by another
 *   guard_bugs million K     a million 32-byte blocks; block K (-1: none, all: every block)
 *                            is written 1 byte past its end, harmless to glibc (usable
 *                            size 40); before that it prints whether block K is guarded
 *                            (a guarded block's usable size is exactly 32)
 *   guard_bugs fork          the child of a fork overflows a 16-byte block
 *   guard_bugs double-free   frees a 40-byte block twice
 *   guard_bugs realloc       grows a 16-byte block to 100 bytes, overflows the new one
 *   guard_bugs threads       4 threads x 100000 correct malloc/calloc/realloc/free of 1-5000
 *                            bytes, each block filled and checked; prints "survived"
 *   guard_bugs exec          execs itself as "guard_bugs overflow"
 *   guard_bugs cxx           C++ operator new(24) / operator delete from libstdc++, then a
 *                            read after the delete (dlopen keeps this a C program) */
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile char sink;

__attribute__((noinline)) static char *make_block(size_t size)
{
	char *p = malloc(size); /* MARK:alloc */
	memset(p, 'a', size);
	return p;
}

__attribute__((noinline)) static void release_block(char *p)
{
	free(p); /* MARK:free */
}

__attribute__((noinline)) static void overflow_by_one(char *p, size_t size)
{
	p[size] = 'x'; /* MARK:overflow */
}

__attribute__((noinline)) static void underflow_by_one(char *p)
{
	p[-1] = 'x'; /* MARK:underflow */
}

__attribute__((noinline)) static void read_after_free(char *p, size_t at)
{
	sink = p[at]; /* MARK:uaf */
}

static char *shared_block;

static void *freer_thread(void *arg)
{
	(void)arg;
	release_block(shared_block);
	return NULL;
}

static void *user_thread(void *arg)
{
	(void)arg;
	read_after_free(shared_block, 8);
	return NULL;
}

__attribute__((noinline)) static int cxx(void)
{
	void *lib = dlopen("libstdc++.so.6", RTLD_NOW);
	void *(*op_new)(size_t) = lib ? (void *(*)(size_t))dlsym(lib, "_Znwm") : NULL;
	void (*op_delete)(void *) = lib ? (void (*)(void *))dlsym(lib, "_ZdlPv") : NULL;
	if (!op_new || !op_delete) {
		fprintf(stderr, "no libstdc++.so.6\n");
		return 1;
	}
	char *p = op_new(24); /* MARK:cxx-new */
	op_delete(p); /* MARK:cxx-delete */
	read_after_free(p, 0);
	printf("survived\n");
	return 0;
}

static void *churn_thread(void *arg)
{
	unsigned long x = (unsigned long)arg * 2654435761u + 1;
	char *live[32] = { 0 };
	size_t sizes[32] = { 0 };
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int k = (int)(x % 32);
		if (live[k]) {
			for (size_t j = 0; j < sizes[k]; j++)
				if (live[k][j] != (char)(k + sizes[k]))
					abort();
			if (x & 0x100) {
				free(live[k]);
				live[k] = NULL;
				continue;
			}
		}
		size_t size = 1 + (x >> 8) % 5000;
		char *p = (x & 0x200) ? realloc(live[k], size) : (free(live[k]), calloc(1, size));
		memset(p, (char)(k + size), size);
		live[k] = p;
		sizes[k] = size;
	}
	for (int k = 0; k < 32; k++)
		free(live[k]);
	return NULL;
}

static int threads(void)
{
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn_thread, (void *)(i + 1));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("survived\n");
	return 0;
}

static int million(const char *which)
{
	char *ring[64] = { 0 };
	bool all = !strcmp(which, "all");
	long victim = all ? -1 : strtol(which, NULL, 10);
	for (long i = 0; i < 1000000; i++) {
		char *p = malloc(32);
		if (i == victim) {
			printf("victim %s\n", malloc_usable_size(p) == 32 ? "guarded" : "not guarded");
			fflush(stdout);
		}
		if (i == victim || all)
			p[32] = 'x'; /* MARK:million */
		else
			p[0] = 'a';
		free(ring[i % 64]);
		ring[i % 64] = p;
	}
	for (int i = 0; i < 64; i++)
		free(ring[i]);
	printf("survived\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "overflow")) {
		overflow_by_one(make_block(32), 32);
	} else if (!strcmp(mode, "underflow")) {
		underflow_by_one(make_block(24));
	} else if (!strcmp(mode, "uaf")) {
		char *p = make_block(48);
		release_block(p);
		read_after_free(p, 16);
	} else if (!strcmp(mode, "uaf-thread")) {
		pthread_t a, b;
		shared_block = make_block(64);
		pthread_create(&a, NULL, freer_thread, NULL);
		pthread_join(a, NULL);
		pthread_create(&b, NULL, user_thread, NULL);
		pthread_join(b, NULL);
	} else if (!strcmp(mode, "double-free")) {
		char *p = make_block(40);
		release_block(p);
		release_block(p);
	} else if (!strcmp(mode, "realloc")) {
		char *p = make_block(16);
		p = realloc(p, 100); /* MARK:realloc */
		overflow_by_one(p, 100);
	} else if (!strcmp(mode, "exec")) {
		execl("/proc/self/exe", argv[0], "overflow", (char *)NULL);
		perror("exec");
		return 1;
	} else if (!strcmp(mode, "threads")) {
		return threads();
	} else if (!strcmp(mode, "cxx")) {
		return cxx();
	} else if (!strcmp(mode, "million")) {
		return million(argc > 2 ? argv[2] : "-1");
	} else if (!strcmp(mode, "fork")) {
		pid_t pid = fork();
		if (pid == 0) {
			overflow_by_one(make_block(16), 16);
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		printf("child %s\n", WIFSIGNALED(st) ? "killed" : "exited");
		return 0;
	} else {
		fprintf(stderr, "usage: guard_bugs overflow|underflow|uaf|uaf-thread|million K|fork|double-free|realloc|threads|exec|cxx\n");
		return 2;
	}
	printf("survived\n");
	return 0;
}
