/* Finding the files to probe: a process's mapped allocator library, a program's path. */
#ifndef MEMMON_PROC_LIBS_H
#define MEMMON_PROC_LIBS_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Path of the first file mapped by pid whose base name starts with prefix ("libc.so").
 * Returns 0, -ESRCH (no such process), -ENOENT (not mapped) or another -errno. */
int proc_find_library(pid_t pid, const char *prefix, char *out, size_t n);
/* Resolves a program name as execvp would (PATH search). 0 or -ENOENT. */
int resolve_program(const char *name, char *out, size_t n);
enum program_kind { ELF_NOT_ELF, ELF_STATIC, ELF_DYNAMIC };
/* ELF_DYNAMIC if the file has a PT_INTERP, ELF_STATIC if an ELF without one, else
 * ELF_NOT_ELF (a script, unreadable). */
enum program_kind program_elf_kind(const char *path);
/* The process's command name from /proc/PID/comm ("?" if gone). */
void proc_comm(pid_t pid, char *out, size_t n);

#endif
