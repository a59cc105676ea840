/* Writes the pages `memmon pages` still holds in the text format of
 * /sys/kernel/debug/page_owner (6.x layout), so that `memmon pageowner` and the kernel's
 * page_owner_sort read it like a real dump. */
#ifndef MEMMON_PAGES_OWNER_TEXT_H
#define MEMMON_PAGES_OWNER_TEXT_H
#include <linux/types.h>
#include <stdint.h>
#include <stdio.h>
#include "pageowner/pages_event.h"

struct ksyms;
struct owner_text;

/* stacks_fd: the BPF stack store (symbols/stack_store.h). ks may be NULL (frames print as addresses).
 * GFP and migrate type names come from kernel/gfp_names.h (call gfp_names_load_btf() first). */
struct owner_text *owner_text_new(int stacks_fd, const struct ksyms *ks);
void owner_text_free(struct owner_text *t);
/* One record, ending with its blank line. The 5.18-6.1 header layout (free_ts 0: the
 * previous free is unknown), which page_owner_sort 6.1 parses completely. */
void owner_text_record(struct owner_text *t, FILE *out, uint64_t pfn, const struct page_info *v);
/* Kernel frames that did not resolve to a symbol so far. */
uint64_t owner_text_unresolved(const struct owner_text *t);

#endif
