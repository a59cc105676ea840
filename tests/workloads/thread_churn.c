/* Threads that allocate in one thread and free in another, three rounds, then one leak of
 * 777 bytes from main. Thread exit makes glibc free its own tcache (not the program's
 * doing), and a thread's first free may set up an arena: neither is a leak or an error. */
#include <pthread.h>
#include <stdlib.h>

#define N 5000
static void *slots[N];
static volatile int produced;
void *volatile sink;

static void *producer(void *arg)
{
	for (int i = 0; i < N; i++) {
		slots[i] = malloc(64);
		__atomic_store_n(&produced, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	for (int j = 0; j < N;) {
		int ready = __atomic_load_n(&produced, __ATOMIC_ACQUIRE);
		for (; j < ready; j++)
			free(slots[j]);
	}
	return NULL;
}

__attribute__((noinline)) static void leak_once(void)
{
	sink = malloc(777); /* THREAD_LEAK_LINE */
}

int main(void)
{
	for (int round = 0; round < 3; round++) {
		pthread_t a, b;
		produced = 0;
		pthread_create(&a, NULL, producer, NULL);
		pthread_create(&b, NULL, consumer, NULL);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
	}
	leak_once();
	return 0;
}
