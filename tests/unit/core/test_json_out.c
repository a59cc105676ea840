/* The JSON rule for floats (README, "JSON Lines"): what the measurement supports, at most
 * 6 decimals with trailing zeros dropped, and null for undefined values. */
#include "core/json_out.h"
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static const char *line_of(double v)
{
	static char buf[128];
	struct json_object *o = json_object_new_object();
	json_add_double(o, "v", v);
	snprintf(buf, sizeof(buf), "%s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return buf;
}

static void test_floats(void **state)
{
	assert_string_equal(line_of(6.7633349999999997), "{\"v\":6.763335}");
	assert_string_equal(line_of(0.25485475700043025), "{\"v\":0.254855}");
	assert_string_equal(line_of(1.5), "{\"v\":1.5}");
	assert_string_equal(line_of(2), "{\"v\":2.0}");
	assert_string_equal(line_of(-0.0000001), "{\"v\":-0.0}");
	assert_string_equal(line_of(NAN), "{\"v\":null}");
	assert_string_equal(line_of(INFINITY), "{\"v\":null}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
