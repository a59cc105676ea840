/* The OOM badness arithmetic of oom --rank against the kernel's (oom_badness and
 * proc_oom_score in 6.x), on figures whose results are worked out by hand (4 kB pages). */
#include "pressure/oom_rank.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>
#include <cmocka.h>

static void test_badness(void **state)
{
	if (sysconf(_SC_PAGESIZE) != 4096)
		skip();
	/* 32 MiB RSS, 72 kB page tables (18 pages), adj 600, in a 128 MiB cgroup: totalpages
	 * 32768, adj x (32768 / 1000) = 600 x 32 = 19200 pages */
	struct oom_candidate c = { .rss_kb = 32768, .pgtables_kb = 72, .oom_score_adj = 600 };
	assert_int_equal(oom_badness_kb(&c, 131072), (8192 + 18 + 19200) * 4);
	/* system-wide with 24683548 kB (6170887 pages): adj 200 -> 200 x 6170 pages */
	struct oom_candidate s = { .rss_kb = 81296, .swap_kb = 400, .pgtables_kb = 300, .oom_score_adj = 200 };
	int64_t b = oom_badness_kb(&s, 24683548);
	assert_int_equal(b, (20324 + 100 + 75 + 200 * 6170) * 4);
	/* (1000 + 1254499 x 1000 / 6170887) x 2 / 3 = (1000 + 203) x 2 / 3 = 802 */
	assert_int_equal(oom_score_of(b, 24683548), 802);
	/* nothing resident, adj 0: 666; adj -999: -999 x 6170 pages, (1000 - 998) x 2 / 3 = 1 */
	struct oom_candidate z = { 0 };
	assert_int_equal(oom_score_of(oom_badness_kb(&z, 24683548), 24683548), 666);
	z.oom_score_adj = -999;
	assert_int_equal(oom_score_of(oom_badness_kb(&z, 24683548), 24683548), 1);
	z.oom_score_adj = -1000;
	assert_int_equal(oom_score_of(oom_badness_kb(&z, 24683548), 24683548), 0);
	assert_int_equal(oom_score_of(1000, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_badness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
