/* Parent and child allocate and free 48-byte blocks in lockstep: after fork they hand out
 * the same addresses, which must not mix up. Prints "PARENT CHILD" pids at once, then each
 * waits START seconds, or with "wait" for a SIGUSR1 of its own (for -p: the test sends it
 * once memmon is tracing). Usage: fork_same START|wait */
#include <signal.h>
#include <stdio.h>
#include <string.h>
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

static void wait_start(const char *arg, const sigset_t *usr1)
{
	int sig;
	if (arg && !strcmp(arg, "wait"))
		sigwait(usr1, &sig);
	else
		sleep(arg ? (unsigned)atoi(arg) : 1);
}

int main(int argc, char **argv)
{
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL); /* before fork: a signal sent early waits */
	const char *start = argc > 1 ? argv[1] : NULL;
	pid_t child = fork();
	if (child == 0) {
		wait_start(start, &usr1);
		churn_blocks();
		_exit(0);
	}
	printf("%d %d\n", getpid(), child);
	fflush(stdout);
	wait_start(start, &usr1);
	churn_blocks();
	waitpid(child, NULL, 0);
	return 0;
}
