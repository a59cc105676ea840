/* A mapping changed by a call memmon does not decode: pkey_mprotect with pkey -1 (the
 * same as mprotect, on any x86-64 kernel since 4.9, with or without protection-key
 * hardware), which `memmon watch` does not decode. A private read-only file mapping:
 *   1. FILE R: byte 10 read (the page-cache page is mapped read-only);
 *   2. the mapping made writable by pkey_mprotect;
 *   3. COW W: byte 10 written (the page is copied): the fault must see the new protection.
 * Prints "priv ADDR" to stderr. (An earlier version used the 32-bit mprotect through
 * int $0x80, which some hypervisors do not offer even where the kernel has IA32
 * emulation.) */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return 1;
	char *priv = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (priv == MAP_FAILED)
		return 1;
	fprintf(stderr, "priv %p\n", (void *)priv);
	volatile char *v = priv;
	char c = v[10]; /* READ_LINE */
	if (syscall(SYS_pkey_mprotect, priv, 4096, PROT_READ | PROT_WRITE, -1))
		return 1;
	v[10] = c + 1; /* WRITE_LINE */
	return 0;
}
