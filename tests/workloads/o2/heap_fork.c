/* Built -O2 without frame pointers: the parent leaks 5 blocks of 24 bytes (PARENT_LINE),
 * forks a child that leaks 7 blocks of 56 bytes (CHILD_LINE) and frees a block its parent
 * allocated before the fork, then the parent execs ARGV[1..] if given (its 5 blocks are
 * then not leaks: the image is gone). Usage: heap_fork [wait] [PROGRAM ARGS...]; "wait"
 * prints "ready" and waits for SIGUSR1 first (memmon heap -p attaches meanwhile). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void *volatile sink;

__attribute__((noinline)) void parent_leaks(void)
{
	for (int i = 0; i < 5; i++)
		sink = malloc(24); /* PARENT_LINE */
}

__attribute__((noinline)) void child_leaks(void)
{
	for (int i = 0; i < 7; i++)
		sink = malloc(56); /* CHILD_LINE */
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "wait")) {
		sigset_t usr1;
		int sig;
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		printf("ready\n");
		fflush(stdout);
		sigwait(&usr1, &sig);
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
		argc--;
		argv++;
	}
	parent_leaks();
	void *inherited = malloc(8); /* INHERITED_LINE */
	sink = inherited;
	pid_t pid = fork();
	if (pid == 0) {
		child_leaks();
		free(inherited);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	free(inherited);
	if (argc > 1)
		execvp(argv[1], argv + 1);
	return 0;
}
