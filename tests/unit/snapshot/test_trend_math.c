/* The arithmetic behind `memmon trend` and `memmon ps`: the line fit, the verdict,
 * the SVG chart, and the row table. */
#include "core/svg_plot.h"
#include "snapshot/linfit.h"
#include "snapshot/mem_rows.h"
#include "snapshot/trend_verdict.h"
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static void test_exact_line(void **state)
{
	double x[] = { 0, 1, 2, 3, 4 }, y[] = { 10, 13, 16, 19, 22 };
	struct linfit f;
	assert_int_equal(linfit(x, y, 5, &f), 0);
	assert_true(fabs(f.slope - 3) < 1e-12);
	assert_true(fabs(f.intercept - 10) < 1e-12);
	assert_true(fabs(f.r2 - 1) < 1e-12);
	assert_true(f.slope_se < 1e-9 && f.ci95 < 1e-9);
}

static void test_noisy_line(void **state)
{
	/* y = 2x + noise (+1, -1, ...): slope 2, r2 below 1, a known standard error. */
	double x[6], y[6];
	for (int i = 0; i < 6; i++) {
		x[i] = i;
		y[i] = 2 * i + (i % 2 ? -1 : 1);
	}
	struct linfit f;
	assert_int_equal(linfit(x, y, 6, &f), 0);
	/* sxx = 17.5, sxy = 35 - 3 = 32 -> slope 32/17.5 */
	assert_true(fabs(f.slope - 32 / 17.5) < 1e-12);
	assert_true(f.r2 > 0.8 && f.r2 < 1);
	double sse = 0;
	for (int i = 0; i < 6; i++) {
		double e = y[i] - (f.intercept + f.slope * x[i]);
		sse += e * e;
	}
	assert_true(fabs(f.slope_se - sqrt(sse / 4 / 17.5)) < 1e-12);
	assert_true(fabs(f.ci95 - f.slope_se * 2.776) < 1e-12); /* t(0.975, 4 df) */
}

static void test_degenerate(void **state)
{
	double x[] = { 1, 1, 1 }, y[] = { 1, 2, 3 };
	struct linfit f;
	assert_int_equal(linfit(x, y, 1, &f), -1);
	assert_int_equal(linfit(x, y, 3, &f), -1); /* all x equal */
	double x2[] = { 0, 1, 2 }, flat[] = { 5, 5, 5 };
	assert_int_equal(linfit(x2, flat, 3, &f), 0);
	assert_true(f.slope == 0 && isnan(f.r2)); /* flat: r2 undefined, not a perfect fit */
}

static void test_verdicts(void **state)
{
	struct linfit f = { .slope = 10240, .ci95 = 10, .r2 = 1, .n = 10 };
	assert_int_equal(trend_judge(&f, 2.0, 10000), TREND_GROWS);
	f.slope = -10240;
	assert_int_equal(trend_judge(&f, 2.0, 10000), TREND_SHRINKS);
	f.slope = 10; /* 20 kB over the window: below the 64 kB floor */
	assert_int_equal(trend_judge(&f, 2.0, 1000), TREND_STEADY);
	f.slope = 1000, f.ci95 = 1500; /* interval includes zero */
	assert_int_equal(trend_judge(&f, 10.0, 1000), TREND_STEADY);
	f.slope = 100, f.ci95 = 1; /* 1000 kB over 10 s but < 1% of a 1 GB process */
	assert_int_equal(trend_judge(&f, 10.0, 1e6), TREND_STEADY);
	f.n = 3;
	assert_int_equal(trend_judge(&f, 10.0, 1000), TREND_TOO_FEW);
	assert_string_equal(trend_verdict_name(TREND_GROWS), "grows");
	assert_string_equal(trend_verdict_name(TREND_STEADY), "steady");
}

static void test_svg(void **state)
{
	double x[] = { 0, 1, 2 }, y[] = { 1, 2, 3 };
	struct svg_series s[] = { { "a<b", "red", y } };
	struct svg_plot p = { .title = "t&t", .x_label = "s", .y_label = "kB", .x = x, .n = 3,
			      .series = s, .nseries = 1, .fit_slope = 1, .fit_intercept = 1, .fit_label = "fit" };
	char text[8192];
	FILE *f = fmemopen(text, sizeof(text), "w");
	assert_int_equal(svg_plot_write(f, &p), 0);
	size_t n = (size_t)ftell(f);
	fclose(f);
	text[n] = '\0';
	assert_non_null(strstr(text, "<svg"));
	assert_non_null(strstr(text, "</svg>"));
	assert_non_null(strstr(text, "a&lt;b"));
	assert_non_null(strstr(text, "t&amp;t"));
	assert_non_null(strstr(text, "stroke-dasharray"));
	f = fopen("/dev/full", "w"); /* a write error is reported */
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(svg_plot_write(f, &p), -EIO);
	fclose(f);
}

static void test_rows(void **state)
{
	struct keyed_table t;
	mem_rows_init(&t);
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "map%d", i % 1000);
		struct mem_row *r = mem_rows_get(&t, key);
		assert_non_null(r);
		assert_string_equal(r->key, key);
		r->count++;
	}
	assert_int_equal(ktable_count(&t), 1000);
	for (size_t i = 0; i < ktable_count(&t); i++)
		assert_int_equal(mem_row_at(&t, i)->count, 5);
	ktable_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_line), cmocka_unit_test(test_noisy_line),
		cmocka_unit_test(test_degenerate), cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_svg), cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
