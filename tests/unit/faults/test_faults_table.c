/* Unit tests of the faults command's pure parts: what rows gain between two reads of the
 * kernel's table, grouping by view, and the path built from the kernel's dentry names (fed
 * random and truncated input). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "faults/faults_names.h"
#include "faults/faults_table.h"

static struct fault_key key(uint32_t tgid, int64_t ustack, uint32_t kind, uint64_t ino)
{
	struct fault_key k = { .tgid = tgid, .ustack = ustack, .kstack = -1, .kind = kind, .ino = ino };
	return k;
}

static struct fault_counts counts(uint64_t minor, uint64_t major)
{
	struct fault_counts c = { .minor_user = minor, .major_user = major, .bytes = 4096 * (minor + major) };
	return c;
}

static void add(struct keyed_table *t, struct fault_key k, struct fault_counts c)
{
	assert_int_equal(fault_table_put(t, &k, &c), 0);
}

/* Row i of a grouped table. */
static const struct fault_entry *at(const struct keyed_table *t, size_t i)
{
	assert_true(i < ktable_count(t));
	return ktable_row(t, i);
}

#define ALL_FIELDS (FG_TGID | FG_STACK | FG_FILE)

static void test_group_by_stack_merges_files(void **state)
{
	struct keyed_table in, out;
	fault_table_init(&in);
	fault_entries_init(&out);
	fault_table_begin(&in);
	add(&in, key(10, 1, FK_FILE, 7), counts(3, 1));
	add(&in, key(10, 1, FK_HEAP, 0), counts(2, 0));
	add(&in, key(10, 2, FK_ANON, 0), counts(9, 0));
	add(&in, key(11, 1, FK_ANON, 0), counts(1, 0));
	assert_int_equal(fault_group(&in, true, FG_TGID | FG_STACK, &out), 0);
	assert_int_equal(ktable_count(&out), 3);
	/* Largest first: pid 10 stack 2 (9), pid 10 stack 1 (3+1+2), pid 11 (1). */
	assert_int_equal(at(&out, 0)->key.ustack, 2);
	assert_int_equal(fault_counts_total(&at(&out, 0)->c), 9);
	assert_int_equal(at(&out, 1)->key.ustack, 1);
	assert_int_equal(at(&out, 1)->key.tgid, 10);
	assert_int_equal(at(&out, 1)->c.minor_user, 5);
	assert_int_equal(at(&out, 1)->c.major_user, 1);
	assert_int_equal(at(&out, 1)->c.bytes, 4096 * 6);
	assert_int_equal(at(&out, 1)->key.kind, 0); /* file fields cleared */
	assert_int_equal(at(&out, 2)->key.tgid, 11);
	ktable_free(&in);
	ktable_free(&out);
}

static void test_group_by_file_merges_processes(void **state)
{
	struct keyed_table in, out;
	fault_table_init(&in);
	fault_entries_init(&out);
	fault_table_begin(&in);
	add(&in, key(10, 1, FK_FILE, 7), counts(3, 1));
	add(&in, key(11, 5, FK_FILE, 7), counts(4, 0));
	add(&in, key(11, 5, FK_FILE, 8), counts(1, 0));
	assert_int_equal(fault_group(&in, true, FG_FILE, &out), 0);
	assert_int_equal(ktable_count(&out), 2);
	assert_int_equal(at(&out, 0)->key.ino, 7);
	assert_int_equal(at(&out, 0)->key.tgid, 0);
	assert_int_equal(at(&out, 0)->key.ustack, -1);
	assert_int_equal(fault_counts_total(&at(&out, 0)->c), 8);
	assert_int_equal(at(&out, 1)->key.ino, 8);
	/* Equal totals keep a reproducible order (by key). */
	struct keyed_table in2, out2;
	fault_table_init(&in2);
	fault_entries_init(&out2);
	fault_table_begin(&in2);
	add(&in2, key(30, 1, 0, 0), counts(2, 0));
	add(&in2, key(20, 1, 0, 0), counts(2, 0));
	assert_int_equal(fault_group(&in2, true, FG_TGID, &out2), 0);
	assert_int_equal(at(&out2, 0)->key.tgid, 20);
	assert_int_equal(at(&out2, 1)->key.tgid, 30);
	ktable_free(&in);
	ktable_free(&out);
	ktable_free(&in2);
	ktable_free(&out2);
}

