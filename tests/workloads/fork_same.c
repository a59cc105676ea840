/* Parent and child allocate and free 48-byte blocks in lockstep: after fork they hand out
 * the same addresses, which must not mix up. Sleeps START seconds first (for -p), prints
 * "PARENT CHILD" pids at once. Usage: fork_same START */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) static void churn_blocks(void)
{
	for (int i = 0; i < 200; i++) {
		void *p = malloc(48);
		usleep(1000);
		free(p);
	}
}

int main(int argc, char **argv)
{
	unsigned start = argc > 1 ? (unsigned)atoi(argv[1]) : 1;
	pid_t child = fork();
	if (child == 0) {
		sleep(start);
		churn_blocks();
		_exit(0);
	}
	printf("%d %d\n", getpid(), child);
	fflush(stdout);
	sleep(start);
	churn_blocks();
	waitpid(child, NULL, 0);
	return 0;
}
