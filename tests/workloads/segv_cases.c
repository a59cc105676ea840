/* Crashes for `memmon segv` tests; marker comments give the tests exact lines.
 *   segv_cases null       read through a NULL pointer
 *   segv_cases readonly   write to a string literal (a read-only mapping of the binary)
 *   segv_cases recurse    unbounded recursion until the stack overflows
 *   segv_cases thread-recurse  the same in a thread with a 1 MiB stack */
#include <pthread.h>
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

static void *recurse_thread(void *arg)
{
	(void)arg;
	sink = recurse(0);
	return NULL;
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
	else if (!strcmp(mode, "thread-recurse")) {
		pthread_attr_t attr;
		pthread_t t;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 1 << 20);
		pthread_create(&t, &attr, recurse_thread, NULL);
		pthread_join(t, NULL);
	}
	else {
		fprintf(stderr, "usage: segv_cases null|readonly|recurse|thread-recurse\n");
		return 2;
	}
	printf("survived\n");
	return 0;
}
