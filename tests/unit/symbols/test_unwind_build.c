/* symbols/unwind_build.c: the rules compiled from known call frame information (the
 * fixture test_unwind_build_fixture.S, linked into this test) are exact at each address,
 * and a file without CFI or not ELF is refused with the documented error. */
#include "symbols/unwind_build.h"
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

void uwfix_rsp(void), uwfix_rsp_pushed(void), uwfix_rsp_framed(void);
void uwfix_rbp(void), uwfix_rbp_framed(void);
void uwfix_outermost(void), uwfix_expression(void), uwfix_expression_set(void);

static struct unwind_built built;
static uintptr_t load_bias;

static int main_object(struct dl_phdr_info *info, size_t size, void *data)
{
	*(uintptr_t *)data = info->dlpi_addr; /* the first object is the executable */
	return 1;
}

static int setup(void **state)
{
	dl_iterate_phdr(main_object, &load_bias);
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = unwind_build_fd(fd, &built);
	close(fd);
	return rc;
}

static int teardown(void **state)
{
	unwind_built_free(&built);
	return 0;
}

/* The rule holding at a function's runtime address, found as the BPF walker finds it:
 * the last row starting at or below the address. */
static struct unwind_rule rule_at(void (*fn)(void))
{
	uint64_t vaddr = (uintptr_t)fn - load_bias;
	struct unwind_rule none = { .cfa = UW_NONE };
	size_t lo = 0, hi = built.n;
	if (!hi || built.rows[0].vaddr > vaddr)
		return none;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (built.rows[mid].vaddr <= vaddr)
			lo = mid;
		else
			hi = mid;
	}
	return built.rows[lo].rule;
}

static void assert_rule(void (*fn)(void), int cfa, int32_t off, int16_t rbp_off)
{
	struct unwind_rule r = rule_at(fn);
	assert_int_equal(r.cfa, cfa);
	assert_int_equal(r.cfa_off, off);
	assert_int_equal(r.rbp_off, rbp_off);
}

static void test_rsp_rules(void **state)
{
	assert_rule(uwfix_rsp, UW_CFA_RSP, 8, 0);
	assert_rule(uwfix_rsp_pushed, UW_CFA_RSP, 16, 0);
	assert_rule(uwfix_rsp_framed, UW_CFA_RSP, 48, 0);
}

static void test_frame_pointer_rule(void **state)
{
	/* after push %rbp: CFA = rsp + 16, the caller's rbp saved at CFA - 16 */
	assert_rule((void (*)(void))((uintptr_t)uwfix_rbp + 1), UW_CFA_RSP, 16, -16);
	assert_rule(uwfix_rbp_framed, UW_CFA_RBP, 16, -16);
}

static void test_outermost_and_expression(void **state)
{
	assert_int_equal(rule_at(uwfix_outermost).cfa, UW_END);
	assert_rule(uwfix_expression, UW_CFA_RSP, 8, 0);
	assert_int_equal(rule_at(uwfix_expression_set).cfa, UW_UNSUPPORTED);
}

static void test_rows_sorted_and_distinct(void **state)
{
	assert_true(built.n > 10);
	for (size_t i = 1; i < built.n; i++) {
		assert_true(built.rows[i - 1].vaddr < built.rows[i].vaddr);
		const struct unwind_rule *a = &built.rows[i - 1].rule, *b = &built.rows[i].rule;
		assert_false(a->cfa == b->cfa && a->cfa_off == b->cfa_off && a->rbp_off == b->rbp_off);
	}
}

static void test_refusals(void **state)
{
	struct unwind_built b;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC); /* not ELF */
	assert_true(fd >= 0);
	assert_int_equal(unwind_build_fd(fd, &b), -ENOEXEC);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsp_rules),
		cmocka_unit_test(test_frame_pointer_rule),
		cmocka_unit_test(test_outermost_and_expression),
		cmocka_unit_test(test_rows_sorted_and_distinct),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
