/* Where to put a uprobe on an allocator function so that it is cheap and still sees what
 * it must. A uprobe on an instruction the kernel cannot emulate (free's leading
 * `test %rdi,%rdi`) is single-stepped and costs ~10x more than one on a `push`. For free,
 * the leading NULL check can be skipped (free(NULL) does nothing), landing on a push. */
#ifndef MEMMON_PROBE_SITE_H
#define MEMMON_PROBE_SITE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct probe_site {
	uint64_t func_offset;  /* file offset of the function's first instruction */
	uint64_t func_size;    /* bytes, from the symbol table (0 if it does not say) */
	uint64_t probe_offset; /* file offset where the entry probe goes */
	uint64_t sp_delta;     /* bytes pushed between entry and probe (return address at sp+this) */
	bool emulated;         /* the probed instruction is one the kernel emulates (fast) */
};

/* Finds symbol `name` (a function in .dynsym or .symtab) in the ELF file at path.
 * skip_null_check: the probe may land after a leading `if (!arg0) return` test.
 * Returns 0, -ENOENT if the symbol is absent, or another -errno. */
int probe_site_find(const char *path, const char *name, bool skip_null_check,
		    struct probe_site *out);

/* Decodes the instruction bytes at a function's start (exposed for unit tests). */
void probe_site_decode(const uint8_t *code, size_t len, bool skip_null_check,
		       struct probe_site *out);

#endif
