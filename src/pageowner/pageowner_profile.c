#include "pageowner/pageowner_profile.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PO_PROFILE_DEPTH 128

/* The group's frame lines, innermost first as page_owner prints them, without their
 * indentation; the text is cut into buf. */
static int frames_of(const struct po_group *g, char *buf, size_t n, const char **frames)
{
	snprintf(buf, n, "%s", g->stack ? g->stack : "");
	int k = 0;
	for (char *line = strtok(buf, "\n"); line && k < PO_PROFILE_DEPTH; line = strtok(NULL, "\n")) {
		line += strspn(line, " \t");
		if (*line)
			frames[k++] = line;
	}
	return k;
}

int po_profile_write(struct profile_files *pf, struct po_group **groups, size_t n,
		     const struct po_options *o, const char *cmd, const char *title)
{
	/* a block's command is its own unless --cull folded blocks of several commands */
	bool with_comm = !o->cull || (o->cull & PO_CULL_COMM);
	static const struct profile_value_type types[] = {
		{ "allocations", "count" }, { "inuse_space", "bytes" },
	};
	struct stack_profile prof;
	if (stack_profile_init(&prof, NULL, types, 2, 1)) {
		fprintf(stderr, "memmon %s: out of memory building the profile\n", cmd);
		return -1;
	}
	int64_t page = sysconf(_SC_PAGESIZE);
	size_t cap = 65536;
	char *buf = malloc(cap);
	const char *frames[PO_PROFILE_DEPTH];
	for (size_t i = 0; buf && i < n; i++) {
		const struct po_group *g = groups[i];
		int k = frames_of(g, buf, cap, frames);
		int64_t v[2] = { (int64_t)g->times, (int64_t)g->pages * page };
		if (stack_profile_add_text(&prof, g->tgid > 0 ? g->tgid : 0, frames, k, v) == 0 && with_comm && g->comm[0])
			stack_profile_set_comm(&prof, g->comm);
	}
	if (!buf)
		prof.failed = true;
	int rc = profile_files_write(pf, &prof, 1, title, cmd);
	free(buf);
	stack_profile_free(&prof);
	return rc;
}
