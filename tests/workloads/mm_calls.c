/* The memory calls the sequence workload does not make, each with known arguments, in this
 * order (addresses printed to stderr): mmap 3 pages rw; mprotect page 1 to r--; madvise
 * MADV_DONTNEED on it; mlock page 0; munlock it; mlock2 page 2 with MLOCK_ONFAULT;
 * mlockall(MCL_CURRENT|MCL_FUTURE) then munlockall; mremap of the 3 pages, now 3 mappings
 * of different kinds (EFAULT); a new 2-page mapping grown to 4 pages by mremap with
 * MREMAP_MAYMOVE; then failing calls: munmap of an unaligned address (EINVAL), mmap of
 * fd 999 (EBADF), shmctl IPC_RMID of segment id 999999999 (EINVAL). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

int main(void)
{
	long page = 4096;
	char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	mprotect(p + page, page, PROT_READ);
	madvise(p + page, page, MADV_DONTNEED);
	mlock(p, page);
	munlock(p, page);
	mlock2(p + 2 * page, page, MLOCK_ONFAULT);
	mlockall(MCL_CURRENT | MCL_FUTURE);
	munlockall();
	mremap(p, 3 * page, 5 * page, MREMAP_MAYMOVE);
	char *r = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q = mremap(r, 2 * page, 4 * page, MREMAP_MAYMOVE);
	munmap(q + 1, page);
	mmap(NULL, page, PROT_READ, MAP_SHARED, 999, 0);
	shmctl(999999999, IPC_RMID, NULL);
	fprintf(stderr, "p %p\nr %p\nq %p\n", (void *)p, (void *)r, (void *)q);
	return q == MAP_FAILED;
}
