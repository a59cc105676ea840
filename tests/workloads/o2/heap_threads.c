/* Built -O2 without frame pointers: T threads (default 4) each make N malloc/free pairs
 * (default 1000000) of sizes 16..1024 from one call site (PAIR_LINE), all at once; a third
 * argument "wait" makes it wait for SIGUSR1 first (memmon heap -p attaches meanwhile). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *volatile sink;
static long pairs;

__attribute__((noinline)) static void *worker(void *arg)
{
	unsigned seed = (unsigned)(long)arg;
	for (long i = 0; i < pairs; i++) {
		seed = seed * 1103515245u + 12345u;
		char *p = malloc(16 + (seed >> 16) % 1009); /* PAIR_LINE */
		p[0] = 1;
		sink = p;
		free(p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 4;
	pairs = argc > 2 ? atol(argv[2]) : 1000000;
	pthread_t t[64];
	if (threads < 1 || threads > 64)
		return 2;
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
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)(i + 1));
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	return 0;
}
