#include "core/cli.h"
#include "pageowner/pageowner_cli.h"
#include "pageowner/pageowner_opts.h"

int po_opt_sort_arg(const char *arg, void *ctx)
{
	struct po_cli *pc = ctx;
	if (po_opt_sort(pc->opt, arg))
		return cli_usage_error(pc->cmd, "bad --sort '%s'", arg);
	pc->shortcut = -1;
	return 0;
}

int po_opt_cull_arg(const char *arg, void *ctx)
{
	struct po_cli *pc = ctx;
	if (po_opt_cull(pc->opt, arg))
		return cli_usage_error(pc->cmd, "bad --cull '%s'", arg);
	return 0;
}

void po_cli_finish(struct po_cli *pc)
{
	/* page_owner_sort's shortcuts sort counts most first, the rest ascending. */
	if (pc->shortcut >= 0)
		po_opt_sort_single(pc->opt, (enum po_key)pc->shortcut,
				   pc->shortcut == PO_KEY_TIMES || pc->shortcut == PO_KEY_PAGES ? -1 : 1);
	po_opt_finish(pc->opt);
}
