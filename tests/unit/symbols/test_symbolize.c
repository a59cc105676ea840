/* kallsyms lookup, frame formatting and symbolizing this very binary (symbols/). */
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
#include "symbols/ksyms.h"
#include "symbols/symbolize.h"

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
	assert_non_null(strstr(f[n - 1].file, "test_symbolize.c"));
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
		cmocka_unit_test(test_ksyms),
		cmocka_unit_test(test_frame_format),
		cmocka_unit_test(test_symbolize_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
