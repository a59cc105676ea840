/* Touches anonymous memory 1 MiB at a time until killed: run inside a memory cgroup
 * with a small limit it is the OOM victim. Argument: MiB to touch at most (default 1024). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void touch_forever(long mib)
{
	for (long i = 0; i < mib; i++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		memset(p, 0x5a, 1 << 20);
	}
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 1024;
	touch_forever(mib);
	printf("touched %ld MiB without being killed\n", mib);
	return 0;
}
