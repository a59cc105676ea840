/* An allocation-heavy kernel workload for benchmarks: ITER times create and close a pipe
 * and a UNIX socket (kmalloc, slab caches, pages). Prints the CPU seconds it used (user +
 * system, which includes BPF programs run in its context): steadier than wall time on a
 * shared machine. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long iter = argc > 1 ? atol(argv[1]) : 100000;
	for (long i = 0; i < iter; i++) {
		int fds[2];
		if (pipe(fds))
			return 1;
		close(fds[0]);
		close(fds[1]);
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0)
			return 1;
		close(s);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%.6f\n", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
				ru.ru_stime.tv_usec / 1e6);
	return 0;
}
