/* A steady source of memory events: every 20 ms an anonymous one-page mmap, a write to it
 * (one ANON fault), and munmap. argv[1]: iterations (0 = until killed); argv[2] = "fork":
 * first fork a child that does the same, and wait for it at the end. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void tick(void)
{
	volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	if (p == MAP_FAILED)
		exit(1);
	p[0] = 1;
	munmap((void *)p, 4096);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	pid_t child = -1;
	if (argc > 2 && !strcmp(argv[2], "fork"))
		child = fork();
	for (long i = 0; n == 0 || i < n; i++) {
		tick();
		usleep(20000);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	return child == 0 ? 7 : 0; /* the child's exit code tells it apart */
}
