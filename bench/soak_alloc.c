/* The soak workload: two threads each malloc and free RATE/2 blocks a second (default
 * RATE 1000000) for SECONDS, paced in 10 ms slices, then main leaks exactly KEEP blocks of
 * 100 bytes and exits. Prints "pairs N keep K" on stderr: what memmon leak must report
 * at the end is K blocks, 100*K bytes, whatever N was.
 * usage: soak_alloc SECONDS [RATE [KEEP]] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds, rate;
static long pairs[2];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *churn(void *arg)
{
	long *done = arg;
	double start = now(), per_slice = rate / 2 / 100;
	for (long slice = 0; now() - start < seconds; slice++) {
		for (long i = 0; i < (long)per_slice; i++) {
			void *volatile p = malloc(16 + (size_t)(i & 255));
			free(p);
		}
		*done += (long)per_slice;
		double next = start + (slice + 1) / 100.0, t = now();
		if (next > t) {
			struct timespec ts = { 0, (long)((next - t) * 1e9) };
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	seconds = argc > 1 ? atof(argv[1]) : 10;
	rate = argc > 2 ? atof(argv[2]) : 1e6;
	long keep = argc > 3 ? atol(argv[3]) : 1000;
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, churn, &pairs[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (long i = 0; i < keep; i++)
		if (!malloc(100))
			return 1;
	fprintf(stderr, "pairs %ld keep %ld\n", pairs[0] + pairs[1], keep);
	return 0;
}
