/* Three leak sites with known totals, everything else freed: leak_small() 10 x 1000 bytes,
 * leak_medium() 5 x 20000 bytes, leak_large() 2 x 100000 bytes (310000 bytes in 17 blocks,
 * all below malloc's mmap threshold). The demo of the profile writers (--pprof, --folded,
 * --flamegraph).
 * usage: leak_three             leaks once and exits
 *        leak_three on-signal   for tracers attached to a running process (memmon serve's
 *                               /debug/pprof/heap): prints "ready PID", then leaks at each
 *                               SIGUSR1 and prints "leaked N" (the round); runs until killed */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *volatile sink;
static volatile sig_atomic_t go;

/* each site calls malloc itself: the leaf frame of its stack */
__attribute__((noinline)) static void leak_small(void)
{
	for (int i = 0; i < 10; i++)
		sink = memset(malloc(1000), 7, 1000);
}

__attribute__((noinline)) static void leak_medium(void)
{
	for (int i = 0; i < 5; i++)
		sink = memset(malloc(20000), 7, 20000);
}

__attribute__((noinline)) static void leak_large(void)
{
	for (int i = 0; i < 2; i++)
		sink = memset(malloc(100000), 7, 100000);
}

/* a macro, not a function: the profiles show main calling the three sites (an inlined
 * function would be a frame of its own) */
#define LEAK_ROUND()                                                              \
	do {                                                                      \
		for (int i = 0; i < 100; i++)                                     \
			free(malloc(100 + i)); /* freed: in no profile */         \
		leak_small();                                                     \
		leak_medium();                                                    \
		leak_large();                                                     \
	} while (0)

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

__attribute__((noreturn)) static void leak_on_signal(void)
{
	sigset_t usr1, old;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	signal(SIGUSR1, on_usr1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	printf("ready %d\n", getpid());
	fflush(stdout);
	for (int round = 1;; round++) {
		while (!go)
			sigsuspend(&old); /* no signal lost between the test and the wait */
		go = 0;
		LEAK_ROUND();
		printf("leaked %d\n", round);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "on-signal"))
		leak_on_signal();
	LEAK_ROUND();
	return 0;
}
