/* Leaks exactly 100 blocks of 4096 bytes from leak_pages(); frees everything else.
 * Usage: leak_fixed [SLEEP_SECONDS|wait]: sleep before and after, for attaching with -p; or
 * wait for SIGUSR1 before (the test sends it once memmon traces) and sleep 1 s after. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *volatile sink;

__attribute__((noinline)) static void leak_pages(void)
{
	for (int i = 0; i < 100; i++) {
		char *p = malloc(4096); /* LEAK_LINE */
		memset(p, 1, 4096);
		sink = p;
	}
}

__attribute__((noinline)) static void churn(void)
{
	for (int i = 0; i < 1000; i++) {
		void *a = malloc(64 + i);
		void *b = calloc(3, 100);
		void *c = realloc(NULL, 200);
		c = realloc(c, 50000);
		void *d = NULL;
		if (posix_memalign(&d, 64, 1000))
			abort();
		void *e = aligned_alloc(256, 512);
		free(a);
		free(b);
		free(c);
		free(d);
		free(e);
	}
}

int main(int argc, char **argv)
{
	int pause_s = argc > 1 ? atoi(argv[1]) : 0;
	if (argc > 1 && !strcmp(argv[1], "wait")) {
		sigset_t usr1;
		int sig;
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		sigwait(&usr1, &sig);
		pause_s = 1;
	} else {
		sleep(pause_s);
	}
	churn();
	leak_pages();
	churn();
	sleep(pause_s);
	return 0;
}
