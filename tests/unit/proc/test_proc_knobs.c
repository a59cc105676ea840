/* The small sysfs/procfs parsers of sys and cgroups: integer files and /proc/swaps. */
#include "proc/proc_numbers.h"
#include "proc/proc_swaps.h"
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define LEN(s) (sizeof(s) - 1)

static void test_numbers(void **state)
{
	int64_t v[9];
	assert_int_equal(numbers_parse("60\n", 3, v, 9), 1);
	assert_int_equal(v[0], 60);
	/* zram mm_stat: nine counters on one line, blank-padded */
	static const char mm[] = " 4096  1024  8192  0  8192  0  0  0  0\n";
	assert_int_equal(numbers_parse(mm, LEN(mm), v, 9), 9);
	assert_int_equal(v[0], 4096);
	assert_int_equal(v[2], 8192);
	assert_int_equal(numbers_parse("-1000", 5, v, 9), 1);
	assert_int_equal(v[0], -1000);
	assert_int_equal(numbers_parse("1 2 3", 5, v, 2), 2); /* the first max */
	assert_int_equal(numbers_parse("", 0, v, 9), 0);
	assert_int_equal(numbers_parse("max\n", 4, v, 9), -EINVAL);
	assert_int_equal(numbers_parse("12x", 3, v, 9), -EINVAL);
	assert_int_equal(numbers_parse("-", 1, v, 9), -EINVAL);
	assert_int_equal(numbers_parse("99999999999999999999", 20, v, 9), -EINVAL);
	assert_int_equal(numbers_parse("7", 1, v, 9), 1); /* no newline: the length bounds it */
}

static void test_swaps(void **state)
{
	static const char text[] =
		"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		"/dev/zram0                              partition\t65532\t\t1024\t\t100\n"
		"/var/tmp/swap\\040file                   file\t\t16380\t\t0\t\t-2\n";
	struct swap_area a[4];
	assert_int_equal(swaps_parse(text, LEN(text), a, 4), 2);
	assert_string_equal(a[0].name, "/dev/zram0");
	assert_string_equal(a[0].kind, "partition");
	assert_int_equal(a[0].size_kb, 65532);
	assert_int_equal(a[0].used_kb, 1024);
	assert_int_equal(a[0].priority, 100);
	assert_string_equal(a[1].name, "/var/tmp/swap\\040file");
	assert_int_equal(a[1].priority, -2);
	static const char none[] = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
	assert_int_equal(swaps_parse(none, LEN(none), a, 4), 0);
	assert_int_equal(swaps_parse("", 0, a, 4), -EINVAL);
	static const char broken[] = "Filename Type Size Used Priority\n/dev/x partition 12\n";
	assert_int_equal(swaps_parse(broken, LEN(broken), a, 4), -EINVAL);
	static const char extra[] = "Filename Type Size Used Priority\n/dev/x partition 1 2 3 4\n";
	assert_int_equal(swaps_parse(extra, LEN(extra), a, 4), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_swaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
