/* Opens N pipes, holds them HOLD seconds, closes them, then waits AFTER seconds.
 * Usage: hold_pipes N HOLD AFTER. Prints "open" and "closed" to stderr at each step. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 64;
	double hold = argc > 2 ? atof(argv[2]) : 2, after = argc > 3 ? atof(argv[3]) : 2;
	int (*fds)[2] = calloc((size_t)n, sizeof(*fds));
	if (!fds)
		return 1;
	for (int i = 0; i < n; i++)
		if (pipe(fds[i]))
			return 1;
	fprintf(stderr, "open %d\n", n);
	usleep((useconds_t)(hold * 1e6));
	for (int i = 0; i < n; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	fprintf(stderr, "closed %d\n", n);
	usleep((useconds_t)(after * 1e6));
	free(fds);
	return 0;
}
