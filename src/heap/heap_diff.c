#include "heap/heap_diff.h"
#include "core/json_out.h"
#include "heap/heap_diff_pprof.h"
#include "heap/heap_report.h"
#include "symbols/symbolize.h"
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_ALLOCATIONS, F_ALLOCATED, F_TEMPORARY, F_PEAK, F_LEAKED, F_LEAKED_COUNT, NFIELDS };
static const char *const FIELDS[NFIELDS] = { "allocations", "allocated_bytes", "temporary",
					     "peak_bytes", "leaked_bytes", "leaked_count" };

struct heap_diff_entry {
	char *key;                    /* the frames, one per line */
	double base[NFIELDS], now[NFIELDS];
	struct json_object *frames;   /* of this run (or of BASE when gone), for printing */
};

void heap_diff_free(struct heap_diff_base *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->e[i].key);
		json_object_put(b->e[i].frames);
	}
	free(b->e);
	memset(b, 0, sizeof(*b));
}

/* One "NAME FILE:LINE" line per frame (heap/heap_diff_pprof.h): the symbol, else
 * "module+0xoffset" as the profile writers name an unresolved frame, else the address. */
static char *frames_key(struct json_object *frames)
{
	size_t cap = 256, len = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	s[0] = 0;
	size_t n = frames && json_object_is_type(frames, json_type_array) ? json_object_array_length(frames) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *f = json_object_array_get_idx(frames, i), *v;
		char unresolved[512];
		const char *sym = json_object_object_get_ex(f, "symbol", &v) ? json_object_get_string(v) : NULL;
		const char *file = json_object_object_get_ex(f, "file", &v) ? json_object_get_string(v) : NULL;
		int ln = json_object_object_get_ex(f, "line", &v) ? json_object_get_int(v) : 0;
		const char *mod = json_object_object_get_ex(f, "module", &v) ? json_object_get_string(v) : NULL;
		uint64_t off = json_object_object_get_ex(f, "module_offset", &v) ? json_object_get_uint64(v) : 0;
		const char *addr = json_object_object_get_ex(f, "addr", &v) ? json_object_get_string(v) : "?";
		if (!sym) {
			const char *slash = mod ? strrchr(mod, '/') : NULL;
			if (mod)
				snprintf(unresolved, sizeof(unresolved), "%s+0x%" PRIx64, slash ? slash + 1 : mod, off);
			else
				snprintf(unresolved, sizeof(unresolved), "%s", addr);
			sym = unresolved;
		}
		if (heap_diff_key_append(&s, &len, &cap, sym, file, ln)) {
			free(s);
			return NULL;
		}
	}
	return s;
}

static struct heap_diff_entry *entry_of(struct heap_diff_base *b, char *key)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->e[i].key, key)) {
			free(key);
			return &b->e[i];
		}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct heap_diff_entry *e = realloc(b->e, cap * sizeof(*e));
		if (!e) {
			free(key);
			return NULL;
		}
		b->e = e;
		b->cap = cap;
	}
	struct heap_diff_entry *e = &b->e[b->n++];
	memset(e, 0, sizeof(*e));
	e->key = key;
	return e;
}

/* A --pprof BASE's sample (heap/heap_diff_pprof.h). */
static int add_pprof_sample(void *ctx, char *key, const double *v)
{
	struct heap_diff_entry *e = entry_of(ctx, key);
	if (!e)
		return -1;
	e->base[F_ALLOCATIONS] += v[HEAP_PPROF_ALLOCATIONS];
	e->base[F_ALLOCATED] += v[HEAP_PPROF_ALLOCATED];
	e->base[F_LEAKED] += v[HEAP_PPROF_LEAKED];
	e->base[F_LEAKED_COUNT] += v[HEAP_PPROF_LEAKED_COUNT];
	return 0;
}

