/* Leaks on demand, for tracers attached to a running process (memmon serve's
 * /debug/pprof/heap): prints "ready PID", then at each SIGUSR1 leaks from three sites,
 * leak_small() 10 x 1000 bytes, leak_medium() 5 x 20000 bytes, leak_large() 2 x 100000
 * bytes (310000 bytes in 17 blocks, below malloc's mmap threshold), frees everything else
 * and prints "leaked N" (the round). Runs until killed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *volatile sink;
static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

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

int main(void)
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
		for (int i = 0; i < 100; i++)
			free(malloc(100 + i)); /* freed: in no profile */
		leak_small();
		leak_medium();
		leak_large();
		printf("leaked %d\n", round);
		fflush(stdout);
	}
}
