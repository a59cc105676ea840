/* Names of kernel enum values (compact_result, migrate_reason) read from the running
 * kernel's BTF, so reports follow the kernel rather than a copied table. */
#ifndef MEMMON_BTF_ENUM_H
#define MEMMON_BTF_ENUM_H
#include <stddef.h>

/* Writes the name of value in enum enum_name, without prefix and in lower case
 * (COMPACT_SUCCESS -> "success"); "VALUE" as a number if unknown. */
void btf_enum_name(const char *enum_name, long long value, const char *prefix, char *buf, size_t n);
/* Frees the cached BTF. */
void btf_enum_cleanup(void);

#endif
