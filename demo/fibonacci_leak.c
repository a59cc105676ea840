/* memmon's demo workload, after the classic fibonacci leak: a worker thread computes the
 * sequence and calloc()s an 8 KiB record for every step, which it never frees.
 * Usage: memmon-demo [SECONDS] (default 10): one step every 100 ms. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fib_record {
	uint64_t step, value;
	char note[8192 - 16];
};

static struct fib_record *record_step(uint64_t step, uint64_t value)
{
	struct fib_record *r = calloc(1, sizeof(*r)); /* leaked on purpose */
	if (!r)
		return NULL;
	r->step = step;
	r->value = value;
	snprintf(r->note, sizeof(r->note), "fib(%llu) = %llu", (unsigned long long)step,
		 (unsigned long long)value);
	return r;
}

static void *fibonacci_worker(void *arg)
{
	long steps = (long)(intptr_t)arg;
	uint64_t a = 0, b = 1;
	for (long i = 0; i < steps; i++) {
		uint64_t next = a + b;
		a = b;
		b = next;
		record_step((uint64_t)i, a);
		char *scratch = malloc(256); /* freed: must not show up as a leak */
		free(scratch);
		usleep(100 * 1000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long seconds = argc > 1 ? atol(argv[1]) : 10;
	pthread_t t;
	if (seconds <= 0)
		seconds = 10;
	if (pthread_create(&t, NULL, fibonacci_worker, (void *)(intptr_t)(seconds * 10)))
		return 1;
	pthread_join(t, NULL);
	return 0;
}
