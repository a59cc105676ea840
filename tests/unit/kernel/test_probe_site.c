/* Where a uprobe on an allocator function goes (kernel/probe_site.c): instruction
 * decoding, and real functions of libc and libstdc++. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel/probe_site.h"
#include "proc/proc_libs.h"

static void decode(const uint8_t *code, size_t len, bool skip, struct probe_site *s)
{
	memset(s, 0, sizeof(*s));
	s->func_offset = 0x1000;
	probe_site_decode(code, len, skip, s);
}

static void test_probe_site(void **state)
{
	struct probe_site s;
	/* glibc 2.36 free: test %rdi,%rdi; je rel32; push %rbp */
	const uint8_t glibc_free[] = { 0x48, 0x85, 0xff, 0x0f, 0x84, 0xbf, 0, 0, 0, 0x55, 0x48 };
	decode(glibc_free, sizeof(glibc_free), true, &s);
	assert_int_equal(s.probe_offset, 0x1009);
	assert_true(s.emulated);
	assert_int_equal(s.sp_delta, 0);
	/* the same bytes where a NULL argument matters: stay at the entry */
	decode(glibc_free, sizeof(glibc_free), false, &s);
	assert_int_equal(s.probe_offset, 0x1000);
	assert_false(s.emulated);
	/* short je form */
	const uint8_t short_je[] = { 0x48, 0x85, 0xff, 0x74, 0x20, 0x41, 0x54 };
	decode(short_je, sizeof(short_je), true, &s);
	assert_int_equal(s.probe_offset, 0x1005);
	/* malloc: push %r12 at the entry is already fast */
	const uint8_t glibc_malloc[] = { 0x41, 0x54, 0x55, 0x53 };
	decode(glibc_malloc, sizeof(glibc_malloc), false, &s);
	assert_int_equal(s.probe_offset, 0x1000);
	assert_true(s.emulated);
	/* endbr64; push %rbp */
	const uint8_t cet[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x55 };
	decode(cet, sizeof(cet), false, &s);
	assert_int_equal(s.probe_offset, 0x1004);
	/* a NULL check not followed by a push: no shortcut */
	const uint8_t no_push[] = { 0x48, 0x85, 0xff, 0x74, 0x20, 0x48, 0x8b };
	decode(no_push, sizeof(no_push), true, &s);
	assert_int_equal(s.probe_offset, 0x1000);
	/* truncated input must not read past the end */
	decode(glibc_free, 4, true, &s);
	assert_int_equal(s.probe_offset, 0x1000);
	decode(glibc_free, 0, true, &s);
	assert_int_equal(s.probe_offset, 0x1000);
}

static void test_probe_site_libc(void **state)
{
	struct probe_site s;
	assert_int_equal(probe_site_find("/lib/x86_64-linux-gnu/libc.so.6", "malloc", false, &s), 0);
	assert_true(s.func_offset > 0);
	assert_true(s.func_size > 0);
	assert_int_equal(probe_site_find("/lib/x86_64-linux-gnu/libc.so.6", "no_such_function_xyz", false, &s), -ENOENT);
	assert_true(probe_site_find("/nonexistent", "malloc", false, &s) < 0);
}

/* memmon leak's operator new probes: every variant is found in libstdc++ (loaded here, as
 * a C++ program loads it), with a size, and the probe inside the function. */
static void test_probe_site_operator_new(void **state)
{
	static const char *const names[] = {
		"_Znwm", "_ZnwmRKSt9nothrow_t", "_ZnwmSt11align_val_t",
		"_ZnwmSt11align_val_tRKSt9nothrow_t", "_Znam", "_ZnamRKSt9nothrow_t",
		"_ZnamSt11align_val_t", "_ZnamSt11align_val_tRKSt9nothrow_t",
	};
	char lib[4096];
	struct probe_site s;
	assert_non_null(dlopen("libstdc++.so.6", RTLD_NOW));
	assert_int_equal(proc_find_library(getpid(), "libstdc++.so", lib, sizeof(lib)), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(probe_site_find(lib, names[i], false, &s), 0);
		assert_true(s.func_size > 0);
		assert_true(s.probe_offset >= s.func_offset);
		assert_true(s.probe_offset < s.func_offset + s.func_size);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_site),
		cmocka_unit_test(test_probe_site_libc),
		cmocka_unit_test(test_probe_site_operator_new),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
