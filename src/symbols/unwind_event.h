/* The unwind tables, as the kernel's walker (symbols/unwind.bpf.h) and the tests' reader
 * (unwind_tables_rule_at) read them. Built from a file's call frame information
 * (.eh_frame, .debug_frame) by symbols/unwind_build.c and loaded by symbols/unwind_tables.c.
 *
 * A file's code is cut into pages of 64 KiB of its ELF virtual addresses. A page lists its
 * rows, sorted: the low 16 bits of the address where a row starts, and the rule that holds
 * from there (an index into one table of rules shared by every file: the distinct rules are
 * few, a few hundred for all of glibc). The first row of a page starts at 0: the rule that
 * covers the page's start. So a lookup is one page, a binary search of a few rows, one rule.
 * Plain kernel types only: this header is included on both sides. */
#ifndef MEMMON_UNWIND_EVENT_H
#define MEMMON_UNWIND_EVENT_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define UNWIND_PAGE_SHIFT 16
#define UNWIND_PAGE_SIZE (1u << UNWIND_PAGE_SHIFT)
#define UNWIND_MAX_RULES 65536
#define UNWIND_ROW(low16, rule) ((__u32)(low16) << 16 | (__u32)(rule))
#define UNWIND_ROW_LOW(row) ((row) >> 16)
#define UNWIND_ROW_RULE(row) ((row) & 0xffff)

/* How to find the caller's frame (x86-64: the return address is at CFA - 8). */
enum unwind_cfa {
	UW_NONE = 0,    /* no call frame information covers the address: the walk stops */
	UW_CFA_RSP,     /* CFA = rsp + cfa_off */
	UW_CFA_RBP,     /* CFA = rbp + cfa_off (a frame-pointer frame) */
	UW_PLT,         /* a PLT entry: CFA = rsp + 8, or + 16 once its push ran ((rip & 15) >= 11) */
	UW_SIGNAL,      /* a signal frame (__restore_rt): rsp points at the interrupted context:
			 * its rsp at rsp + cfa_off, rip at rsp + cfa_off + 8, rbp at rsp + rbp_off */
	UW_END,         /* the return address is undefined: the outermost frame (_start, clone) */
	UW_CFA_RBP_DEREF, /* CFA = *(rbp + cfa_off): a realigned frame (DRAP) */
	UW_UNSUPPORTED, /* a rule memmon cannot follow (a DWARF expression): the walk stops */
};

struct unwind_rule {
	__u8 cfa;       /* enum unwind_cfa */
	__u8 pad;
	__s16 rbp_off;  /* the caller's rbp is saved at CFA + rbp_off; 0: rbp is unchanged */
	__s32 cfa_off;
};

/* Where a page's rows are in the rows array. count 0: no call frame information covers
 * the page. */
struct unwind_page {
	__u32 first;
	__u32 count;
};

/* A mapped file, as the kernel names it. */
struct unwind_file_key {
	__u64 dev; /* super_block->s_dev */
	__u64 ino;
};

/* Its table: pages [page_base, page_base + npages) of the pages array describe its virtual
 * addresses from first_page << UNWIND_PAGE_SHIFT on. An address in a mapping of the file
 * is at virtual address addr - vm_start + vm_pgoff * PAGE_SIZE + vaddr_adjust (the text
 * segment's p_vaddr - p_offset). */
struct unwind_file {
	__u32 page_base;
	__u32 first_page;
	__u32 npages;
	__u32 table; /* the table's number, for statistics */
	__s64 vaddr_adjust;
};

/* Shared tables (symbols/unwind_tables.c, unwind_tables_open_shared): one memfd holding
 * this header, then the files (struct unwind_shared_file, nfiles of them, appended and
 * published with release order), the rows (__u32, contiguous), the pages and the rules. */
#define UNWIND_SHARED_MAGIC 0x4d4d5557u /* "WUMM" */
struct unwind_shared_header {
	__u32 magic;
	__u32 nfiles; /* entries published */
	__u32 max_files;
	__u32 pad;
	__u64 size;
	__u64 files_off, rows_off, pages_off, rules_off;
};

struct unwind_shared_file {
	struct unwind_file_key key;
	struct unwind_file where;
};

/* A code mapping as the walker caches it (symbols/unwind.bpf.h): found by its own lookup,
 * or told by user space (mm 0, generation UNWIND_GENERATION_USER: used only when the walker
 * cannot look). kind 0: a file with a table, else the enum unwind_end a walk meets there. */
#define UNWIND_BLOCK_SHIFT 16 /* 64 KiB: few blocks hold the ends of two mappings */
#define UNWIND_GENERATION_USER 0xffffffffu
struct unwind_mapping {
	__u64 mm, birth; /* whose: the address space, and its process's start time */
	__u64 start, end;
	__s64 bias;      /* vaddr = addr + bias */
	__u32 page_base, first_page, npages;
	__u32 kind;
	__u32 seq;        /* the address space's mm_lock_seq when it was looked up */
	__u32 generation; /* unwind_generation then (kind UWE_NO_TABLE goes out of date) */
};

/* Why a user stack walk ended (the stack store keeps it with the stack). */
enum unwind_end {
	UWE_COMPLETE = 1, /* reached the outermost frame (_start, a thread's start) */
	UWE_NO_TABLE,     /* a file mapping with no table (not built yet, or no CFI in the file) */
	UWE_NO_CFI,       /* the file's table has no rule for the address */
	UWE_ANON,         /* code outside any file: JIT or anonymous memory */
	UWE_NO_MAPPING,   /* an address in no mapping: not a return address */
	UWE_DEPTH,        /* the depth limit */
	UWE_READ_FAULT,   /* the stack could not be read */
	UWE_UNSUPPORTED,  /* a rule memmon cannot follow */
	UWE_LOOKUP_BUSY,  /* the mapping could not be looked up (the mm lock was taken) */
	UWE_COUNT
};

/* A file a traced process runs code from that has no table yet: user space builds it.
 * tgid and start name the mapping, through /proc/TGID/map_files/START-END. Under the key
 * { dev 0, ino tgid }: a walk of tgid could not look a mapping up, so user space announces
 * all the process's code mappings (start and end 0). */
struct unwind_missing {
	__u32 tgid;
	__u32 pad;
	__u64 start, end;
};

#endif
