/* Page fault classes from the mapping and the page-table entry before the fault. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "kernel/fault_class.h"

#define VM_RW 0x3ULL
#define VM_R 0x1ULL

static enum fault_class cls(bool vma, uint64_t flags, bool file, int pte, bool pte_w, uint64_t ec)
{
	struct fault_facts f = { .has_vma = vma, .vm_flags = flags, .has_file = file, .pte = pte,
				 .pte_write = pte_w, .error_code = ec };
	return fault_classify(&f);
}

static void test_classes(void **st)
{
	uint64_t uw = PF_USER | PF_WRITE, ur = PF_USER;
	assert_int_equal(cls(true, VM_RW, false, FPTE_NONE, false, uw), FAULT_ANON);
	assert_int_equal(cls(true, VM_R, true, FPTE_NONE, false, ur), FAULT_FILE);
	assert_int_equal(cls(true, VM_RW, false, FPTE_SWAP, false, ur), FAULT_SWAP);
	/* shmem page in swap still shows as a swap entry only for anon; a file swap entry is SWAP */
	assert_int_equal(cls(true, VM_RW | FAULT_VM_SHARED, true, FPTE_SWAP, false, uw), FAULT_SWAP);
	/* write to a present read-only page of a private writable mapping: copy on write */
	assert_int_equal(cls(true, VM_RW, false, FPTE_PRESENT, false, uw | PF_PROT), FAULT_COW);
	assert_int_equal(cls(true, VM_RW, true, FPTE_PRESENT, false, uw | PF_PROT), FAULT_COW);
	/* the same on a shared mapping is not COW (dirty tracking) */
	assert_int_equal(cls(true, VM_RW | FAULT_VM_SHARED, true, FPTE_PRESENT, false, uw | PF_PROT),
			 FAULT_PROT);
	/* write to a read-only mapping: protection fault (SIGSEGV) */
	assert_int_equal(cls(true, VM_R, false, FPTE_PRESENT, false, uw | PF_PROT), FAULT_PROT);
	/* present and writable already: spurious */
	assert_int_equal(cls(true, VM_RW, false, FPTE_PRESENT, true, uw), FAULT_PROT);
	assert_int_equal(cls(true, VM_RW | FAULT_VM_HUGETLB, false, FPTE_NONE, false, uw), FAULT_HUGETLB);
	assert_int_equal(cls(true, VM_RW | FAULT_VM_HUGETLB, true, FPTE_PRESENT, false, uw), FAULT_HUGETLB);
	assert_int_equal(cls(false, 0, false, FPTE_NONE, false, uw), FAULT_UNMAPPED);
	struct fault_facts f = { .has_vma = false, .vma_lookup_failed = true };
	assert_int_equal(fault_classify(&f), FAULT_UNKNOWN);
	/* the mapping unknown (lookup busy) but a swap entry in the page table: a swap-in */
	f.pte = FPTE_SWAP;
	assert_int_equal(fault_classify(&f), FAULT_SWAP);
	f.pte = FPTE_NONE;
	assert_int_equal(fault_classify(&f), FAULT_UNKNOWN);
}

static void test_unknown_pte_falls_back_to_error_code(void **st)
{
	uint64_t uw = PF_USER | PF_WRITE;
	assert_int_equal(cls(true, VM_RW, false, FPTE_UNKNOWN, false, uw), FAULT_ANON);
	assert_int_equal(cls(true, VM_RW, false, FPTE_UNKNOWN, false, uw | PF_PROT), FAULT_COW);
	assert_int_equal(cls(true, VM_R, true, FPTE_UNKNOWN, false, PF_USER), FAULT_FILE);
}

static void test_access_and_mode(void **st)
{
	assert_int_equal(fault_access(PF_USER), 'R');
	assert_int_equal(fault_access(PF_USER | PF_WRITE), 'W');
	assert_int_equal(fault_access(PF_USER | PF_INSTR), 'X');
	assert_string_equal(fault_mode(PF_USER), "user");
	assert_string_equal(fault_mode(PF_WRITE), "kernel");
	assert_string_equal(fault_class_name(FAULT_SWAP), "SWAP");
	assert_string_equal(fault_class_name(FAULT_HUGETLB), "HUGETLB");
	assert_string_equal(fault_class_name((enum fault_class)99), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_unknown_pte_falls_back_to_error_code),
		cmocka_unit_test(test_access_and_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
