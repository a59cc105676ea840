/* The row container every command shares (core/keyed_table.c): against a plain array as
 * the reference, through growth, sorting, filtering and clearing. */
#include "core/keyed_table.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

struct row {
	struct { uint32_t tgid; uint64_t stack; } key;
	uint64_t count;
};

static int by_count_desc(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static bool odd_count(const void *row, void *ctx)
{
	(void)ctx;
	return ((const struct row *)row)->count & 1;
}

static void test_get_find_sort_filter(void **state)
{
	(void)state;
	struct keyed_table t;
	KTABLE_INIT(&t, struct row, key);
	enum { N = 50000 };
	/* Each key (i % N) is added i / N + 1 times over 3N additions. */
	for (uint64_t i = 0; i < 3 * N; i++) {
		struct row k = { .key = { (uint32_t)(i % N), (i % N) * 7919 } };
		bool created;
		struct row *r = ktable_get(&t, &k.key, &created);
		assert_non_null(r);
		assert_int_equal(created, i < N);
		r->count += (i % N) + 1;
	}
	assert_int_equal(ktable_count(&t), N);
	for (uint32_t i = 0; i < N; i++) {
		struct row k = { .key = { i, (uint64_t)i * 7919 } };
		struct row *r = ktable_find(&t, &k.key);
		assert_non_null(r);
		assert_int_equal(r->count, 3 * ((uint64_t)i + 1));
	}
	struct row absent = { .key = { 1, 1 } };
	assert_null(ktable_find(&t, &absent.key));

	ktable_sort(&t, by_count_desc);
	for (size_t i = 0; i < N; i++) {
		struct row *r = ktable_row(&t, i);
		assert_int_equal(r->count, 3 * (N - i));
		assert_ptr_equal(ktable_find(&t, &r->key), r); /* the index follows the rows */
	}
	ktable_filter(&t, odd_count, NULL);
	assert_int_equal(ktable_count(&t), N / 2);
	struct row kept = { .key = { N - 2, (uint64_t)(N - 2) * 7919 } }; /* count 3(N-1): odd */
	assert_non_null(ktable_find(&t, &kept.key));
	struct row dropped = { .key = { N - 1, (uint64_t)(N - 1) * 7919 } };  /* count 3N: even */
	assert_null(ktable_find(&t, &dropped.key));

	ktable_clear(&t);
	assert_int_equal(ktable_count(&t), 0);
	assert_null(ktable_find(&t, &kept.key));
	assert_non_null(ktable_get(&t, &kept.key, NULL));
	assert_int_equal(ktable_count(&t), 1);
	ktable_free(&t);
	assert_null(ktable_find(&t, &kept.key));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_find_sort_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