static void test_delta(void **state)
{
	/* Two reads of the kernel's table: the rows' deltas are the second minus the first. */
	struct keyed_table t, d;
	fault_table_init(&t);
	fault_entries_init(&d);
	fault_table_begin(&t);
	add(&t, key(1, 1, 0, 0), counts(5, 1));
	add(&t, key(2, 1, 0, 0), counts(7, 0));
	fault_table_begin(&t);
	add(&t, key(1, 1, 0, 0), counts(8, 1)); /* +3 minor */
	add(&t, key(2, 1, 0, 0), counts(7, 0)); /* unchanged: dropped */
	add(&t, key(3, 1, 0, 0), counts(0, 2)); /* new row */
	assert_int_equal(fault_group(&t, false, ALL_FIELDS, &d), 0);
	assert_int_equal(ktable_count(&d), 2);
	assert_int_equal(at(&d, 0)->key.tgid, 1);
	assert_int_equal(at(&d, 0)->c.minor_user, 3);
	assert_int_equal(at(&d, 0)->c.major_user, 0);
	assert_int_equal(at(&d, 0)->c.bytes, 3 * 4096);
	assert_int_equal(at(&d, 1)->key.tgid, 3);
	assert_int_equal(at(&d, 1)->c.major_user, 2);
	/* The first read of a table (nothing read before) gains everything. */
	struct keyed_table first;
	fault_table_init(&first);
	fault_table_begin(&first);
	add(&first, key(1, 1, 0, 0), counts(8, 1));
	add(&first, key(2, 1, 0, 0), counts(7, 0));
	add(&first, key(3, 1, 0, 0), counts(0, 2));
	assert_int_equal(fault_group(&first, false, ALL_FIELDS, &d), 0);
	assert_int_equal(ktable_count(&d), 3);
	/* A row the next read does not see gains nothing. */
	fault_table_begin(&t);
	add(&t, key(1, 1, 0, 0), counts(9, 1));
	assert_int_equal(fault_group(&t, false, ALL_FIELDS, &d), 0);
	assert_int_equal(ktable_count(&d), 1);
	assert_int_equal(at(&d, 0)->c.minor_user, 1);
	ktable_free(&t);
	ktable_free(&first);
	ktable_free(&d);
}

static void set_part(struct fault_file_info *info, int i, const char *s)
{
	memset(info->parts[i], 0, FAULT_NAME_LEN);
	memcpy(info->parts[i], s, strlen(s));
}

static void test_format_path(void **state)
{
	struct fault_file_info info;
	char buf[512];
	memset(&info, 0, sizeof(info));
	set_part(&info, 0, "libc.so.6");
	set_part(&info, 1, "lib");
	set_part(&info, 2, "usr");
	info.nparts = 3;
	faults_format_path(&info, buf, sizeof(buf));
	assert_string_equal(buf, "/usr/lib/libc.so.6");
	info.truncated = 1;
	faults_format_path(&info, buf, sizeof(buf));
	assert_string_equal(buf, ".../usr/lib/libc.so.6");
	faults_format_path(&info, buf, 8);
	assert_string_equal(buf, ".../usr");
	/* A name filling its whole slot, without a terminating NUL. */
	memset(info.parts[0], 'x', FAULT_NAME_LEN);
	info.truncated = 0;
	info.nparts = 1;
	faults_format_path(&info, buf, sizeof(buf));
	assert_int_equal(strlen(buf), FAULT_NAME_LEN + 1);
	/* More parts than there are slots is clamped. */
	info.nparts = 1000;
	faults_format_path(&info, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
}

/* Random bytes, part counts and buffer sizes: never overruns (run under ASan). */
static void test_format_path_fuzz(void **state)
{
	struct fault_file_info info;
	srand(12345);
	for (int iter = 0; iter < 20000; iter++) {
		unsigned char *p = (unsigned char *)&info;
		for (size_t i = 0; i < sizeof(info); i++)
			p[i] = (unsigned char)rand();
		if (iter % 3)
			info.nparts %= FAULT_PATH_PARTS + 2;
		size_t n = (size_t)(rand() % 600);
		char *buf = malloc(n ? n : 1);
		faults_format_path(&info, buf, n);
		if (n)
			assert_true(strlen(buf) < n);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_by_stack_merges_files),
		cmocka_unit_test(test_group_by_file_merges_processes),
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_format_path),
		cmocka_unit_test(test_format_path_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
