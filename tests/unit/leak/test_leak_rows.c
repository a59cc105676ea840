/* Unit tests of the leak report's rows (leak/leak_rows.h on core/keyed_table.h): one row per
 * stack however many allocations, most bytes first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "leak/leak_rows.h"

static void test_leak_rows(void **state)
{
	struct keyed_table r;
	leak_rows_init(&r);
	for (int i = 0; i < 5000; i++) {
		struct stack_key k = { .retaddr = (uint64_t)(i % 1000), .stackid = i % 7, .tgid = 1 };
		struct leak_row *row = leak_rows_get(&r, &k);
		row->bytes += 10;
		row->count++;
	}
	/* keys: (i%1000, i%7) -> 7000 combos possible, 5000 samples, gcd(1000,7)=1 -> 5000 distinct */
	assert_int_equal(ktable_count(&r), 5000);
	struct stack_key k = { .retaddr = 5, .stackid = 5, .tgid = 1 };
	assert_int_equal(leak_rows_get(&r, &k)->count, 1);
	assert_int_equal(ktable_count(&r), 5000);
	leak_rows_get(&r, &k)->bytes = 1000000;
	leak_rows_sort(&r);
	const struct leak_row *first = ktable_row(&r, 0);
	assert_int_equal(first->bytes, 1000000);
	assert_int_equal(first->key.retaddr, 5);
	ktable_free(&r);
}

/* leak_rows_add: one allocation more on its stack's row, the oldest age kept, the latest
 * allocator named; ties in bytes go to the row with more allocations. */
static void test_leak_rows_add(void **state)
{
	struct keyed_table r;
	leak_rows_init(&r);
	struct stack_key a = { .retaddr = 0x1000, .stackid = 1, .tgid = 7 };
	struct stack_key b = { .retaddr = 0x1000, .stackid = 1, .tgid = 8 }; /* another process */
	assert_int_equal(leak_rows_add(&r, &a, 100, FN_MALLOC, 50), 0);
	assert_int_equal(leak_rows_add(&r, &a, 100, FN_CALLOC, 20), 0);
	assert_int_equal(leak_rows_add(&r, &a, 100, FN_CALLOC, 0), 0); /* age unknown */
	assert_int_equal(leak_rows_add(&r, &b, 300, FN_MMAP, 0), 0);
	assert_int_equal(ktable_count(&r), 2);
	leak_rows_sort(&r);
	const struct leak_row *first = ktable_row(&r, 0), *second = ktable_row(&r, 1);
	assert_int_equal(first->key.tgid, 7);
	assert_int_equal(first->bytes, 300);
	assert_int_equal(first->count, 3);
	assert_int_equal(first->fn, FN_CALLOC);
	assert_int_equal(first->oldest_ns, 20);
	assert_int_equal(second->key.tgid, 8);
	assert_int_equal(second->count, 1);
	assert_int_equal(second->oldest_ns, 0);
	ktable_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leak_rows),
		cmocka_unit_test(test_leak_rows_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
