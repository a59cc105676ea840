/* The option words of page_owner_sort (--sort, --cull, --pid/--tgid/--name lists), parsed
 * into struct po_options. Shared by `memmon pageowner` and `memmon pages`: both put
 * PO_OPT_SORT and PO_OPT_CULL in their option tables (core/options.h). */
#ifndef MEMMON_PAGEOWNER_OPTS_H
#define MEMMON_PAGEOWNER_OPTS_H
#include "core/options.h"
#include "pageowner/pageowner_fold.h"

/* What a command's page_owner_sort options fill, and the command their messages name. */
struct po_cli {
	const char *cmd;
	struct po_options *opt;
	/* The last sort shortcut (-a -m -n -p -r -s -t -P) as a po_key, or -1: applied by
	 * po_cli_finish, unless a --sort came after it (the last sort option wins). */
	int shortcut;
};

/* --sort KEYS and --cull RULES, table entries of both commands (the help is each one's). */
#define PO_OPT_SORT(pc, help) OPT_CALLBACK(0, "sort", "KEYS", po_opt_sort_arg, (pc), (help))
#define PO_OPT_CULL(pc, help) OPT_CALLBACK(0, "cull", "RULES", po_opt_cull_arg, (pc), (help))
/* Their callbacks (ctx: the struct po_cli): 0, or EXIT_USAGE after "bad --sort 'x'". */
int po_opt_sort_arg(const char *arg, void *ctx);
int po_opt_cull_arg(const char *arg, void *ctx);
/* After parsing: the shortcut, if it is the last sort option, then po_opt_finish. */
void po_cli_finish(struct po_cli *pc);

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
