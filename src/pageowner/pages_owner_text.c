#include "kernel/gfp_names.h"
#include "pageowner/pages_owner_text.h"
#include "symbols/ksyms.h"
#include "symbols/stack_store.h"
#include <stdlib.h>
#include <string.h>

#define PAGEBLOCK_ORDER 9 /* x86-64 and arm64 with 4K pages: pageblocks are 2 MiB */

struct cached_stack {
	int64_t id;
	char *text;
	struct cached_stack *next;
};

struct owner_text {
	int stacks_fd;
	const struct ksyms *ks;
	struct cached_stack *cache[1024]; /* stack text by stack id: pages share few stacks */
	uint64_t unresolved;
};

struct owner_text *owner_text_new(int stacks_fd, const struct ksyms *ks)
{
	struct owner_text *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->stacks_fd = stacks_fd;
	t->ks = ks;
	return t;
}

void owner_text_free(struct owner_text *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < sizeof(t->cache) / sizeof(t->cache[0]); i++)
		for (struct cached_stack *c = t->cache[i], *n; c; c = n) {
			n = c->next;
			free(c->text);
			free(c);
		}
	free(t);
}

uint64_t owner_text_unresolved(const struct owner_text *t)
{
	return t->unresolved;
}

/* Frames as the kernel's %pS prints them, one blank in front: " func+0x1a [module]".
 * (The kernel adds "/0xsize"; kallsyms does not give sizes.) */
static char *format_stack(struct owner_text *t, int64_t id)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *ms = open_memstream(&buf, &len);
	if (!ms)
		abort();
	uint64_t ips[PAGES_STACK_DEPTH];
	int n = stack_store_read(t->stacks_fd, id, ips, PAGES_STACK_DEPTH);
	if (!n) {
		fprintf(ms, " [stack not captured]\n");
	} else {
		for (int i = 0; i < n; i++) {
			const struct ksym *s = t->ks ? ksyms_find(t->ks, ips[i]) : NULL;
			if (!s) {
				t->unresolved++;
				fprintf(ms, " 0x%llx\n", (unsigned long long)ips[i]);
			} else if (s->module) {
				fprintf(ms, " %s+0x%llx %s\n", s->name,
					(unsigned long long)(ips[i] - s->addr), s->module);
			} else {
				fprintf(ms, " %s+0x%llx\n", s->name,
					(unsigned long long)(ips[i] - s->addr));
			}
		}
	}
	fclose(ms);
	return buf;
}

static const char *stack_text(struct owner_text *t, int64_t id)
{
	size_t b = (uint64_t)id % (sizeof(t->cache) / sizeof(t->cache[0]));
	for (struct cached_stack *c = t->cache[b]; c; c = c->next)
		if (c->id == id)
			return c->text;
	struct cached_stack *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->id = id;
	c->text = format_stack(t, id);
	c->next = t->cache[b];
	t->cache[b] = c;
	return c->text;
}

void owner_text_record(struct owner_text *t, FILE *out, uint64_t pfn, const struct page_info *v)
{
	char flags[512], comm[PAGES_COMM_LEN + 1];
	flags[0] = 0; /* page_owner prints "mask 0x0()" for no flags */
	if (v->gfp_flags)
		gfp_format(v->gfp_flags, flags, sizeof(flags));
	memcpy(comm, v->comm, PAGES_COMM_LEN);
	comm[PAGES_COMM_LEN] = '\0';
	for (char *c = comm; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?'; /* a newline in a command name would end the record */
	const char *mt = migratetype_name(v->migratetype);
	fprintf(out, "Page allocated via order %u, mask %#llx(%s), pid %u, tgid %u (%s), ts %llu ns, "
		"free_ts 0 ns\n",
		v->order, (unsigned long long)v->gfp_flags, flags, v->pid, v->tgid, comm,
		(unsigned long long)v->ts_ns);
	/* the pageblock's own type and the page flags are not known at allocation time */
	fprintf(out, "PFN 0x%llx type %s Block %llu type Unknown Flags 0x0()\n",
		(unsigned long long)pfn, mt, (unsigned long long)(pfn >> PAGEBLOCK_ORDER));
	fputs(stack_text(t, v->stackid), out);
	fputc('\n', out);
}
