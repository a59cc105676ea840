/* A module's symbols sorted by address, for the lookups a report makes by the ten thousand.
 * libdwfl's dwfl_module_addrinfo scans the whole symbol table on every call (1 ms on a
 * large program such as cc1 or gdb: a system-wide `faults` report spent a minute there);
 * this answers the same question by binary search, and with the same rules:
 *   - a global or weak symbol whose [value, value + size) holds the address, the one that
 *     starts nearest below it, a global one before a weak one at the same address;
 *   - else a local one of the same kind;
 *   - else the nearest symbol without a size below the address, when no other symbol starts
 *     between the two (assembly functions often have no size).
 * tests/unit/symbols/test_sym_index.c checks it against dwfl_module_addrinfo on every
 * address of real files. */
#ifndef MEMMON_SYM_INDEX_H
#define MEMMON_SYM_INDEX_H
#include <elfutils/libdwfl.h>
#include <stdint.h>

struct sym_index;

/* NULL when the module has no symbols (or on no memory): callers fall back to libdwfl. */
struct sym_index *sym_index_build(Dwfl_Module *mod);
void sym_index_free(struct sym_index *x);
/* The symbol holding addr (an address as libdwfl reports them, bias included) and addr's
 * offset in it; NULL when none does. The name lives as long as the module. */
const char *sym_index_find(const struct sym_index *x, uint64_t addr, uint64_t *offset);

#endif
