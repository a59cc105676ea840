/* The option words of page_owner_sort (--sort, --cull, --pid/--tgid/--name lists), parsed
 * into struct po_options. Shared by `memmon pageowner` and `memmon pages`. */
#ifndef MEMMON_PAGEOWNER_OPTS_H
#define MEMMON_PAGEOWNER_OPTS_H
#include "pageowner/pageowner_fold.h"

/* "[+|-]key[,[+|-]key...]": replaces the sort order. 0 or -1 (bad key). */
int po_opt_sort(struct po_options *o, const char *arg);
/* One key with a direction (the -a/-m/-p/... shortcuts). */
void po_opt_sort_single(struct po_options *o, enum po_key key, int sign);
/* "pid,tgid,name,stacktrace,free,allocator" (and short forms): adds cull rules. */
int po_opt_cull(struct po_options *o, const char *arg);
/* "1,2,3": appends numbers to a list. 0 or -1 (bad number or list full). */
int po_opt_int_list(int *list, int *n, const char *arg);
/* "a,b": appends names (copies) to a list. */
int po_opt_str_list(char **list, int *n, const char *arg);
void po_opt_free(struct po_options *o);
/* Default sort (times, descending) when none was given. */
void po_opt_finish(struct po_options *o);
/* "OTHERS", "CMA SLAB", ... */
void po_allocator_name(int allocator, char *buf, size_t n);

#endif
