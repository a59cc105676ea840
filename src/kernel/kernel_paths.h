/* Which hook this kernel offers for each job, found at run time (CO-RE: one binary for every
 * kernel with BTF), and the --verbose line that says which one a command took. */
#ifndef MEMMON_KERNEL_PATHS_H
#define MEMMON_KERNEL_PATHS_H
#include <stdbool.h>

/* The running kernel's BTF has struct NAME with member MEMBER (NULL: the struct alone). */
bool kernel_btf_has(const char *struct_name, const char *member);
/* The running kernel's BTF has enum ENUM_NAME with value VALUE_NAME (BPF_FUNC_find_vma). */
bool kernel_btf_has_enum_value(const char *enum_name, const char *value_name);
/* Kprobes can be attached (CONFIG_KPROBES; off on the project's 6.18 machines). */
bool kernel_has_kprobes(void);
/* With --verbose: whether caches of mapping lookups can be validated (mm->mm_lock_seq, 6.4+). */
void kernel_path_mapping_cache(const char *cmd);
/* With --verbose: "memmon CMD: path: ..." on stderr. */
void kernel_path(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
