/* The Prometheus text writer: HELP and TYPE lines, label escaping, number forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serve/prom_text.h"

static char *written(void (*fn)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f);
	fclose(f);
	return buf;
}

static void family(FILE *f)
{
	prom_family(f, "memmon_x_bytes", "gauge", "line one\nback\\slash");
	struct prom_label l[] = { { "pid", "12" }, { "comm", "a\"b\\c\nd" } };
	prom_u64(f, "memmon_x_bytes", l, 2, 18446744073709551615ULL);
	prom_u64(f, "memmon_x_bytes", NULL, 0, 0);
}

static void doubles(FILE *f)
{
	prom_double(f, "a", NULL, 0, 11.88176);
	prom_double(f, "a", NULL, 0, 8.490533);
	prom_double(f, "a", NULL, 0, NAN);
	prom_double(f, "a", NULL, 0, INFINITY);
	prom_double(f, "a", NULL, 0, -INFINITY);
	prom_double(f, "a", NULL, 0, 0);
}

static void test_family(void **state)
{
	char *s = written(family);
	assert_string_equal(s, "# HELP memmon_x_bytes line one\\nback\\\\slash\n"
			       "# TYPE memmon_x_bytes gauge\n"
			       "memmon_x_bytes{pid=\"12\",comm=\"a\\\"b\\\\c\\nd\"} 18446744073709551615\n"
			       "memmon_x_bytes 0\n");
	free(s);
}

static void test_doubles(void **state)
{
	char *s = written(doubles);
	assert_string_equal(s, "a 11.88176\na 8.490533\na NaN\na +Inf\na -Inf\na 0\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family), cmocka_unit_test(test_doubles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
