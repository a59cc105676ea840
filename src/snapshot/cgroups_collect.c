#include "snapshot/array_room.h"
#include "snapshot/cgroups_collect.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

double cgroup_limit_share(const struct memcg_stats *st)
{
	if (st->limit == MEMCG_NONE || st->limit == MEMCG_UNLIMITED || st->limit <= 0)
		return -1;
	return (double)st->usage / (double)st->limit;
}

static void count_skip(struct cgroup_list *l, int err)
{
	if (err == -ENOENT || err == -ENODEV)
		l->vanished++;
	else
		l->unreadable++;
}

struct walk {
	struct cgroup_list *l;
	const char *mount;
	int version;
	struct text_buf buf;
};

/* Reads the group in dirfd as a row. 1 added, 0 not a memory group (v2 without the
 * controller), -ENOMEM, or another -errno (counted by the caller). */
static int add_group(struct walk *w, int dirfd, const char *path, int depth, long parent)
{
	struct memcg_stats st;
	int r = memcg_read(dirfd, w->version, &st, &w->buf);
	if (r == -ENOENT && w->version == 2 && faccessat(dirfd, "cgroup.procs", F_OK, 0) == 0)
		return 0; /* still there: the memory controller is not enabled for it */
	if (r)
		return r;
	struct cgroup_list *l = w->l;
	struct cgroup_row *rows = array_room(l->rows, &l->cap, l->n, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	l->rows = rows;
	struct cgroup_row *row = &rows[l->n];
	memset(row, 0, sizeof(*row));
	snprintf(row->path, sizeof(row->path), "%s", path);
	row->mount = w->mount;
	row->depth = depth;
	row->parent = parent;
	row->st = st;
	r = memcg_read_pids(dirfd, &row->pids, &row->npids, &w->buf);
	if (r == -ENOMEM)
		return r;
	if (r)
		return r; /* no row: the group went while read, or its processes are unreadable */
	l->n++;
	return 1;
}

static int walk(struct walk *w, int dirfd, const char *path, int depth, long parent);

/* Every subdirectory of dirfd is a child group. */
static int walk_children(struct walk *w, int dirfd, const char *path, int depth, long self)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		count_skip(w->l, -errno);
		return 0;
	}
	struct dirent *e;
	int r = 0;
	while (!r && (e = readdir(d))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char child[CGROUP_PATH_MAX];
		if (snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", e->d_name) >=
		    (int)sizeof(child)) {
			w->l->unreadable++;
			continue;
		}
		if (depth + 1 >= CGROUP_DEPTH_MAX) {
			w->l->too_deep++;
			continue;
		}
		int cfd = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0) {
			count_skip(w->l, -errno);
			continue;
		}
		r = walk(w, cfd, child, depth + 1, self);
		close(cfd);
	}
	closedir(d);
	return r;
}

/* The group in dirfd, then (when it is a memory group or a hierarchy's root) its children.
 * 0 or -ENOMEM. */
static int walk(struct walk *w, int dirfd, const char *path, int depth, long parent)
{
	int r = add_group(w, dirfd, path, depth, parent);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		count_skip(w->l, r);
		return 0;
	}
	if (r == 0 && depth > 0)
		return 0; /* v2: without the controller here, none below either */
	long self = r == 1 ? (long)w->l->n - 1 : parent;
	return walk_children(w, dirfd, path, r == 1 ? depth : depth - 1, self);
}

int cgroups_collect(struct cgroup_list *l, const char *mount, int version, const char *only)
{
	struct walk w = { .l = l, .mount = mount, .version = version };
	int root = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	int r;
	if (only) {
		int fd = strcmp(only, "/") ? openat(root, only + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) :
					     dup(root);
		if (fd < 0) {
			r = errno == ENOTDIR ? -ENOENT : -errno;
		} else {
			r = add_group(&w, fd, only, 0, -1);
			r = r == 0 ? -ENOENT : r > 0 ? 0 : r;
			close(fd);
		}
	} else {
		r = walk(&w, root, "/", 0, -1);
	}
	close(root);
	text_buf_free(&w.buf);
	return r;
}

/* The order of one sort (qsort has no context argument). */
static const struct cgroup_list *sorting;

static int cmp_siblings(const void *a, const void *b)
{
	const struct cgroup_row *x = &sorting->rows[*(const size_t *)a];
	const struct cgroup_row *y = &sorting->rows[*(const size_t *)b];
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	double u = cgroup_limit_share(&x->st), v = cgroup_limit_share(&y->st);
	if (u != v)
		return u > v ? -1 : 1;
	if (x->st.usage != y->st.usage)
		return x->st.usage > y->st.usage ? -1 : 1;
	int d = strcmp(x->mount, y->mount);
	return d ? d : strcmp(x->path, y->path);
}

/* Appends row i and its children (a run of `by_parent` starting at first[i + 1]) to order. */
static void place(const struct cgroup_list *l, const size_t *by_parent, const size_t *first,
		  size_t i, size_t *n)
{
	l->order[(*n)++] = i;
	for (size_t k = first[i + 1]; k < l->n && l->rows[by_parent[k]].parent == (long)i; k++)
		place(l, by_parent, first, by_parent[k], n);
}

int cgroups_sort(struct cgroup_list *l)
{
	free(l->order);
	l->order = malloc((l->n ? l->n : 1) * sizeof(*l->order));
	size_t *by_parent = malloc((l->n ? l->n : 1) * sizeof(*by_parent));
	size_t *first = malloc((l->n + 1) * sizeof(*first)); /* [parent + 1]: its first child */
	if (!l->order || !by_parent || !first) {
		free(by_parent);
		free(first);
		return -ENOMEM;
	}
	for (size_t i = 0; i < l->n; i++)
		by_parent[i] = i;
	sorting = l;
	qsort(by_parent, l->n, sizeof(*by_parent), cmp_siblings);
	for (size_t i = 0; i <= l->n; i++)
		first[i] = l->n;
	for (size_t k = l->n; k-- > 0;)
		first[l->rows[by_parent[k]].parent + 1] = k;
	size_t n = 0;
	for (size_t k = first[0]; k < l->n && l->rows[by_parent[k]].parent == -1; k++)
		place(l, by_parent, first, by_parent[k], &n);
	free(by_parent);
	free(first);
	return 0;
}

void cgroups_free(struct cgroup_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->rows[i].pids);
	free(l->rows);
	free(l->order);
	memset(l, 0, sizeof(*l));
}
