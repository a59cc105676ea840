/* The strict number parsers and the split at "--" (core/cli.c). */
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

static void test_parse_long(void **state)
{
	long v;
	assert_int_equal(cli_parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	/* numbers are decimal: "010" is 10, "0x10" is not a number */
	assert_int_equal(cli_parse_long("010", 0, 100, &v), 0);
	assert_int_equal(v, 10);
	assert_int_not_equal(cli_parse_long("0x10", 0, 100, &v), 0);
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
	assert_int_equal(cli_parse_size("010", &v), 0);
	assert_int_equal(v, 10);
	assert_int_not_equal(cli_parse_size("0x10", &v), 0);
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

static void test_split_program(void **state)
{
	char *argv[] = { "leak", "-i", "1", "--", "prog", "a", NULL };
	struct cli c = { 0 };
	assert_int_equal(cli_split_program(&c, 6, argv), 3);
	assert_string_equal(c.prog_argv[0], "prog");
	assert_int_equal(c.prog_argc, 2);
	assert_null(argv[3]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_double),
		cmocka_unit_test(test_split_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
