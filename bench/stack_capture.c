/* Loader of bench/stack_capture.bpf.c: ns per capture of a STACK_TRACE map and of the
 * stack store, the same stack each time, best of ROUNDS rounds (the two take turns).
 * Usage: stack_capture kernel|user FRAMES   (FRAMES: user frames below main) */
#include "stack_capture.skel.h"
#include <bpf/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 20000 /* test runs per measurement, 32 captures each */
#define ROUNDS 15

static struct stack_capture *sk;

static double ns_per_capture(struct bpf_program *p)
{
	LIBBPF_OPTS(bpf_test_run_opts, o);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < RUNS; i++)
		if (bpf_prog_test_run_opts(bpf_program__fd(p), &o)) {
			perror("stack_capture: BPF_PROG_TEST_RUN");
			exit(1);
		}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / RUNS / 32;
}

/* Recurses to the wanted user depth, then measures all three. */
static void __attribute__((noinline)) measure(int frames, double *t)
{
	if (frames > 0) {
		measure(frames - 1, t);
		__asm__ volatile("" ::: "memory"); /* no tail call */
		return;
	}
	t[0] = ns_per_capture(sk->progs.run_none);
	t[1] = ns_per_capture(sk->progs.run_stack_trace);
	t[2] = ns_per_capture(sk->progs.run_store);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "kernel") && strcmp(argv[1], "user"))) {
		fprintf(stderr, "usage: stack_capture kernel|user FRAMES\n");
		return 2;
	}
	bool user = !strcmp(argv[1], "user");
	int frames = atoi(argv[2]);
	sk = stack_capture__open();
	if (!sk)
		return 1;
	sk->rodata->flags = user ? BPF_F_USER_STACK : 0;
	if (stack_capture__load(sk)) {
		fprintf(stderr, "stack_capture: loading the BPF programs failed\n");
		return 1;
	}
	double best[3] = { 1e18, 1e18, 1e18 }, t[3];
	for (int r = 0; r < ROUNDS; r++) {
		measure(frames, t);
		for (int j = 0; j < 3; j++)
			best[j] = t[j] < best[j] ? t[j] : best[j];
	}
	double old = best[1] - best[0], store = best[2] - best[0];
	printf("%-6s stack, %2d user frames: STACK_TRACE %7.1f ns, stack store %7.1f ns per capture"
	       " (ratio %.3f)%s\n", argv[1], frames, old, store, store / old,
	       sk->bss->failures ? "; some captures failed" : "");
	stack_capture__destroy(sk);
	return 0;
}
