/* page_owner_sort's options in a command's option table (core/options.h): `memmon
 * pageowner` and `memmon pages` both put PO_OPT_SORT and PO_OPT_CULL in theirs; the words
 * themselves are parsed by pageowner_opts.c. */
#ifndef MEMMON_PAGEOWNER_CLI_H
#define MEMMON_PAGEOWNER_CLI_H
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

/* --sort KEYS and --cull RULES (the help is each command's own). */
#define PO_OPT_SORT(pc, help) OPT_CALLBACK(0, "sort", "KEYS", po_opt_sort_arg, (pc), (help))
#define PO_OPT_CULL(pc, help) OPT_CALLBACK(0, "cull", "RULES", po_opt_cull_arg, (pc), (help))
/* Their callbacks (ctx: the struct po_cli): 0, or EXIT_USAGE after "bad --sort 'x'". */
int po_opt_sort_arg(const char *arg, void *ctx);
int po_opt_cull_arg(const char *arg, void *ctx);
/* After parsing: the shortcut, if it is the last sort option, then po_opt_finish. */
void po_cli_finish(struct po_cli *pc);

#endif
