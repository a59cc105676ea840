/* Names of what a fault hit: the kind of memory and a mapped file's path as the kernel
 * side records it (path components, innermost first). Pure, so unit-tested directly. */
#ifndef MEMMON_FAULTS_NAMES_H
#define MEMMON_FAULTS_NAMES_H
#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>
#include "faults/faults_event.h"

/* Room for any path faults_format_path writes, or the name of an unnamed file. */
#define FAULTS_NAME_MAX (FAULT_PATH_PARTS * FAULT_NAME_LEN + 64)

/* "unknown", "file", "heap", "stack" or "anon" (enum fault_kind). */
const char *faults_kind_name(uint32_t kind);
/* Joins the kernel's path components (innermost first, maybe unterminated) into buf:
 * "/usr/lib/libc.so.6", "..." first when components above were not kept. */
void faults_format_path(const struct fault_file_info *info, char *buf, size_t n);

#endif
