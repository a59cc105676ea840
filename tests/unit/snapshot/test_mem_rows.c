/* The rows of `memmon ps` on core/keyed_table (keys, merging, sort orders) and its printer
 * (the one ps_summary closing the JSON Lines). */
#include "snapshot/mem_rows.h"
#include "snapshot/ps_print.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static struct mem_row *add(struct keyed_table *t, const char *key, pid_t pid, const char *user,
			   uint64_t pss)
{
	struct mem_row *r = mem_rows_get(t, key);
	assert_non_null(r);
	r->pid = pid;
	snprintf(r->user, sizeof(r->user), "%s", user);
	r->c.pss = pss;
	r->count = 1;
	return r;
}

static void test_long_keys(void **state)
{
	struct keyed_table t;
	mem_rows_init(&t);
	char a[400], b[400];
	memset(a, 'x', sizeof(a) - 1);
	a[sizeof(a) - 1] = 0;
	memcpy(b, a, sizeof(b));
	b[300] = 'y'; /* differs only past the key's size: the same row */
	struct mem_row *r = mem_rows_get(&t, a);
	assert_non_null(r);
	assert_int_equal(strlen(r->key), SMAPS_NAME_MAX - 1);
	assert_ptr_equal(mem_rows_get(&t, b), r);
	assert_int_equal(ktable_count(&t), 1);
	ktable_free(&t);
}

static void test_merge(void **state)
{
	struct keyed_table dst, one;
	mem_rows_init(&dst);
	mem_rows_init(&one);
	add(&one, "/lib/libc.so.6", 0, "", 100)->count = 3;
	add(&one, "[heap]", 0, "", 50);
	/* The same process's mappings merged twice: two processes in pids. */
	assert_int_equal(mem_rows_merge(&dst, &one), 0);
	assert_int_equal(mem_rows_merge(&dst, &one), 0);
	assert_int_equal(ktable_count(&dst), 2);
	struct mem_row *libc = mem_rows_get(&dst, "/lib/libc.so.6");
	assert_int_equal(libc->count, 6);
	assert_int_equal(libc->pids, 2);
	assert_int_equal(libc->c.pss, 200);
	ktable_free(&dst);
	ktable_free(&one);
}

static void test_sort(void **state)
{
	struct keyed_table t;
	mem_rows_init(&t);
	add(&t, "30", 30, "bob", 100);
	add(&t, "10", 10, "carol", 300);
	add(&t, "20", 20, "alice", 100);
	mem_rows_sort(&t, PS_BY_PROCESS, COL_PSS, false); /* largest first, ties by pid */
	assert_int_equal(mem_row_at(&t, 0)->pid, 10);
	assert_int_equal(mem_row_at(&t, 1)->pid, 20);
	assert_int_equal(mem_row_at(&t, 2)->pid, 30);
	mem_rows_sort(&t, PS_BY_PROCESS, COL_PSS, true);
	assert_int_equal(mem_row_at(&t, 0)->pid, 30);
	mem_rows_sort(&t, PS_BY_PROCESS, COL_USER, false); /* by the name gathered in the row */
	assert_string_equal(mem_row_at(&t, 0)->user, "alice");
	assert_string_equal(mem_row_at(&t, 2)->user, "carol");
	/* The index follows the rows. */
	assert_int_equal(mem_rows_get(&t, "10")->pid, 10);
	assert_int_equal(ktable_count(&t), 3);
	enum ps_column c;
	assert_int_equal(ps_column_parse("count", PS_BY_PROCESS, &c), -1);
	assert_int_equal(ps_column_parse("count", PS_BY_USER, &c), 0);
	assert_int_equal(c, COL_COUNT);
	assert_int_equal(ps_column_parse("pids", PS_BY_MAPPING, &c), 0);
	assert_int_equal(ps_column_parse("bogus", PS_BY_MAPPING, &c), -1);
	ktable_free(&t);
}

static void test_print_json(void **state)
{
	struct keyed_table t;
	mem_rows_init(&t);
	add(&t, "1", 1, "root", 100);
	add(&t, "2", 2, "root", 50);
	struct ps_skipped skipped = { .vanished = 1, .unreadable = 2 };
	struct ps_print pp = { .mode = PS_BY_PROCESS, .json = true, .mem_total_kb = 1000,
			       .skipped = &skipped, .root = true };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	ps_print(&t, &pp, out);
	fclose(out);
	assert_true(len > 0 && text[len - 1] == '\n');
	text[len - 1] = 0;
	char *nl = strrchr(text, '\n'); /* the last line is the summary */
	const char *last = nl ? nl + 1 : text;
	assert_non_null(strstr(text, "\"type\":\"ps_process\""));
	assert_true(!strncmp(last, "{\"type\":\"ps_summary\"", 20));
	assert_non_null(strstr(last, "\"rows\":2"));
	assert_non_null(strstr(last, "\"processes\":2"));
	assert_non_null(strstr(last, "\"pss_kb\":150"));
	assert_non_null(strstr(last, "\"skipped\":{\"processes\":3,\"vanished\":1,\"unreadable\":2"));
	free(text);
	ktable_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_keys), cmocka_unit_test(test_merge),
		cmocka_unit_test(test_sort), cmocka_unit_test(test_print_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
