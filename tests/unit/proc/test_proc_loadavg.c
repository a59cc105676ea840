/* The /proc/loadavg parser: exact values from real text, rejection of malformed text, and a
 * mutation fuzz (truncations, byte flips, random bytes) under ASan. The oom report's free
 * memory comes from proc_meminfo (tested in test_proc_parsers); checked here live. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "proc/proc_meminfo.h"
#include "proc/proc_loadavg.h"

static void test_loadavg_exact(void **state)
{
	struct loadavg la;
	assert_int_equal(loadavg_parse("0.27 0.13 0.07 2/187 8424\n", &la), 0);
	assert_true(la.avg1 == 0.27 && la.avg5 == 0.13 && la.avg15 == 0.07);
	assert_int_equal(la.running, 2);
	assert_int_equal(la.total, 187);
}

static void test_loadavg_malformed(void **state)
{
	struct loadavg la;
	assert_int_equal(loadavg_parse("", &la), -1);
	assert_int_equal(loadavg_parse("0.27 0.13", &la), -1);
	assert_int_equal(loadavg_parse("a b c 1/2 3", &la), -1);
	assert_int_equal(loadavg_parse("-1 0 0 1/2 3", &la), -1);
	assert_int_equal(loadavg_parse("0.1 0.2 0.3 x/2 3", &la), -1);
}

static void test_read_live(void **state)
{
	struct loadavg la;
	struct meminfo mi;
	assert_int_equal(loadavg_read(&la), 0);
	assert_true(la.total >= 1);
	assert_int_equal(meminfo_read(&mi), 0);
	assert_true(mi.mem_free > 0 && mi.mem_free <= mi.mem_total);
}

/* Every truncation and many random mutations: the parsers must never read out of bounds. */
static void test_fuzz(void **state)
{
	const char *seeds[] = { "0.27 0.13 0.07 2/187 8424\n", "12.50 3.01 100.99 10/2000 99999\n" };
	unsigned seed = 12345;
	for (size_t s = 0; s < 2; s++) {
		size_t len = strlen(seeds[s]);
		for (size_t cut = 0; cut <= len; cut++) {
			char *buf = malloc(cut + 1);
			memcpy(buf, seeds[s], cut);
			buf[cut] = 0;
			struct loadavg la;
			loadavg_parse(buf, &la);
			free(buf);
		}
		for (int round = 0; round < 20000; round++) {
			char *buf = malloc(len + 1);
			memcpy(buf, seeds[s], len + 1);
			int flips = 1 + rand_r(&seed) % 8;
			for (int f = 0; f < flips; f++)
				buf[rand_r(&seed) % len] = (char)(rand_r(&seed) % 255 + 1);
			size_t cut = rand_r(&seed) % (len + 1);
			buf[cut] = 0;
			struct loadavg la;
			if (loadavg_parse(buf, &la) == 0)
				assert_true(la.avg1 >= 0 && la.running >= 0);
			free(buf);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loadavg_exact), cmocka_unit_test(test_loadavg_malformed),
		cmocka_unit_test(test_read_live),     cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
