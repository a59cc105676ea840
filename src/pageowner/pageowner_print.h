/* The report of folded page_owner blocks: page_owner_sort's text layout, or JSON Lines. */
#ifndef MEMMON_PAGEOWNER_PRINT_H
#define MEMMON_PAGEOWNER_PRINT_H
#include "pageowner/pageowner_fold.h"
#include <stdio.h>

void po_print_text(FILE *out, const struct po_options *o, struct po_group **g, size_t n);
/* One {"type":TYPE, ...} line per block; the command names its records (pageowner_block,
 * pages_block). */
void po_print_json(FILE *out, const char *type, int final, const struct po_options *o, struct po_group **g,
		   size_t n);

#endif
