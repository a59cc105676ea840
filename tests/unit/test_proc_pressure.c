/* /proc/loadavg and /proc/meminfo parsers: exact values from real text, rejection of
 * malformed text, and a mutation fuzz (truncations, byte flips, random bytes) under ASan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "proc_pressure.h"

static const char *MEMINFO =
	"MemTotal:       24684008 kB\n"
	"MemFree:        24443728 kB\n"
	"MemAvailable:   24386536 kB\n"
	"Buffers:           13428 kB\n"
	"Cached:           128300 kB\n";

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

static void test_meminfo_exact(void **state)
{
	struct meminfo_free mi;
	assert_int_equal(meminfo_parse(MEMINFO, &mi), 0);
	assert_int_equal(mi.total_kb, 24684008);
	assert_int_equal(mi.free_kb, 24443728);
	assert_int_equal(mi.available_kb, 24386536);
}

static void test_meminfo_partial(void **state)
{
	struct meminfo_free mi;
	/* old kernels have no MemAvailable */
	assert_int_equal(meminfo_parse("MemTotal: 100 kB\nMemFree: 50 kB\n", &mi), 0);
	assert_int_equal(mi.free_kb, 50);
	assert_true(mi.available_kb == UINT64_MAX);
	/* a key that only starts like MemFree is not MemFree */
	assert_int_equal(meminfo_parse("MemFreeX: 5 kB\n", &mi), -1);
	assert_int_equal(meminfo_parse("MemFree: kB\n", &mi), -1);
	assert_int_equal(meminfo_parse("", &mi), -1);
}

static void test_read_live(void **state)
{
	struct loadavg la;
	struct meminfo_free mi;
	assert_int_equal(loadavg_read(&la), 0);
	assert_true(la.total >= 1);
	assert_int_equal(meminfo_read(&mi), 0);
	assert_true(mi.free_kb > 0 && mi.free_kb <= mi.total_kb);
}

/* Every truncation and many random mutations: the parsers must never read out of bounds. */
static void test_fuzz(void **state)
{
	const char *seeds[] = { MEMINFO, "0.27 0.13 0.07 2/187 8424\n" };
	unsigned seed = 12345;
	for (size_t s = 0; s < 2; s++) {
		size_t len = strlen(seeds[s]);
		for (size_t cut = 0; cut <= len; cut++) {
			char *buf = malloc(cut + 1);
			memcpy(buf, seeds[s], cut);
			buf[cut] = 0;
			struct loadavg la;
			struct meminfo_free mi;
			loadavg_parse(buf, &la);
			meminfo_parse(buf, &mi);
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
			struct meminfo_free mi;
			if (loadavg_parse(buf, &la) == 0)
				assert_true(la.avg1 >= 0 && la.running >= 0);
			if (meminfo_parse(buf, &mi) == 0)
				assert_true(mi.free_kb != UINT64_MAX);
			free(buf);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loadavg_exact), cmocka_unit_test(test_loadavg_malformed),
		cmocka_unit_test(test_meminfo_exact), cmocka_unit_test(test_meminfo_partial),
		cmocka_unit_test(test_read_live),     cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
