/* GFP flags as the kernel's tracepoints print them ("GFP_KERNEL|__GFP_ZERO"), and migrate
 * type names. Bit positions
 * differ between kernel versions and configs, so they are read from the running kernel's
 * BTF (enum ___GFP_*_BIT) when available, else a 6.x default is used. */
#ifndef MEMMON_GFP_NAMES_H
#define MEMMON_GFP_NAMES_H
#include <stddef.h>
#include <stdint.h>

/* Loads bit positions from /sys/kernel/btf/vmlinux; 0 on success, -1 if the default table
 * stays in use. Safe to call more than once. */
int gfp_names_load_btf(void);
/* Uses the built-in table (what kernel 6.8+ without debug options uses). */
void gfp_names_use_default(void);
/* The mask of one flag by its name without "__GFP_" ("ACCOUNT"); 0 if this kernel lacks it. */
uint64_t gfp_flag_mask(const char *name);
/* Writes the names; unknown bits end as "0x..."; 0 prints "none". */
void gfp_format(uint64_t flags, char *buf, size_t n);
/* Migrate type names as page_owner prints them ("Unmovable", "Movable", ...; "Unknown"
 * out of range), numbered as this kernel's enum migratetype (from BTF when loaded). */
const char *migratetype_name(int mt);

#endif
