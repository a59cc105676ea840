/* Crashes for `memmon segv` tests; marker comments give the tests exact lines.
 *   segv_cases null       read through a NULL pointer
 *   segv_cases readonly   write to a string literal (a read-only mapping of the binary)
 *   segv_cases recurse    unbounded recursion until the stack overflows
 *   segv_cases thread-recurse  the same in a thread with a 1 MiB stack
 *   segv_cases bus FILE   maps 2 pages of a 1-page FILE and reads the second (SIGBUS)
 *   segv_cases exec       calls code in a malloc'd (non-executable) buffer
 *   segv_cases null-later          prints "ready", waits for SIGUSR1, then reads through a NULL
 *                                  pointer (for -p: the test starts memmon first) */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

static volatile int sink;

__attribute__((noinline)) static int deref(const int *p)
{
	return *p; /* MARK:null */
}

__attribute__((noinline)) static void scribble(char *s)
{
	s[0] = 'X'; /* MARK:readonly */
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
__attribute__((noinline)) static int recurse(int depth)
{
	volatile char frame[256]; /* a few hundred bytes per call: overflows in ~30k calls */
	frame[0] = (char)depth;
	return recurse(depth + 1) + frame[0]; /* MARK:recurse */
}

__attribute__((noinline)) static int past_file_end(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4096))
		return -1;
	volatile char *p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	return p[4096 + 16]; /* MARK:bus */
}

__attribute__((noinline)) static void call_heap(void)
{
	unsigned char *code = malloc(64);
	memset(code, 0xc3, 64); /* ret */
	((void (*)(void))code)(); /* MARK:exec */
}

static void *recurse_thread(void *arg)
{
	(void)arg;
	sink = recurse(0);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* Told when to crash, not after a fixed time: under emulation memmon takes seconds to attach. */
static void wait_for_usr1(void)
{
	sigset_t usr1, old;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	signal(SIGUSR1, on_usr1);
	printf("ready\n");
	fflush(stdout);
	sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "null"))
		sink = deref(NULL);
	else if (!strcmp(mode, "readonly"))
		scribble((char *)"a string literal lives in .rodata");
	else if (!strcmp(mode, "recurse"))
		sink = recurse(0);
	else if (!strcmp(mode, "bus") && argc > 2)
		sink = past_file_end(argv[2]);
	else if (!strcmp(mode, "null-later")) {
		wait_for_usr1();
		sink = deref(NULL);
	} else if (!strcmp(mode, "exec"))
		call_heap();
	else if (!strcmp(mode, "thread-recurse")) {
		pthread_attr_t attr;
		pthread_t t;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 1 << 20);
		pthread_create(&t, &attr, recurse_thread, NULL);
		pthread_join(t, NULL);
	}
	else {
		fprintf(stderr, "usage: segv_cases null|readonly|recurse|thread-recurse|bus FILE|exec|null-later\n");
		return 2;
	}
	printf("survived\n");
	return 0;
}
