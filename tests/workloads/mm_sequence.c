/* The known sequence of memory calls the watch/mmap/shm tests check, in this order:
 * brk growth (sbrk of 65536 bytes), an anonymous mmap of 139264 bytes (34 pages), writes to
 * exactly pages 0, 5 and 33 of it, an mmap of the file argv[1] read once at offset 4096,
 * munmap of both, then shmget(IPC_PRIVATE, 8192, IPC_CREAT|0600), shmat, a write, shmdt and
 * shmctl(IPC_RMID). The addresses go to stderr so the test can compare them.
 * Optional argv[2]: seconds to sleep before starting (to let a watcher attach by pid). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#define ANON_SIZE 139264
#define PAGE 4096

static void *grow_heap(void)
{
	return sbrk(65536);
}

static void touch_pages(volatile char *p)
{
	p[0 * PAGE] = 1;
	p[5 * PAGE + 100] = 2;
	p[33 * PAGE + 4095] = 3;
}

static int read_file_page(volatile const char *f)
{
	return f[PAGE + 10];
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: mm_sequence FILE [DELAY]\n");
		return 2;
	}
	if (argc > 2)
		usleep((useconds_t)(atof(argv[2]) * 1e6));
	void *old_brk = grow_heap();
	char *anon = mmap(NULL, ANON_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	if (anon == MAP_FAILED)
		return 1;
	touch_pages(anon);
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return 1;
	char *file = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (file == MAP_FAILED)
		return 1;
	int v = read_file_page(file);
	munmap(file, 2 * PAGE);
	close(fd);
	munmap(anon, ANON_SIZE);
	int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
	if (id < 0)
		return 1;
	char *shm = shmat(id, NULL, 0);
	if (shm == (void *)-1)
		return 1;
	shm[0] = (char)v;
	shmdt(shm);
	shmctl(id, IPC_RMID, NULL);
	fprintf(stderr, "brk %p\nanon %p\nfile %p\nshmid %d\nshm %p\n", old_brk, (void *)anon, (void *)file,
	       id, (void *)shm);
	return 0;
}
