/* memmon heap's accounting (heap/heap_account.c): the lazy per-stack value at the peak,
 * the block table (deletion by shifting back) against a plain reference, temporary counts,
 * exec's forgetting, and the sampling weights. */
#include "heap/heap_account.h"
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const struct heap_stack_row *row(const struct heap_account *a, uint32_t proc, uint32_t stack)
{
	struct heap_stack_key k = { proc, stack };
	return ktable_find(&a->rows, &k);
}

static void test_peak_is_each_stacks_bytes_at_the_peak(void **state)
{
	(void)state;
	struct heap_account a;
	heap_account_init(&a, 0);
	heap_account_alloc(&a, 0, 0x1000, 100, 1, 10); /* A 100 */
	heap_account_alloc(&a, 0, 0x2000, 50, 2, 20);  /* B 50: peak 150 */
	heap_account_free_block(&a, 0, 0x1000, NULL); /* A 0 */
	heap_account_alloc(&a, 0, 0x3000, 30, 2, 30);  /* B 80, total 80: no new peak */
	assert_int_equal((int)a.procs[0].peak_bytes, 150);
	assert_int_equal(a.procs[0].peak_tsc, 20);
	assert_int_equal((int)heap_row_peak(&a, row(&a, 0, 1)), 100);
	assert_int_equal((int)heap_row_peak(&a, row(&a, 0, 2)), 50);
	heap_account_alloc(&a, 0, 0x4000, 200, 1, 40); /* A 200, total 280: the new peak */
	assert_int_equal((int)a.procs[0].peak_bytes, 280);
	assert_int_equal((int)heap_row_peak(&a, row(&a, 0, 1)), 200);
	assert_int_equal((int)heap_row_peak(&a, row(&a, 0, 2)), 80);
	heap_account_free_block(&a, 0, 0x4000, NULL);
	heap_account_free_block(&a, 0, 0x3000, NULL);
	assert_int_equal((int)heap_row_peak(&a, row(&a, 0, 1)), 200);
	assert_int_equal((int)heap_row_peak(&a, row(&a, 0, 2)), 80);
	/* another process has a peak of its own */
	heap_account_alloc(&a, 1, 0x1000, 7, 1, 50);
	assert_int_equal((int)a.procs[1].peak_bytes, 7);
	assert_int_equal((int)heap_row_peak(&a, row(&a, 1, 1)), 7);
	assert_int_equal((int)heap_row_peak(&a, row(&a, 0, 1)), 200);
	heap_account_free(&a);
}

static void test_blocks_against_a_reference(void **state)
{
	(void)state;
	enum { N = 200000, STACKS = 7 };
	struct heap_account a;
	heap_account_init(&a, 0);
	uint64_t *ptr = malloc(N * sizeof(*ptr));
	bool *live = calloc(N, 1);
	double bytes[STACKS] = { 0 }, count[STACKS] = { 0 };
	unsigned x = 1;
	/* addresses 16 bytes apart in clusters: many share a home slot */
	for (int i = 0; i < N; i++) {
		ptr[i] = 0x555500000000ull + (uint64_t)i * 16;
		uint32_t stack = (uint32_t)(i % STACKS) + 1;
		heap_account_alloc(&a, 0, ptr[i], (uint64_t)(i % 100) + 1, stack, (uint64_t)i);
		live[i] = true;
		bytes[stack - 1] += (double)(i % 100) + 1;
		count[stack - 1] += 1;
		x = x * 1103515245u + 12345u;
		int j = (int)((x >> 8) % (unsigned)(i + 1));
		if (live[j]) {
			heap_account_free_block(&a, 0, ptr[j], NULL);
			live[j] = false;
			bytes[j % STACKS] -= (double)(j % 100) + 1;
			count[j % STACKS] -= 1;
		}
	}
	for (int s = 0; s < STACKS; s++) {
		const struct heap_stack_row *r = row(&a, 0, (uint32_t)s + 1);
		assert_non_null(r);
		assert_true(r->live_bytes == bytes[s]);
		assert_true(r->live_count == count[s]);
	}
	/* every live block is found and every freed one is not */
	uint64_t unknown = a.procs[0].unknown_frees;
	for (int i = 0; i < N; i++)
		heap_account_free_block(&a, 0, ptr[i], NULL);
	assert_int_equal(a.nblocks, 0);
	uint64_t freed_before = 0;
	for (int i = 0; i < N; i++)
		freed_before += !live[i];
	assert_int_equal(a.procs[0].unknown_frees - unknown, freed_before);
	assert_true(a.procs[0].live_bytes == 0);
	free(ptr);
	free(live);
	heap_account_free(&a);
}

