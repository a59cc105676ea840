/* Decoders of memory system call arguments: known values, unknown bits, and every
 * decoder fed many random values and tiny buffers (must stay NUL-terminated, no overflow:
 * run under ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/syscall_decode.h"

static char buf[256];

static void test_prot(void **st)
{
	assert_string_equal(decode_prot(0, buf, sizeof(buf)), "---");
	assert_string_equal(decode_prot(3, buf, sizeof(buf)), "rw-");
	assert_string_equal(decode_prot(5, buf, sizeof(buf)), "r-x");
	assert_string_equal(decode_prot(7 | 0x01000000, buf, sizeof(buf)), "rwx|PROT_GROWSDOWN");
	assert_string_equal(decode_prot(1 | 0x40, buf, sizeof(buf)), "r--|0x40");
}

static void test_mmap_flags(void **st)
{
	assert_string_equal(decode_mmap_flags(0x22, buf, sizeof(buf)), "MAP_PRIVATE|MAP_ANONYMOUS");
	assert_string_equal(decode_mmap_flags(0x01, buf, sizeof(buf)), "MAP_SHARED");
	assert_string_equal(decode_mmap_flags(0x03, buf, sizeof(buf)), "MAP_SHARED_VALIDATE");
	assert_string_equal(decode_mmap_flags(0x812, buf, sizeof(buf)),
			    "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE");
	assert_string_equal(decode_mmap_flags(0x40022 | (21ULL << 26), buf, sizeof(buf)),
			    "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB");
	assert_string_equal(decode_mmap_flags(0x40022 | (30ULL << 26), buf, sizeof(buf)),
			    "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_1GB");
	assert_string_equal(decode_mmap_flags(0x2 | 0x80000000000ULL, buf, sizeof(buf)),
			    "MAP_PRIVATE|0x80000000000");
	assert_string_equal(decode_mmap_flags(0, buf, sizeof(buf)), "0");
}

static void test_small_decoders(void **st)
{
	assert_string_equal(decode_mremap_flags(1, buf, sizeof(buf)), "MREMAP_MAYMOVE");
	assert_string_equal(decode_mremap_flags(3, buf, sizeof(buf)), "MREMAP_MAYMOVE|MREMAP_FIXED");
	assert_string_equal(decode_mremap_flags(0, buf, sizeof(buf)), "0");
	assert_string_equal(decode_madvise(4, buf, sizeof(buf)), "MADV_DONTNEED");
	assert_string_equal(decode_madvise(14, buf, sizeof(buf)), "MADV_HUGEPAGE");
	assert_string_equal(decode_madvise(21, buf, sizeof(buf)), "MADV_PAGEOUT");
	assert_string_equal(decode_madvise(100, buf, sizeof(buf)), "MADV_HWPOISON");
	assert_string_equal(decode_madvise(5, buf, sizeof(buf)), "5");
	assert_string_equal(decode_madvise(~0ULL, buf, sizeof(buf)), "18446744073709551615");
	assert_string_equal(decode_mlock2_flags(1, buf, sizeof(buf)), "MLOCK_ONFAULT");
	assert_string_equal(decode_mlockall_flags(3, buf, sizeof(buf)), "MCL_CURRENT|MCL_FUTURE");
	assert_string_equal(decode_mlockall_flags(8, buf, sizeof(buf)), "0x8");
}

static void test_shm(void **st)
{
	assert_string_equal(decode_shmget_flags(01000 | 0600, buf, sizeof(buf)), "IPC_CREAT|0600");
	assert_string_equal(decode_shmget_flags(0600, buf, sizeof(buf)), "0600");
	assert_string_equal(decode_shmget_flags(0, buf, sizeof(buf)), "00");
	assert_string_equal(decode_shmget_flags(01000 | 02000 | 04000 | 0644, buf, sizeof(buf)),
			    "IPC_CREAT|IPC_EXCL|SHM_HUGETLB|0644");
	assert_string_equal(decode_shmget_flags(04000 | (21ULL << 26) | 0600, buf, sizeof(buf)),
			    "SHM_HUGETLB|SHM_HUGE_2MB|0600");
	assert_string_equal(decode_ipc_key(0, buf, sizeof(buf)), "IPC_PRIVATE");
	assert_string_equal(decode_ipc_key(0x1234abcd, buf, sizeof(buf)), "0x1234abcd");
	assert_string_equal(decode_shmat_flags(0, buf, sizeof(buf)), "0");
	assert_string_equal(decode_shmat_flags(010000, buf, sizeof(buf)), "SHM_RDONLY");
	assert_string_equal(decode_shmat_flags(030000, buf, sizeof(buf)), "SHM_RDONLY|SHM_RND");
	assert_string_equal(decode_shmctl_cmd(0, buf, sizeof(buf)), "IPC_RMID");
	assert_string_equal(decode_shmctl_cmd(2 | 0x100, buf, sizeof(buf)), "IPC_STAT");
	assert_string_equal(decode_shmctl_cmd(11, buf, sizeof(buf)), "SHM_LOCK");
	assert_string_equal(decode_shmctl_cmd(99, buf, sizeof(buf)), "99");
}

static void test_errno(void **st)
{
	assert_string_equal(decode_errno(ENOMEM, buf, sizeof(buf)), "ENOMEM");
	assert_string_equal(decode_errno(EINVAL, buf, sizeof(buf)), "EINVAL");
	assert_string_equal(decode_errno(EACCES, buf, sizeof(buf)), "EACCES");
	assert_string_equal(decode_errno(4000, buf, sizeof(buf)), "E4000");
	assert_string_equal(decode_errno(0, buf, sizeof(buf)), "E0");
	assert_int_equal(decode_ret_errno(-12), 12);
	assert_int_equal(decode_ret_errno(-4095), 4095);
	assert_int_equal(decode_ret_errno(-4096), 0);
	assert_int_equal(decode_ret_errno(0), 0);
	assert_int_equal(decode_ret_errno((int64_t)0xffff888000000000ULL), 0);
}

/* Random values into every decoder, with buffers from 1 to 64 bytes: the result must be a
 * NUL-terminated string that fits. ASan catches any write past the end. */
static void test_fuzz(void **st)
{
	typedef const char *(*dec_fn)(uint64_t, char *, size_t);
	static const dec_fn fns[] = {
		decode_prot, decode_mmap_flags, decode_mremap_flags, decode_madvise,
		decode_mlock2_flags, decode_mlockall_flags, decode_shmget_flags, decode_ipc_key,
		decode_shmat_flags, decode_shmctl_cmd,
	};
	srand(1234);
	for (int round = 0; round < 20000; round++) {
		uint64_t v = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ rand();
		if (round % 3 == 0)
			v &= 0xffff;
		size_t n = 1 + round % 64;
		char *small = malloc(n);
		for (size_t f = 0; f < sizeof(fns) / sizeof(fns[0]); f++) {
			const char *r = fns[f](v, small, n);
			assert_ptr_equal(r, small);
			assert_true(strlen(small) < n);
		}
		assert_true(strlen(decode_errno((int)v, small, n)) < n);
		free(small);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prot), cmocka_unit_test(test_mmap_flags),
		cmocka_unit_test(test_small_decoders), cmocka_unit_test(test_shm),
		cmocka_unit_test(test_errno), cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
