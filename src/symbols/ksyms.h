/* /proc/kallsyms loaded once and searched by address. */
#ifndef MEMMON_KSYMS_H
#define MEMMON_KSYMS_H
#include <stdint.h>

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module; /* "[ext4]" style, NULL for the core kernel */
};
struct ksyms;

struct ksyms *ksyms_load(const char *path);
/* The symbol at or below addr, NULL if none (or addresses hidden by kptr_restrict). */
const struct ksym *ksyms_find(const struct ksyms *k, uint64_t addr);
/* The address of a symbol by exact name, 0 if absent. */
uint64_t ksyms_addr(const struct ksyms *k, const char *name);
void ksyms_free(struct ksyms *k);

#endif
