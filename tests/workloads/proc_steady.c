/* A process whose memory does not change, with known parts, for `memmon ps`/`pmap` tests:
 *   - 4 MiB private anonymous memory, written  (USS)
 *   - 2 MiB shared anonymous memory, written by us and read by one child (PSS = half)
 * Prints "ready PARENT CHILD" once everything is touched, then sleeps until killed.
 * The child exits when the parent does. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PRIVATE_BYTES (4u << 20)
#define SHARED_BYTES (2u << 20)

int main(void)
{
	char *shared = mmap(NULL, SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	memset(shared, 0x5a, SHARED_BYTES);
	int ready[2];
	if (pipe(ready))
		return 1;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		volatile char sum = 0;
		for (size_t i = 0; i < SHARED_BYTES; i += 4096)
			sum += shared[i]; /* map every shared page here too */
		(void)sum;
		if (write(ready[1], "x", 1) != 1)
			return 1;
		for (;;)
			pause();
	}
	char c;
	if (read(ready[0], &c, 1) != 1)
		return 1;
	/* Allocated after fork so that no page of it is shared copy-on-write with the child. */
	char *private = mmap(NULL, PRIVATE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (private == MAP_FAILED)
		return 1;
	memset(private, 0xa5, PRIVATE_BYTES);
	printf("ready %d %d %lx %lx\n", getpid(), child, (unsigned long)private, (unsigned long)shared);
	fflush(stdout);
	for (;;)
		pause();
}
