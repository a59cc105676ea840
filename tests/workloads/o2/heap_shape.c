/* Built -O2 without frame pointers: the shape `memmon heap` must see exactly.
 * hold_peak holds 64 blocks of 64 KiB (4 MiB, the heap's peak) and frees them;
 * churn makes N temporary allocations of 40 bytes (each freed before the next; default
 * 50000); leak_some leaks L blocks of 48 bytes (default 100); a third argument "wait"
 * makes it wait for SIGUSR1 first (memmon heap -p attaches meanwhile). Line markers for the tests:
 * HOLD_LINE, CHURN_LINE, LEAK_LINE, MAIN_HOLD, MAIN_CHURN, MAIN_LEAK. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *volatile sink;

__attribute__((noinline)) void hold_peak(void)
{
	void *blocks[64];
	for (int i = 0; i < 64; i++) {
		blocks[i] = malloc(65536); /* HOLD_LINE */
		memset(blocks[i], i, 65536);
	}
	for (int i = 0; i < 64; i++)
		free(blocks[i]);
}

__attribute__((noinline)) void churn(int n)
{
	for (int i = 0; i < n; i++) {
		char *p = malloc(40); /* CHURN_LINE */
		p[0] = (char)i;
		sink = p;
		free(p);
	}
}

__attribute__((noinline)) void leak_some(int n)
{
	for (int i = 0; i < n; i++) {
		long *p = malloc(48); /* LEAK_LINE */
		p[0] = i;
		sink = p;
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 50000, leaks = argc > 2 ? atoi(argv[2]) : 100;
	if (argc > 3 && !strcmp(argv[3], "wait")) {
		sigset_t usr1;
		int sig;
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		printf("ready\n");
		fflush(stdout);
		sigwait(&usr1, &sig);
	}
	hold_peak(); /* MAIN_HOLD */
	churn(n); /* MAIN_CHURN */
	leak_some(leaks); /* MAIN_LEAK */
	sink = NULL;
	return leaks < 0;
}
