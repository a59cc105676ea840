/* segv_classify: what an address was, from hand-built events shaped like the kernel's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "crash/segv_classify.h"

static struct segv_event fault(__u64 addr, __u64 sp, __u64 error_code)
{
	struct segv_event e;
	memset(&e, 0, sizeof(e));
	e.pid = e.tid = e.sender_pid = 100;
	e.sig = 11;
	e.code = 1;
	e.addr = addr;
	e.sp = sp;
	e.ip = 0x555500001000;
	e.error_code = error_code;
	e.have_error_code = 1;
	e.from_fault = 1;
	e.stack_top = 0x7ffff0000000;
	e.stack_start = e.stack_top - (8 << 20);
	e.tls_base = 0x7ffff7d80000;
	return e;
}

static void map_at(struct segv_event *e, __u64 start, __u64 end, __u64 flags)
{
	e->at.found = 1;
	e->at.start = start;
	e->at.end = end;
	e->at.flags = flags;
}

static enum segv_what what(const struct segv_event *e, struct segv_class *c)
{
	segv_classify(e, c);
	return c->what;
}

static void test_null_and_unmapped(void **state)
{
	(void)state;
	struct segv_class c;
	struct segv_event e = fault(0x18, 0x7fffefff0000, 4);
	assert_int_equal(what(&e, &c), SEGV_WHAT_NULL_PAGE);
	assert_string_equal(c.access, "read");
	char buf[256];
	segv_describe(&e, &c, buf, sizeof(buf));
	assert_string_equal(buf, "NULL pointer dereference (read at NULL+0x18)");
	e = fault(0x1234560000, 0x7fffefff0000, 6);
	assert_int_equal(what(&e, &c), SEGV_WHAT_NO_MAPPING);
	assert_string_equal(c.access, "write");
}

static void test_protections(void **state)
{
	(void)state;
	struct segv_class c;
	struct segv_event e = fault(0x555500002010, 0x7fffefff0000, 7); /* user write, present */
	map_at(&e, 0x555500002000, 0x555500003000, 1);
	assert_int_equal(what(&e, &c), SEGV_WHAT_READ_ONLY);
	e.error_code = 0x15; /* instruction fetch */
	map_at(&e, 0x555500002000, 0x555500003000, 3);
	assert_int_equal(what(&e, &c), SEGV_WHAT_NON_EXEC);
	assert_string_equal(c.access, "exec");
	e.error_code = 4;
	map_at(&e, 0x555500002000, 0x555500003000, 0);
	assert_int_equal(what(&e, &c), SEGV_WHAT_NO_ACCESS); /* PROT_NONE far from sp */
	e.have_error_code = 0; /* no page fault seen: a write is the likely cause */
	map_at(&e, 0x555500002000, 0x555500003000, 5);
	assert_int_equal(what(&e, &c), SEGV_WHAT_READ_ONLY);
	assert_string_equal(c.access, "unknown");
}

static void test_main_stack_overflow(void **state)
{
	(void)state;
	struct segv_class c;
	struct segv_event e = fault(0x7fffe77ffff8, 0x7fffe7800000, 6);
	e.stack_start = 0x7fffe7800000;
	assert_int_equal(what(&e, &c), SEGV_WHAT_STACK_OVERFLOW);
	assert_true(c.main_stack);
	assert_true(c.in_guard_gap);
	assert_int_equal(c.stack_bytes, e.stack_top - e.sp);
	/* the same address with the stack pointer far away is not an overflow */
	e.sp = 0x7fffefff0000;
	assert_int_equal(what(&e, &c), SEGV_WHAT_NO_MAPPING);
	/* below the guard gap: no longer the stack's */
	e = fault(0x7fffe7800000 - (2 << 20), 0x7fffe7800000 - (2 << 20) + 8, 6);
	e.stack_start = 0x7fffe7800000;
	assert_int_equal(what(&e, &c), SEGV_WHAT_NO_MAPPING);
}

static void test_thread_stack_overflow(void **state)
{
	(void)state;
	struct segv_class c;
	/* a pthread stack [0x7ffff7580000, 0x7ffff7d80000) above a guard page */
	struct segv_event e = fault(0x7ffff757fff8, 0x7ffff7580000, 6);
	e.tid = 101;
	map_at(&e, 0x7ffff757f000, 0x7ffff7580000, 0);
	assert_int_equal(what(&e, &c), SEGV_WHAT_STACK_OVERFLOW);
	assert_false(c.main_stack);
	assert_false(c.in_guard_gap);
	assert_int_equal(c.stack_top, 0x7ffff7d80000);
	assert_int_equal(c.stack_bytes, 0x800000);
	char buf[256];
	segv_describe(&e, &c, buf, sizeof(buf));
	assert_string_equal(buf, "stack overflow of the thread's stack: write 8388616 bytes below its top, in its guard page");
}

static void test_bus(void **state)
{
	(void)state;
	struct segv_class c;
	struct segv_event e = fault(0x7f0000001010, 0x7fffefff0000, 4);
	e.sig = 7;
	e.code = 2;
	map_at(&e, 0x7f0000000000, 0x7f0000002000, 9);
	e.at.file_backed = 1;
	strcpy(e.at.file, "data.bin");
	assert_int_equal(what(&e, &c), SEGV_WHAT_BUS);
	char buf[256];
	segv_describe(&e, &c, buf, sizeof(buf));
	assert_string_equal(buf, "read beyond the end of the mapped file (r--s mapping "
				 "0x7f0000000000-0x7f0000002000 of data.bin)");
}

static void test_sent_and_names(void **state)
{
	(void)state;
	struct segv_class c;
	struct segv_event e = fault(0, 0, 0);
	e.from_fault = 0;
	e.code = 0;
	e.sender_pid = 7;
	assert_int_equal(what(&e, &c), SEGV_WHAT_SENT);
	assert_string_equal(segv_code_name(11, 0), "SI_USER");
	assert_string_equal(segv_code_name(11, 2), "SEGV_ACCERR");
	assert_string_equal(segv_code_name(7, 2), "BUS_ADRERR");
	assert_string_equal(segv_code_name(11, 99), "unknown");
	assert_string_equal(segv_what_name(SEGV_WHAT_STACK_OVERFLOW), "stack-overflow");
	assert_string_equal(segv_what_name((enum segv_what)99), "other");
	char perms[5];
	e.at.flags = 5;
	segv_perms(&e.at, perms);
	assert_string_equal(perms, "r-xp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_and_unmapped), cmocka_unit_test(test_protections),
		cmocka_unit_test(test_main_stack_overflow), cmocka_unit_test(test_thread_stack_overflow),
		cmocka_unit_test(test_bus), cmocka_unit_test(test_sent_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
