/* The PSI (/proc/pressure/RESOURCE) and /proc/PID/stat parsers: exact values from real text,
 * malformed text refused, every truncation and random mutations under ASan, and the live
 * files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proc/proc_pid_stat.h"
#include "proc/proc_psi.h"

static const char PSI_MEMORY[] = "some avg10=1.25 avg60=0.00 avg300=12.50 total=11799373\n"
				 "full avg10=0.00 avg60=0.03 avg300=0.05 total=8447327\n";
/* comm with a space and a ')' in it: fields count from the last ')' */
static const char STAT[] = "23390 (a b) c) R 23377 23377 15530 0 -1 4194304 96 7 3 0 1 0 0 0 "
			   "20 0 1 0 2446541 3133440 413 18446744073709551615\n";

static void test_psi_exact(void **state)
{
	struct psi p;
	assert_int_equal(psi_parse(PSI_MEMORY, strlen(PSI_MEMORY), &p), 0);
	assert_true(p.some.present && p.full.present);
	assert_true(p.some.avg10 == 1.25 && p.some.avg60 == 0 && p.some.avg300 == 12.5);
	assert_int_equal(p.some.total_us, 11799373);
	assert_true(p.full.avg60 == 0.03);
	assert_int_equal(p.full.total_us, 8447327);
	/* cpu before 5.13: no full line */
	const char *cpu = "some avg10=99.65 avg60=81.59 avg300=34.05 total=5338268345\n";
	assert_int_equal(psi_parse(cpu, strlen(cpu), &p), 0);
	assert_false(p.full.present);
	assert_int_equal(p.some.total_us, 5338268345ULL);
}

static void test_psi_malformed(void **state)
{
	const char *bad[] = {
		"",
		"full avg10=0.00 avg60=0.00 avg300=0.00 total=1\n", /* no some */
		"some avg10=0.00 avg60=0.00 total=1\n",
		"some avg10=0 avg60=0.00 avg300=0.00 total=1\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=1x\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=99999999999999999999\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nsome avg10=0.00 avg60=0.00 avg300=0.00 total=1\n",
		"other avg10=0.00 avg60=0.00 avg300=0.00 total=1\n",
	};
	struct psi p;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (psi_parse(bad[i], strlen(bad[i]), &p) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
}

static void test_stat_exact(void **state)
{
	struct pid_stat st;
	assert_int_equal(pid_stat_parse(STAT, strlen(STAT), &st), 0);
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.minflt, 96);
	assert_int_equal(st.majflt, 3);
}

static void test_stat_malformed(void **state)
{
	const char *bad[] = {
		"", "23390 cat R 1 2 3 4 5 6 7 8 9", "23390 (cat)", "23390 (cat) R 1 2 3 4 5 6 7",
		"23390 (cat) R 1 2 3 4 5 6 x 8 9", "23390 (cat) RR 1 2 3 4 5 6 7 8 9",
		"23390 (cat) R 1 2 3 4 5 6 7 8 -9", "1 (c)  R 1 2 3 4 5 6 7 8 9",
	};
	struct pid_stat st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pid_stat_parse(bad[i], strlen(bad[i]), &st) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
}

/* Each input in a buffer of exactly its length: ASan sees any read past the end. */
static void mutate(const char *seed, int (*parse)(const char *, size_t))
{
	size_t len = strlen(seed);
	for (size_t cut = 0; cut <= len; cut++) {
		char *b = malloc(cut ? cut : 1);
		memcpy(b, seed, cut);
		int r = parse(b, cut);
		assert_true(r == 0 || r == -EINVAL);
		free(b);
	}
	unsigned s = 4242;
	for (int round = 0; round < 20000; round++) {
		size_t n = 1 + rand_r(&s) % len;
		char *b = malloc(n);
		memcpy(b, seed, n);
		for (int f = 1 + rand_r(&s) % 6; f > 0; f--)
			b[rand_r(&s) % n] = (char)(rand_r(&s) % 256);
		int r = parse(b, n);
		assert_true(r == 0 || r == -EINVAL);
		free(b);
	}
}

static int psi_any(const char *t, size_t n)
{
	struct psi p;
	int r = psi_parse(t, n, &p);
	if (r == 0)
		assert_true(p.some.present);
	return r;
}

static int stat_any(const char *t, size_t n)
{
	struct pid_stat st;
	return pid_stat_parse(t, n, &st);
}

static void test_fuzz(void **state)
{
	mutate(PSI_MEMORY, psi_any);
	mutate(STAT, stat_any);
}

static void test_live(void **state)
{
	struct psi p;
	int r = psi_read("memory", &p);
	if (r == -ENOENT || r == -EOPNOTSUPP)
		skip(); /* a kernel without PSI */
	assert_int_equal(r, 0);
	assert_true(p.some.present && p.full.present && p.some.total_us >= p.full.total_us);
	struct text_buf buf = { 0 };
	struct pid_stat st;
	assert_int_equal(pid_stat_read(getpid(), &buf, &st), 0);
	assert_int_equal(st.state, 'R');
	assert_true(st.minflt > 0);
	assert_int_equal(pid_stat_read(2147483000, &buf, &st), -ENOENT);
	text_buf_free(&buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psi_exact),  cmocka_unit_test(test_psi_malformed),
		cmocka_unit_test(test_stat_exact), cmocka_unit_test(test_stat_malformed),
		cmocka_unit_test(test_fuzz),       cmocka_unit_test(test_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
