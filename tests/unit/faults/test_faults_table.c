/* Unit tests of the faults command's pure parts: snapshot differences, grouping by view,
 * and the path built from the kernel's dentry names (fed random and truncated input). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "faults/faults_print.h"
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

static void add(struct fault_snapshot *s, struct fault_key k, struct fault_counts c)
{
	assert_int_equal(fault_snapshot_add(s, &k, &c), 0);
}

static void test_group_by_stack_merges_files(void **state)
{
	struct fault_snapshot in, out;
	fault_snapshot_init(&in);
	fault_snapshot_init(&out);
	add(&in, key(10, 1, FK_FILE, 7), counts(3, 1));
	add(&in, key(10, 1, FK_HEAP, 0), counts(2, 0));
	add(&in, key(10, 2, FK_ANON, 0), counts(9, 0));
	add(&in, key(11, 1, FK_ANON, 0), counts(1, 0));
	assert_int_equal(fault_group(&in, FG_TGID | FG_STACK, &out), 0);
	assert_int_equal(out.n, 3);
	/* Largest first: pid 10 stack 2 (9), pid 10 stack 1 (3+1+2), pid 11 (1). */
	assert_int_equal(out.e[0].key.ustack, 2);
	assert_int_equal(fault_counts_total(&out.e[0].c), 9);
	assert_int_equal(out.e[1].key.ustack, 1);
	assert_int_equal(out.e[1].key.tgid, 10);
	assert_int_equal(out.e[1].c.minor_user, 5);
	assert_int_equal(out.e[1].c.major_user, 1);
	assert_int_equal(out.e[1].c.bytes, 4096 * 6);
	assert_int_equal(out.e[1].key.kind, 0); /* file fields cleared */
	assert_int_equal(out.e[2].key.tgid, 11);
	fault_snapshot_free(&in);
	fault_snapshot_free(&out);
}

static void test_group_by_file_merges_processes(void **state)
{
	struct fault_snapshot in, out;
	fault_snapshot_init(&in);
	fault_snapshot_init(&out);
	add(&in, key(10, 1, FK_FILE, 7), counts(3, 1));
	add(&in, key(11, 5, FK_FILE, 7), counts(4, 0));
	add(&in, key(11, 5, FK_FILE, 8), counts(1, 0));
	assert_int_equal(fault_group(&in, FG_FILE, &out), 0);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.e[0].key.ino, 7);
	assert_int_equal(out.e[0].key.tgid, 0);
	assert_int_equal(out.e[0].key.ustack, -1);
	assert_int_equal(fault_counts_total(&out.e[0].c), 8);
	assert_int_equal(out.e[1].key.ino, 8);
	/* Equal totals keep a reproducible order (by key). */
	struct fault_snapshot in2, out2;
	fault_snapshot_init(&in2);
	fault_snapshot_init(&out2);
	add(&in2, key(30, 1, 0, 0), counts(2, 0));
	add(&in2, key(20, 1, 0, 0), counts(2, 0));
	assert_int_equal(fault_group(&in2, FG_TGID, &out2), 0);
	assert_int_equal(out2.e[0].key.tgid, 20);
	assert_int_equal(out2.e[1].key.tgid, 30);
	fault_snapshot_free(&in);
	fault_snapshot_free(&out);
	fault_snapshot_free(&in2);
	fault_snapshot_free(&out2);
}

static void test_delta(void **state)
{
	struct fault_snapshot prev, cur, d;
	fault_snapshot_init(&prev);
	fault_snapshot_init(&cur);
	fault_snapshot_init(&d);
	add(&prev, key(1, 1, 0, 0), counts(5, 1));
	add(&prev, key(2, 1, 0, 0), counts(7, 0));
	fault_snapshot_sort(&prev);
	add(&cur, key(1, 1, 0, 0), counts(8, 1)); /* +3 minor */
	add(&cur, key(2, 1, 0, 0), counts(7, 0)); /* unchanged: dropped */
	add(&cur, key(3, 1, 0, 0), counts(0, 2)); /* new row */
	fault_snapshot_sort(&cur);
	assert_int_equal(fault_snapshot_delta(&cur, &prev, &d), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.e[0].key.tgid, 1);
	assert_int_equal(d.e[0].c.minor_user, 3);
	assert_int_equal(d.e[0].c.major_user, 0);
	assert_int_equal(d.e[0].c.bytes, 3 * 4096);
	assert_int_equal(d.e[1].key.tgid, 3);
	assert_int_equal(d.e[1].c.major_user, 2);
	/* Against an empty previous snapshot the delta is everything. */
	struct fault_snapshot empty;
	fault_snapshot_init(&empty);
	assert_int_equal(fault_snapshot_delta(&cur, &empty, &d), 0);
	assert_int_equal(d.n, 3);
	fault_snapshot_free(&prev);
	fault_snapshot_free(&cur);
	fault_snapshot_free(&d);
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
