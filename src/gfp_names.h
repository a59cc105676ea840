/* Names of GFP flags and migrate types as the kernel prints them (%pGg, page_owner),
 * read from the running kernel's BTF: flag bits move between kernel versions. */
#ifndef MEMMON_GFP_NAMES_H
#define MEMMON_GFP_NAMES_H
#include <stddef.h>
#include <stdint.h>

struct gfp_names;
/* Loads the bit numbers from BTF (NULL path: /sys/kernel/btf/vmlinux). Never NULL: without
 * BTF the names are empty and masks print as hex only. */
struct gfp_names *gfp_names_load(void);
void gfp_names_free(struct gfp_names *g);
/* "GFP_KERNEL|__GFP_ZERO" into buf; "" if the bits are unknown. */
void gfp_format(const struct gfp_names *g, uint64_t mask, char *buf, size_t n);
/* "Unmovable", "Movable", ... or "Unknown". */
const char *migratetype_name(const struct gfp_names *g, int mt);

#endif
