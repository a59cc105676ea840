/* A mapping changed by a call memmon does not decode: mprotect made through int $0x80, the
 * 32-bit system call entry of x86-64 (compat number 125), which `memmon watch` does not
 * decode. A private read-only file mapping below 4 GiB (the 32-bit call takes 32-bit
 * addresses):
 *   1. FILE R: byte 10 read (the page-cache page is mapped read-only);
 *   2. the mapping made writable by the 32-bit mprotect;
 *   3. COW W: byte 10 written (the page is copied): the fault must see the new protection.
 * Prints "priv ADDR" to stderr. Exits 3 without int $0x80 (not x86-64, or no IA32
 * emulation), saying so. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void no_int80(int sig)
{
	static const char msg[] = "no int $0x80 (IA32 emulation off)\n";
	(void)sig;
	write(2, msg, sizeof(msg) - 1);
	_exit(3);
}

#if defined(__x86_64__)
static long syscall32(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	return ret;
}
#endif

int main(int argc, char **argv)
{
#if !defined(__x86_64__)
	fprintf(stderr, "no int $0x80 (not x86-64)\n");
	return 3;
#else
	if (argc < 2)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return 1;
	char *priv = mmap((void *)0x20000000UL, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE,
			  fd, 0);
	if (priv != (void *)0x20000000UL)
		return 1;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = no_int80;
	sigaction(SIGSEGV, &sa, NULL);
	if (syscall32(20 /* getpid */, 0, 0, 0) != getpid())
		no_int80(0);
	signal(SIGSEGV, SIG_DFL);
	fprintf(stderr, "priv %p\n", (void *)priv);
	volatile char *v = priv;
	char c = v[10];
	if (syscall32(125 /* mprotect */, (long)priv, 4096, PROT_READ | PROT_WRITE))
		return 1;
	v[10] = c + 1;
	return 0;
#endif
}
