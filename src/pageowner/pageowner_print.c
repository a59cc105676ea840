#include "core/json_out.h"
#include "pageowner/pageowner_opts.h"
#include "pageowner/pageowner_print.h"
#include <string.h>

/* The layout of page_owner_sort: without --cull the block's text under a count line; with
 * --cull one line naming the culled fields, then the stack if stacks were culled. */
void po_print_text(FILE *out, const struct po_options *o, struct po_group **gs, size_t n)
{
	char alloc[64];
	for (size_t i = 0; i < n; i++) {
		const struct po_group *g = gs[i];
		po_allocator_name(g->allocator, alloc, sizeof(alloc));
		if (!o->cull) {
			fprintf(out, "%llu times, %llu pages, allocated by %s :\n%s\n%s%s\n",
				(unsigned long long)g->times, (unsigned long long)g->pages, alloc,
				g->header, g->stack, g->extra);
			continue;
		}
		fprintf(out, "%llu times, %llu pages", (unsigned long long)g->times,
			(unsigned long long)g->pages);
		if ((o->cull & PO_CULL_PID) || o->npids)
			fprintf(out, ", PID %d", g->pid);
		if ((o->cull & PO_CULL_TGID) || o->ntgids)
			fprintf(out, ", TGID %d", g->tgid);
		if ((o->cull & PO_CULL_COMM) || o->ncomms)
			fprintf(out, ", task_comm_name: %s", g->comm);
		if (o->cull & PO_CULL_ALLOCATOR)
			fprintf(out, ", allocated by %s ", alloc);
		if (o->cull & PO_CULL_FREE)
			fprintf(out, " (%s)", g->free_ts_ns ? "RELEASED" : "UNRELEASED");
		if (o->cull & PO_CULL_STACK)
			fprintf(out, ":\n%s", g->stack);
		fputc('\n', out);
	}
}

/* Lines of text (each ending in '\n') as a JSON array of strings without leading blanks. */
static struct json_object *lines_json(const char *text)
{
	struct json_object *a = json_object_new_array();
	while (*text) {
		size_t len = strcspn(text, "\n");
		const char *s = text;
		while (len && (*s == ' ' || *s == '\t'))
			s++, len--;
		json_object_array_add(a, json_object_new_string_len(s, (int)len));
		text = s + len;
		if (*text)
			text++;
	}
	return a;
}

void po_print_json(FILE *out, const char *type, int final, const struct po_options *o, struct po_group **gs,
		   size_t n)
{
	char alloc[64];
	for (size_t i = 0; i < n; i++) {
		const struct po_group *g = gs[i];
		struct json_object *j = json_record(type);
		if (final >= 0)
			json_add_bool(j, "final", final);
		json_add_u64(j, "times", g->times);
		json_add_u64(j, "pages", g->pages);
		if (!o->cull || (o->cull & PO_CULL_PID) || o->npids)
			json_add_int(j, "pid", g->pid);
		if (!o->cull || (o->cull & PO_CULL_TGID) || o->ntgids)
			json_add_int(j, "tgid", g->tgid);
		if (!o->cull || (o->cull & PO_CULL_COMM) || o->ncomms)
			json_add_str(j, "comm", g->comm);
		po_allocator_name(g->allocator, alloc, sizeof(alloc));
		json_add_str(j, "allocator", alloc);
		if (!o->cull) {
			json_add_int(j, "order", g->order);
			char mask[32];
			snprintf(mask, sizeof(mask), "0x%llx", (unsigned long long)g->gfp_mask);
			json_add_str(j, "gfp_mask", mask);
			if (g->has_ts)
				json_add_u64(j, "ts_ns", g->ts_ns);
			json_add_u64(j, "free_ts_ns", g->free_ts_ns);
			json_add_str(j, "header", g->header);
			json_object_object_add(j, "extra", lines_json(g->extra));
		}
		if (o->cull & PO_CULL_FREE)
			json_add_bool(j, "released", g->free_ts_ns != 0);
		if (!o->cull || (o->cull & PO_CULL_STACK))
			json_object_object_add(j, "stack", lines_json(g->stack));
		json_emit(j, out);
	}
}
