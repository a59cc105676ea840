/* Build-ids for pprof's mappings, as hex: of an ELF file (its NT_GNU_BUILD_ID note) and of
 * the running kernel (/sys/kernel/notes). */
#ifndef MEMMON_BUILD_ID_H
#define MEMMON_BUILD_ID_H
#include <stddef.h>

/* 0 and hex filled ("" when the file has none), or -1 when it cannot be read. */
int build_id_of_file(const char *path, char *hex, size_t n);
int build_id_of_kernel(char *hex, size_t n);
/* The build-id note in a buffer of ELF notes; 0 if found. */
int build_id_from_notes(const unsigned char *notes, size_t len, char *hex, size_t n);

#endif
