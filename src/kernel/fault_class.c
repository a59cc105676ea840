#include "kernel/fault_class.h"

enum fault_class fault_classify(const struct fault_facts *f)
{
	/* A swap entry in the page table is a swap-in whatever the mapping: it is known even when
	 * the mapping could not be looked up (bpf_find_vma busy). */
	if (!f->has_vma && f->vma_lookup_failed && f->pte == FPTE_SWAP)
		return FAULT_SWAP;
	if (!f->has_vma)
		return f->vma_lookup_failed ? FAULT_UNKNOWN : FAULT_UNMAPPED;
	if (f->vm_flags & FAULT_VM_HUGETLB)
		return FAULT_HUGETLB;
	bool write = f->error_code & PF_WRITE;
	bool private_writable = (f->vm_flags & FAULT_VM_WRITE) && !(f->vm_flags & FAULT_VM_SHARED);
	bool present = f->pte == FPTE_PRESENT ||
		       (f->pte == FPTE_UNKNOWN && (f->error_code & PF_PROT));
	switch (f->pte) {
	case FPTE_SWAP:
		return FAULT_SWAP;
	default:
		break;
	}
	if (present) {
		if (write && private_writable && (f->pte == FPTE_UNKNOWN || !f->pte_write))
			return FAULT_COW;
		return FAULT_PROT;
	}
	return f->has_file ? FAULT_FILE : FAULT_ANON;
}

const char *fault_class_name(enum fault_class c)
{
	switch (c) {
	case FAULT_ANON: return "ANON";
	case FAULT_FILE: return "FILE";
	case FAULT_SWAP: return "SWAP";
	case FAULT_COW: return "COW";
	case FAULT_HUGETLB: return "HUGETLB";
	case FAULT_PROT: return "PROT";
	case FAULT_UNMAPPED: return "UNMAPPED";
	default: return "UNKNOWN";
	}
}

char fault_access(uint64_t error_code)
{
	if (error_code & PF_INSTR)
		return 'X';
	return error_code & PF_WRITE ? 'W' : 'R';
}

const char *fault_mode(uint64_t error_code)
{
	return error_code & PF_USER ? "user" : "kernel";
}
