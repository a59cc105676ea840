/* Compiling a file's call frame information into unwind rows (symbols/unwind_event.h):
 * for every address range of its executable segments, the rule that finds the caller's
 * frame there. Read with elfutils libdw's CFI functions (.eh_frame, and .debug_frame where
 * the file has one), so every producer's CFI programs are executed by one interpreter. */
#ifndef MEMMON_UNWIND_BUILD_H
#define MEMMON_UNWIND_BUILD_H
#include "symbols/unwind_event.h"
#include <stddef.h>
#include <stdint.h>

/* From vaddr on (to the next row's vaddr), rule holds. */
struct unwind_build_row {
	uint64_t vaddr;
	struct unwind_rule rule;
};

struct unwind_built {
	struct unwind_build_row *rows; /* sorted by vaddr; neighbours never share a rule */
	size_t n;
	uint64_t text_start, text_end; /* the executable segments' virtual addresses */
	int64_t vaddr_adjust;          /* p_vaddr - p_offset of the text segment */
	char build_id[41];             /* hex; "" when the file has none */
	size_t cfi_rows;               /* rows with a rule (not UW_NONE) */
	size_t unsupported_rows;       /* rows with UW_UNSUPPORTED */
};

/* Builds the rows of the ELF file open at fd (read, not kept). 0 or -errno: -ENOEXEC not
 * an ELF file or no executable segment, -ENOENT no call frame information at all. */
int unwind_build_fd(int fd, struct unwind_built *out);
void unwind_built_free(struct unwind_built *b);
/* The GNU build-id of the ELF file open at fd, as hex, into out[41]. 0, or -ENOENT (none)
 * or -ENOEXEC (not ELF). Cheap: reads the notes only. */
int unwind_build_id_fd(int fd, char out[41]);
/* The ELF file's interpreter (PT_INTERP) into out. 0, -ENOENT (static), -ENOEXEC. */
int unwind_interp_fd(int fd, char *out, size_t n);

/* The rule of a row the builder made from one CFI row, exposed for unit tests:
 * returns the rule for the frame state libdw gives at an address. */
struct Dwarf_Frame_s;
struct unwind_rule unwind_rule_of(struct Dwarf_Frame_s *frame);

#endif
