/* Page fault classification from the facts a tracepoint can see before the fault is
 * handled: the mapping's flags, whether it is file-backed, and the page-table entry.
 * Pure functions, shared by every command that reports faults. */
#ifndef MEMMON_FAULT_CLASS_H
#define MEMMON_FAULT_CLASS_H
#include <stdbool.h>
#include <stdint.h>

enum fault_class {
	FAULT_UNKNOWN,  /* the mapping could not be looked up */
	FAULT_ANON,     /* first touch of anonymous memory */
	FAULT_FILE,     /* page of a mapped file (page cache, shmem) */
	FAULT_SWAP,     /* the entry is a swap entry: read back from swap */
	FAULT_COW,      /* write to a present read-only page of a private writable mapping */
	FAULT_HUGETLB,  /* hugetlbfs mapping */
	FAULT_PROT,     /* other fault on a present page (protection, NUMA hinting, spurious) */
	FAULT_UNMAPPED, /* no mapping at the address (stack growth or a segfault) */
};

/* x86 page fault error code bits. */
#define PF_PROT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_INSTR 0x10

/* The page-table entry before the fault (values of enum snoop_pte_state). */
enum fault_pte { FPTE_UNKNOWN = 0, FPTE_NONE, FPTE_PRESENT, FPTE_SWAP };

struct fault_facts {
	bool has_vma;
	bool vma_lookup_failed;
	uint64_t vm_flags;
	bool has_file;
	int pte;        /* enum fault_pte */
	bool pte_write;
	uint64_t error_code;
};

#define FAULT_VM_WRITE 0x2ULL
#define FAULT_VM_EXEC 0x4ULL
#define FAULT_VM_SHARED 0x8ULL
#define FAULT_VM_HUGETLB 0x00400000ULL

enum fault_class fault_classify(const struct fault_facts *f);
const char *fault_class_name(enum fault_class c);
/* 'R', 'W' or 'X' from the error code. */
char fault_access(uint64_t error_code);
/* "user" or "kernel": the mode the fault happened in. */
const char *fault_mode(uint64_t error_code);

#endif
