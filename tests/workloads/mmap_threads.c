/* Two threads map and unmap one anonymous page N times each (usage: mmap_threads N
 * [LEAK]), as fast as they can: mapping events reach memmon leak's ring buffer at the
 * highest rate a program makes them. With LEAK, main then maps LEAK pages it keeps.
 * Prints "done N" on stderr. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static long rounds;

static void *churn(void *arg)
{
	for (long i = 0; i < rounds; i++) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			exit(1);
		munmap(p, 4096);
	}
	return arg;
}

int main(int argc, char **argv)
{
	rounds = argc > 1 ? atol(argv[1]) : 100000;
	long keep = argc > 2 ? atol(argv[2]) : 0;
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (long i = 0; i < keep; i++)
		if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
			return 1;
	fprintf(stderr, "done %ld\n", rounds * 2);
	return 0;
}
