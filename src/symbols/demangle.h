/* C++ names in stacks: "_ZN5Cache4fillEi" becomes "Cache::fill(int)", through libstdc++'s
 * __cxa_demangle (what elfutils' eu-stack uses). Results are cached: a stack's frames
 * repeat in every report. */
#ifndef MEMMON_DEMANGLE_H
#define MEMMON_DEMANGLE_H

struct demangler;

struct demangler *demangler_new(void);
void demangler_free(struct demangler *d);
/* The demangled form of name, owned by d until demangler_free; name itself when it is not
 * a mangled C++ name ("_Z..."; C and kernel symbols) or cannot be demangled. NULL -> NULL. */
const char *demangle(struct demangler *d, const char *name);

#endif
