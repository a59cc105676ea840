/* Built -O2 without frame pointers: the parent leaks 5 blocks of 24 bytes (PARENT_LINE),
 * forks a child that leaks 7 blocks of 56 bytes (CHILD_LINE) and frees a block its parent
 * allocated before the fork, then the parent execs ARGV[1..] if given (its 5 blocks are
 * then not leaks: the image is gone). */
#include <stdlib.h>
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
