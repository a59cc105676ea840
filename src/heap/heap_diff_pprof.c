#include "heap/heap_diff_pprof.h"
#include "output/profile.pb-c.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_PROFILE (1u << 30) /* a profile larger than 1 GiB unpacked is refused */

typedef Perftools__Profiles__Profile Profile;

bool heap_diff_is_gzip(const char *path)
{
	unsigned char m[2] = { 0 };
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(m, 1, 2, f);
	fclose(f);
	return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

int heap_diff_key_append(char **s, size_t *len, size_t *cap, const char *name, const char *file,
			 long line)
{
	char buf[1024];
	int l = snprintf(buf, sizeof(buf), "%s %s:%ld\n", name && *name ? name : "?",
			 file && *file ? file : "?", line);
	if (l < 0)
		return -1;
	if ((size_t)l >= sizeof(buf))
		l = sizeof(buf) - 1;
	if (*len + (size_t)l + 1 > *cap) {
		size_t ncap = (*len + (size_t)l + 1) * 2;
		char *ns = realloc(*s, ncap);
		if (!ns)
			return -1;
		*s = ns;
		*cap = ncap;
	}
	memcpy(*s + *len, buf, (size_t)l + 1);
	*len += (size_t)l;
	return 0;
}

/* The whole file, gunzipped (malloc'd; *n bytes), or NULL after a message. */
static unsigned char *gunzip_file(const char *path, size_t *n)
{
	gzFile gz = gzopen(path, "rb");
	if (!gz) {
		fprintf(stderr, "memmon heap: cannot read %s: %s\n", path, strerror(errno ? errno : ENOMEM));
		return NULL;
	}
	size_t cap = 1 << 16, len = 0;
	unsigned char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		if (len == cap) {
			unsigned char *nb = cap < MAX_PROFILE ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				fprintf(stderr, "memmon heap: %s: larger than %u MiB unpacked, or out of memory\n",
					path, MAX_PROFILE >> 20);
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		int r = gzread(gz, buf + len, (unsigned)(cap - len));
		if (r < 0) {
			int err;
			fprintf(stderr, "memmon heap: %s: not a readable gzip file (%s)\n", path, gzerror(gz, &err));
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	gzclose(gz);
	*n = len;
	return buf;
}

static const char *str(const Profile *p, int64_t i)
{
	return i >= 0 && (size_t)i < p->n_string_table ? p->string_table[i] : "";
}

/* memmon writes id k at index k-1; anything else is looked for. */
#define FIND_BY_ID(arr, n, want) ({ \
	__typeof__(arr[0]) found_ = NULL; \
	if ((want) >= 1 && (want) <= (n) && arr[(want) - 1]->id == (want)) \
		found_ = arr[(want) - 1]; \
	for (size_t k_ = 0; !found_ && k_ < (n); k_++) \
		if (arr[k_]->id == (want)) \
			found_ = arr[k_]; \
	found_; })

/* The indexes of the four sample types memmon heap writes, or -1 if one is missing. */
static int value_indexes(const Profile *p, int idx[HEAP_PPROF_NVALUES])
{
	static const char *const names[HEAP_PPROF_NVALUES] = {
		[HEAP_PPROF_ALLOCATIONS] = "alloc_objects", [HEAP_PPROF_ALLOCATED] = "alloc_space",
		[HEAP_PPROF_LEAKED_COUNT] = "inuse_objects", [HEAP_PPROF_LEAKED] = "inuse_space",
	};
	for (int k = 0; k < HEAP_PPROF_NVALUES; k++) {
		idx[k] = -1;
		for (size_t i = 0; i < p->n_sample_type; i++)
			if (!strcmp(str(p, p->sample_type[i]->type), names[k]))
				idx[k] = (int)i;
		if (idx[k] < 0)
			return -1;
	}
	return 0;
}

static char *sample_key(const Profile *p, const Perftools__Profiles__Sample *s)
{
	size_t cap = 256, len = 0;
	char *key = malloc(cap);
	if (!key)
		return NULL;
	key[0] = 0;
	for (size_t i = 0; i < s->n_location_id; i++) {
		const Perftools__Profiles__Location *loc = FIND_BY_ID(p->location, p->n_location, s->location_id[i]);
		for (size_t j = 0; loc && j < loc->n_line; j++) {
			const Perftools__Profiles__Function *f =
				FIND_BY_ID(p->function, p->n_function, loc->line[j]->function_id);
			if (heap_diff_key_append(&key, &len, &cap, f ? str(p, f->name) : NULL,
						 f ? str(p, f->filename) : NULL, (long)loc->line[j]->line)) {
				free(key);
				return NULL;
			}
		}
	}
	return key;
}

int heap_diff_pprof_read(const char *path, heap_pprof_sample_fn add, void *ctx)
{
	size_t n;
	unsigned char *buf = gunzip_file(path, &n);
	if (!buf)
		return -1;
	Profile *p = perftools__profiles__profile__unpack(NULL, n, buf);
	free(buf);
	int idx[HEAP_PPROF_NVALUES];
	if (!p || value_indexes(p, idx)) {
		fprintf(stderr, "memmon heap: %s is not a --pprof file of memmon heap (%s)\n", path,
			p ? "no alloc_objects, alloc_space, inuse_objects and inuse_space"
			  : "not a profile.proto");
		if (p)
			perftools__profiles__profile__free_unpacked(p, NULL);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < p->n_sample && !rc; i++) {
		const Perftools__Profiles__Sample *s = p->sample[i];
		double v[HEAP_PPROF_NVALUES];
		for (int k = 0; k < HEAP_PPROF_NVALUES; k++)
			v[k] = (size_t)idx[k] < s->n_value ? (double)s->value[idx[k]] : 0;
		char *key = sample_key(p, s);
		if (!key || add(ctx, key, v)) {
			fprintf(stderr, "memmon heap: out of memory reading %s\n", path);
			rc = -1;
		}
	}
	perftools__profiles__profile__free_unpacked(p, NULL);
	return rc;
}
