/* Faults of the remaining classes, in this order, addresses printed to stderr:
 *   1. FILE R then COW W: a private writable mapping of the file argv[1]; byte 10 read
 *      (the page-cache page is mapped read-only), then written (the page is copied).
 *   2. ANON W in kernel mode: pread() of 100 bytes of the file into a fresh anonymous
 *      page (the kernel's copy to user memory faults). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return 1;
	char *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (priv == MAP_FAILED || buf == MAP_FAILED)
		return 1;
	fprintf(stderr, "priv %p\nbuf %p\n", (void *)priv, (void *)buf);
	volatile char *v = priv;
	char c = v[10];
	v[10] = c + 1;
	if (pread(fd, buf, 100, 0) != 100)
		return 1;
	return buf[0] == c ? 0 : 1;
}