int heap_diff_load(struct heap_diff_base *b, const char *path)
{
	if (heap_diff_is_gzip(path)) {
		b->pprof = true;
		if (heap_diff_pprof_read(path, add_pprof_sample, b)) {
			heap_diff_free(b);
			return -1;
		}
		return 0;
	}
	FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "memmon heap: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	size_t rows = 0;
	bool summary = false;
	while ((len = getline(&line, &cap, f)) > 0) {
		struct json_object *o = json_tokener_parse(line), *type, *frames, *v;
		if (!o)
			continue;
		const char *t = json_object_object_get_ex(o, "type", &type) ? json_object_get_string(type) : "";
		summary |= !strcmp(t, "heap_summary");
		if (!strcmp(t, "heap_stack") && json_object_object_get_ex(o, "frames", &frames)) {
			char *key = frames_key(frames);
			struct heap_diff_entry *e = key ? entry_of(b, key) : NULL;
			if (e) {
				for (int k = 0; k < NFIELDS; k++)
					if (json_object_object_get_ex(o, FIELDS[k], &v))
						e->base[k] += json_object_get_double(v);
				if (!e->frames)
					e->frames = json_object_get(frames);
				rows++;
			}
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
	if (!summary) {
		fprintf(stderr, "memmon heap: %s is not the --json output of memmon heap (no heap_summary) "
				"nor its --pprof file (not gzip)\n", path);
		heap_diff_free(b);
		return -1;
	}
	(void)rows;
	return 0;
}

static uint64_t u(double v)
{
	return v > 0 ? (uint64_t)llround(v) : 0;
}

/* A pprof BASE has no temporary or peak figures: those are not compared. */
static bool compared(const struct heap_diff_base *b, int k)
{
	return !b->pprof || (k != F_TEMPORARY && k != F_PEAK);
}

static bool differs(const struct heap_diff_base *b, const struct heap_diff_entry *e)
{
	for (int k = 0; k < NFIELDS; k++)
		if (compared(b, k) && u(e->base[k]) != u(e->now[k]))
			return true;
	return false;
}

static double change(const struct heap_diff_entry *e)
{
	double c = 0;
	for (int k = F_ALLOCATED; k <= F_LEAKED; k++)
		c += fabs(e->now[k] - e->base[k]);
	return c;
}

static int cmp_change(const void *a, const void *b)
{
	double x = change(*(struct heap_diff_entry *const *)a), y = change(*(struct heap_diff_entry *const *)b);
	return x > y ? -1 : x < y;
}

int heap_diff_print(struct heap_diff_base *b, struct heap_session *s, bool json, int top)
{
	struct symbolizer *sym = symbolizer_new();
	if (!sym)
		return -1;
	heap_report_capture(s, sym);
	size_t nrows = ktable_count(&s->acct.rows);
	for (size_t i = 0; i < nrows; i++) {
		const struct heap_stack_row *r = ktable_row(&s->acct.rows, i);
		const struct heap_proc_acct *p = &s->acct.procs[r->key.proc];
		uint64_t ips[HEAP_MAX_DEPTH];
		uint32_t end;
		int n = heap_session_stack(s, r->key.stack, ips, HEAP_MAX_DEPTH, &end);
		struct json_object *frames = stack_json(sym, SYM_KEY(r->key.proc), false, ips, n, true);
		char *key = frames_key(frames);
		struct heap_diff_entry *e = key ? entry_of(b, key) : NULL;
		if (!e) {
			json_object_put(frames);
			continue;
		}
		double now[NFIELDS] = { r->allocations, r->allocated_bytes, r->temporary,
					heap_row_peak(&s->acct, r), p->replaced ? 0 : r->live_bytes,
					p->replaced ? 0 : r->live_count };
		for (int k = 0; k < NFIELDS; k++)
			e->now[k] += now[k];
		if (!e->frames)
			e->frames = frames;
		else
			json_object_put(frames);
	}
	symbolizer_free(sym);
	if (b->pprof) /* not in the base: no change (and none printed) */
		for (size_t i = 0; i < b->n; i++) {
			b->e[i].base[F_TEMPORARY] = b->e[i].now[F_TEMPORARY];
			b->e[i].base[F_PEAK] = b->e[i].now[F_PEAK];
		}
	struct heap_diff_entry **list = malloc((b->n ? b->n : 1) * sizeof(*list));
	if (!list)
		return -1;
	size_t nd = 0;
	for (size_t i = 0; i < b->n; i++)
		if (differs(b, &b->e[i]))
			list[nd++] = &b->e[i];
	qsort(list, nd, sizeof(*list), cmp_change);
	if (top > 0 && (size_t)top < nd)
		nd = (size_t)top;
	for (size_t i = 0; i < nd; i++) {
		const struct heap_diff_entry *e = list[i];
		bool grew = e->now[F_ALLOCATED] + e->now[F_LEAKED] >= e->base[F_ALLOCATED] + e->base[F_LEAKED];
		if (json) {
			struct json_object *o = json_record("heap_diff_stack");
			json_add_str(o, "change", grew ? "grew" : "shrank");
			for (int k = 0; k < NFIELDS; k++) {
				char name[64];
				json_add_u64(o, FIELDS[k], u(e->now[k]));
				snprintf(name, sizeof(name), "base_%s", FIELDS[k]);
				if (compared(b, k))
					json_add_u64(o, name, u(e->base[k]));
				else /* not in a pprof base */
					json_object_object_add(o, name, NULL);
			}
			json_object_object_add(o, "frames", json_object_get(e->frames));
			json_emit(o, stdout);
			continue;
		}
		printf("%s:", grew ? "grew" : "shrank");
		for (int k = 0; k < NFIELDS; k++)
			if (compared(b, k) && u(e->now[k]) != u(e->base[k]))
				printf(" %s %" PRIu64 " -> %" PRIu64 " (%+.0f)", FIELDS[k], u(e->base[k]),
				       u(e->now[k]), round(e->now[k] - e->base[k]));
		printf("\n");
		size_t nf = json_object_array_length(e->frames);
		for (size_t k = 0; k < nf; k++) {
			struct json_object *f = json_object_array_get_idx(e->frames, k), *v;
			const char *symname = json_object_object_get_ex(f, "symbol", &v) ? json_object_get_string(v) : NULL;
			const char *file = json_object_object_get_ex(f, "file", &v) ? json_object_get_string(v) : NULL;
			int ln = json_object_object_get_ex(f, "line", &v) ? json_object_get_int(v) : 0;
			const char *mod = json_object_object_get_ex(f, "module", &v) ? json_object_get_string(v) : NULL;
			if (symname && file)
				printf("    %s (%s:%d)\n", symname, file, ln);
			else
				printf("    %s [%s]\n", symname ? symname : "?", mod ? mod : "?");
		}
	}
	if (!json)
		printf("%zu stack%s differ%s from %s\n", nd, nd == 1 ? "" : "s", nd == 1 ? "s" : "", "the base");
	free(list);
	return ferror(stdout) ? -1 : 0;
}
