/* Unit tests of the foundation's pure parts: option parsers, probe-site decoding,
 * kallsyms lookup, frame formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/cli.h"
#include "kernel/probe_site.h"
#include "proc/proc_libs.h"
#include "symbols/ksyms.h"
#include "symbols/symbolize.h"

static void test_parse_long(void **state)
{
	long v;
	assert_int_equal(cli_parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cli_parse_long("0x10", 0, 100, &v), 0);
	assert_int_equal(v, 16);
	assert_int_not_equal(cli_parse_long("101", 0, 100, &v), 0);
	assert_int_not_equal(cli_parse_long("12abc", 0, 100, &v), 0);
	assert_int_not_equal(cli_parse_long("", 0, 100, &v), 0);
	assert_int_not_equal(cli_parse_long(NULL, 0, 100, &v), 0);
	assert_int_not_equal(cli_parse_long("99999999999999999999999", 0, 100, &v), 0);
}

static void test_parse_size(void **state)
{
	unsigned long long v;
	assert_int_equal(cli_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cli_parse_size("4k", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cli_parse_size("2M", &v), 0);
	assert_int_equal(v, 2 << 20);
	assert_int_equal(cli_parse_size("1G", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_not_equal(cli_parse_size("-1", &v), 0);
	assert_int_not_equal(cli_parse_size("4kb", &v), 0);
	assert_int_not_equal(cli_parse_size("99999999999999999999G", &v), 0);
}

static void test_parse_double(void **state)
{
	double v;
	assert_int_equal(cli_parse_double("0.5", 0.01, 10, &v), 0);
	assert_true(v == 0.5);
	assert_int_not_equal(cli_parse_double("0", 0.01, 10, &v), 0);
	assert_int_not_equal(cli_parse_double("nan", 0, 10, &v), 0);
	assert_int_not_equal(cli_parse_double("1s", 0, 10, &v), 0);
	assert_int_not_equal(cli_parse_double("0x10", 0, 100, &v), 0); /* not 16 s */
	assert_int_equal(cli_parse_double("1e1", 0, 100, &v), 0);
	assert_true(v == 10);
}

/* --comm: a task name is at most 15 characters; a longer one would match nothing. */
static void test_comm_option(void **state)
{
	struct cli c = { 0 };
	assert_int_equal(cli_common_option(&c, "test", OPT_COMM, "exactly15chars_"), 1);
	assert_string_equal(c.comm, "exactly15chars_");
	c.comm = NULL;
	assert_int_equal(cli_common_option(&c, "test", OPT_COMM, "sixteen_chars_xy"), -1);
	assert_int_equal(cli_common_option(&c, "test", OPT_COMM, ""), -1);
	assert_null(c.comm);
}

static void test_split_program(void **state)
{
	char *argv[] = { "leak", "-i", "1", "--", "prog", "a", NULL };
	struct cli c = { 0 };
	assert_int_equal(cli_split_program(&c, 6, argv), 3);
	assert_string_equal(c.prog_argv[0], "prog");
	assert_int_equal(c.prog_argc, 2);
	assert_null(argv[3]);
}

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

/* memmon leak's operator new probes: every variant is found in libstdc++ (which this test,
 * like memmon, links), with a size, and the probe inside the function. */
static void test_probe_site_operator_new(void **state)
{
	static const char *const names[] = {
		"_Znwm", "_ZnwmRKSt9nothrow_t", "_ZnwmSt11align_val_t",
		"_ZnwmSt11align_val_tRKSt9nothrow_t", "_Znam", "_ZnamRKSt9nothrow_t",
		"_ZnamSt11align_val_t", "_ZnamSt11align_val_tRKSt9nothrow_t",
	};
	char lib[4096];
	struct probe_site s;
	assert_int_equal(proc_find_library(getpid(), "libstdc++.so", lib, sizeof(lib)), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(probe_site_find(lib, names[i], false, &s), 0);
		assert_true(s.func_size > 0);
		assert_true(s.probe_offset >= s.func_offset);
		assert_true(s.probe_offset < s.func_offset + s.func_size);
	}
}

static void test_ksyms(void **state)
{
	char path[] = "/tmp/memmon-ksyms-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	fputs("ffffffff81000000 T _stext\n"
	      "ffffffff81000100 t helper\n"
	      "ffffffff81000200 D some_data\n"
	      "ffffffffc0000000 t ext4_thing\t[ext4]\n"
	      "garbage line\n", fp);
	fclose(fp);
	struct ksyms *k = ksyms_load(path);
	unlink(path);
	assert_non_null(k);
	const struct ksym *s = ksyms_find(k, 0xffffffff81000150);
	assert_string_equal(s->name, "helper");
	assert_null(s->module);
	s = ksyms_find(k, 0xffffffffc0000010);
	assert_string_equal(s->name, "ext4_thing");
	assert_string_equal(s->module, "[ext4]");
	assert_null(ksyms_find(k, 0x1000));
	assert_int_equal(ksyms_addr(k, "helper"), 0xffffffff81000100);
	ksyms_free(k);
	assert_null(ksyms_load("/nonexistent/kallsyms"));
}

static void test_frame_format(void **state)
{
	char buf[256];
	struct sym_frame f = { .addr = 0x401234, .module = "/usr/bin/prog", .module_offset = 0x1234,
			       .symbol = "leak_pages", .offset = 0x1b, .file = "leak.c", .line = 12 };
	sym_frame_format(&f, buf, sizeof(buf));
	assert_string_equal(buf, "leak_pages+0x1b leak.c:12 [prog]");
	f.symbol = NULL;
	f.file = NULL;
	sym_frame_format(&f, buf, sizeof(buf));
	assert_string_equal(buf, "prog+0x1234");
	struct sym_frame k = { .addr = 0xffffffff81000150, .module = "[kernel]", .symbol = "helper", .offset = 0x50 };
	sym_frame_format(&k, buf, sizeof(buf));
	assert_string_equal(buf, "helper+0x50 [kernel]");
	struct sym_frame none = { .addr = 0xdead };
	sym_frame_format(&none, buf, sizeof(buf));
	assert_string_equal(buf, "0xdead [no mapping known]");
}

static void test_symbolize_self(void **state)
{
	/* This test binary is built with -g: its own function resolves to this file. */
	struct symbolizer *s = symbolizer_new();
	assert_int_equal(symbolizer_capture_pid(s, getpid()), 0);
	struct sym_frame f[SYM_MAX_INLINE];
	int n = symbolize_user(s, getpid(), (uint64_t)(uintptr_t)&test_symbolize_self, false, f, SYM_MAX_INLINE);
	assert_true(n >= 1);
	assert_string_equal(f[n - 1].symbol, "test_symbolize_self");
	assert_non_null(strstr(f[n - 1].file, "test_foundation.c"));
	/* an address in no mapping stays a bare address, counted as unresolved */
	n = symbolize_user(s, getpid(), 0x10, false, f, SYM_MAX_INLINE);
	assert_int_equal(n, 1);
	assert_null(f[0].module);
	assert_true(symbolizer_stats(s).unresolved >= 1);
	symbolizer_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_long),    cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_double),  cmocka_unit_test(test_split_program),
		cmocka_unit_test(test_comm_option),
		cmocka_unit_test(test_probe_site),    cmocka_unit_test(test_probe_site_libc),
		cmocka_unit_test(test_probe_site_operator_new),
		cmocka_unit_test(test_ksyms),         cmocka_unit_test(test_frame_format),
		cmocka_unit_test(test_symbolize_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