static void test_temporary_and_exec(void **state)
{
	(void)state;
	struct heap_account a;
	heap_account_init(&a, 0);
	struct heap_last_alloc last = heap_account_alloc(&a, 0, 0x10, 8, 3, 1);
	heap_account_free_block(&a, 0, 0x10, &last); /* the next call: temporary */
	heap_account_alloc(&a, 0, 0x10, 8, 3, 2);
	heap_account_alloc(&a, 0, 0x20, 8, 3, 3); /* 0x10 allocated again without a free seen */
	const struct heap_stack_row *r = row(&a, 0, 3);
	assert_true(r->allocations == 3 && r->temporary == 1 && r->live_count == 2);
	assert_int_equal(a.nblocks, 2);
	heap_account_alloc(&a, 1, 0x10, 5, 4, 4); /* the same address in another process */
	heap_account_forget_proc(&a, 0);
	assert_true(a.procs[0].replaced);
	assert_int_equal(a.nblocks, 1);
	assert_true(heap_account_live(&a) == 5);
	heap_account_free(&a);
}

/* heaptrack's rule: the thread's next call frees a block of the last allocation's stack and
 * size (not necessarily that block); any other stack or size is not temporary. */
static void test_temporary_rule(void **state)
{
	(void)state;
	struct heap_account a;
	heap_account_init(&a, 0);
	heap_account_alloc(&a, 0, 0x100, 64, 7, 1);
	struct heap_last_alloc last = heap_account_alloc(&a, 0, 0x200, 64, 7, 2);
	heap_account_free_block(&a, 0, 0x100, &last); /* the first of two equal blocks: counts */
	heap_account_free_block(&a, 0, 0x200, NULL);  /* not the next call after an allocation */
	assert_true(row(&a, 0, 7)->temporary == 1);
	last = heap_account_alloc(&a, 0, 0x300, 64, 8, 3); /* another stack, the same size */
	heap_account_alloc(&a, 0, 0x400, 32, 7, 4);
	heap_account_free_block(&a, 0, 0x400, &last); /* stack 7 freed after stack 8's allocation */
	struct heap_last_alloc size_differs = heap_account_alloc(&a, 0, 0x500, 65, 7, 5);
	heap_account_alloc(&a, 0, 0x600, 64, 7, 6);
	heap_account_free_block(&a, 0, 0x600, &size_differs);
	assert_true(row(&a, 0, 7)->temporary == 1 && row(&a, 0, 8)->temporary == 0);
	heap_account_free(&a);
}

static void test_sampling_weights(void **state)
{
	(void)state;
	struct heap_account a;
	heap_account_init(&a, 1000);
	heap_account_alloc(&a, 0, 0x10, 1000, 1, 1); /* P = 1 - 1/e */
	const struct heap_stack_row *r = row(&a, 0, 1);
	assert_true(fabs(r->allocated_bytes - 1000 / (1 - exp(-1))) < 1e-6);
	assert_true(fabs(r->allocations - 1 / (1 - exp(-1))) < 1e-9);
	struct heap_last_alloc last = heap_account_alloc(&a, 0, 0x20, 10, 2, 2); /* small: about rate
										   * bytes, rate/size allocations */
	r = row(&a, 0, 2);
	assert_true(fabs(r->allocated_bytes - 10 / -expm1(-0.01)) < 1e-6);
	heap_account_free_block(&a, 0, 0x20, &last);
	assert_true(fabs(r->live_bytes) < 1e-9);
	assert_true(fabs(r->temporary - 1 / -expm1(-0.01)) < 1e-9);
	heap_account_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peak_is_each_stacks_bytes_at_the_peak),
		cmocka_unit_test(test_blocks_against_a_reference),
		cmocka_unit_test(test_temporary_and_exec),
		cmocka_unit_test(test_temporary_rule),
		cmocka_unit_test(test_sampling_weights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
