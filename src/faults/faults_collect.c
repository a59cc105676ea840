#include "faults/faults_collect.h"
#include "faults/faults_names.h"
#include "symbols/stack_store.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int faults_file_path(int files_fd, uint64_t ino, uint32_t dev, char *buf, size_t n)
{
	struct fault_file_key fk = { .ino = ino, .dev = dev };
	struct fault_file_info info;
	if (files_fd < 0 || bpf_map_lookup_elem(files_fd, &fk, &info) || !info.nparts)
		return -1;
	faults_format_path(&info, buf, n);
	return info.truncated ? 0 : 1;
}

/* items grown (doubling) to hold need elements of size bytes; NULL when out of memory. */
static void *grow(void *items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return items;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	void *p = realloc(items, c * size);
	if (p)
		*cap = c;
	return p;
}

/* "/path/to/file", "[heap]", "[stack]", "[anon]", "[unknown]", or the file's identity when
 * its path was not recorded. */
static void file_name(const struct faults_sources *src, const struct fault_key *k, char *buf,
		      size_t n)
{
	if (k->kind != FK_FILE)
		snprintf(buf, n, "[%s]", faults_kind_name(k->kind));
	else if (faults_file_path(src->files_fd, k->ino, k->dev, buf, n) < 0)
		snprintf(buf, n, "[file dev %u:%u inode %" PRIu64 "]", k->dev >> 20, k->dev & 0xfffff,
			 (uint64_t)k->ino);
}

static int add_name(const struct faults_sources *src, struct faults_rows *out, struct faults_row *r)
{
	char *names = grow(out->names, &out->names_cap, out->nnames + FAULTS_NAME_MAX, 1);
	if (!names)
		return -ENOMEM;
	out->names = names;
	r->file = out->nnames;
	file_name(src, &r->key, names + out->nnames, FAULTS_NAME_MAX);
	out->nnames += strlen(names + out->nnames) + 1;
	return 0;
}


/* Reads one stack of the row into the frames array: at *at, *n frames. */
static int add_stack(const struct faults_sources *src, struct faults_rows *out,
		     const struct fault_key *k, bool kernel, size_t *at, int *n)
{
	uint64_t *frames = grow(out->frames, &out->frames_cap, out->nframes + FAULT_STACK_DEPTH,
				sizeof(*frames));
	if (!frames)
		return -ENOMEM;
	out->frames = frames;
	*at = out->nframes;
	uint32_t end = 0;
	*n = stack_store_read_end(src->stacks_fd, kernel ? k->kstack : k->ustack, frames + *at,
				  FAULT_STACK_DEPTH, &end);
	if (!kernel) {
		out->row[out->n - 1].uend = end;
		stack_ends_add(&out->ends, end);
	}
	out->nframes += (size_t)*n;
	return 0;
}

static int collect_row(const struct faults_sources *src, struct faults_rows *out,
		       const struct fault_entry *e)
{
	struct faults_row *r = &out->row[out->n++];
	r->key = e->key;
	r->c = e->c;
	const char *comm = proc_names_comm(src->procs, e->key.tgid);
	snprintf(r->comm, sizeof(r->comm), "%s", comm ? comm : "?");
	int err = 0;
	if (src->view == VIEW_FILE || src->view == VIEW_PROCESS_FILE)
		err = add_name(src, out, r);
	if (!err && src->view == VIEW_STACK)
		err = add_stack(src, out, &r->key, false, &r->ustack, &r->nustack);
	if (!err && src->view == VIEW_STACK && src->kernel_stacks)
		err = add_stack(src, out, &r->key, true, &r->kstack, &r->nkstack);
	return err;
}

int faults_collect(const struct faults_sources *src, const struct keyed_table *entries,
		   struct faults_rows *out)
{
	memset(out, 0, sizeof(*out));
	size_t n = ktable_count(entries);
	if (n && !(out->row = calloc(n, sizeof(*out->row))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct fault_entry *e = ktable_row(entries, i);
		fault_counts_add(&out->sum, &e->c);
		if (fault_counts_total(&e->c) < src->min_count) {
			out->hidden++;
			continue;
		}
		int err = collect_row(src, out, e);
		if (err)
			return err;
	}
	return 0;
}

void faults_rows_free(struct faults_rows *rows)
{
	free(rows->row);
	free(rows->frames);
	free(rows->names);
	memset(rows, 0, sizeof(*rows));
}
