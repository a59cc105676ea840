#include "output/pprof_write.h"
#include "output/profile.pb-c.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__ValueType ValueType;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Label Label;
typedef Perftools__Profiles__Mapping Mapping;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__Function Function;

/* The messages are built in arrays (one allocation each kind) that point into p; nothing
 * is copied but the pointer arrays protobuf-c wants. */
struct pprof_arrays {
	ValueType types[PROFILE_MAX_VALUES], *type_ptrs[PROFILE_MAX_VALUES], period_type;
	Sample *samples; Sample **sample_ptrs;
	Label *labels; Label **label_ptrs;
	Mapping *mappings; Mapping **mapping_ptrs;
	Location *locations; Location **location_ptrs;
	Line *lines; Line **line_ptrs;
	Function *functions; Function **function_ptrs;
};

static void free_arrays(struct pprof_arrays *a)
{
	free(a->samples); free(a->sample_ptrs);
	free(a->labels); free(a->label_ptrs);
	free(a->mappings); free(a->mapping_ptrs);
	free(a->locations); free(a->location_ptrs);
	free(a->lines); free(a->line_ptrs);
	free(a->functions); free(a->function_ptrs);
}

/* Looks up a string that must already be in the table (the writer adds none). */
static int64_t known_string(const struct stack_profile *p, const char *s)
{
	for (size_t i = 0; i < p->nstrings; i++)
		if (!strcmp(p->strings[i], s))
			return (int64_t)i;
	return 0;
}

static int build(const struct stack_profile *p, struct pprof_arrays *a, Profile *out)
{
	size_t nlines = 0;
	for (size_t i = 0; i < p->nlocations; i++)
		nlines += (size_t)p->locations[i].nlines;
	a->samples = calloc(p->nsamples + 1, sizeof(Sample));
	a->sample_ptrs = calloc(p->nsamples + 1, sizeof(Sample *));
	a->labels = calloc(p->nsamples + 1, sizeof(Label));
	a->label_ptrs = calloc(p->nsamples + 1, sizeof(Label *));
	a->mappings = calloc(p->nmappings + 1, sizeof(Mapping));
	a->mapping_ptrs = calloc(p->nmappings + 1, sizeof(Mapping *));
	a->locations = calloc(p->nlocations + 1, sizeof(Location));
	a->location_ptrs = calloc(p->nlocations + 1, sizeof(Location *));
	a->lines = calloc(nlines + 1, sizeof(Line));
	a->line_ptrs = calloc(nlines + 1, sizeof(Line *));
	a->functions = calloc(p->nfunctions + 1, sizeof(Function));
	a->function_ptrs = calloc(p->nfunctions + 1, sizeof(Function *));
	if (!a->samples || !a->sample_ptrs || !a->labels || !a->label_ptrs || !a->mappings ||
	    !a->mapping_ptrs || !a->locations || !a->location_ptrs || !a->lines || !a->line_ptrs ||
	    !a->functions || !a->function_ptrs)
		return -1;

	perftools__profiles__profile__init(out);
	for (int i = 0; i < p->ntypes; i++) {
		perftools__profiles__value_type__init(&a->types[i]);
		a->types[i].type = known_string(p, p->types[i].type);
		a->types[i].unit = known_string(p, p->types[i].unit);
		a->type_ptrs[i] = &a->types[i];
	}
	out->n_sample_type = (size_t)p->ntypes;
	out->sample_type = a->type_ptrs;
	out->default_sample_type = a->types[p->default_type].type;
	/* as Go's heap profiles: the period is one byte of space (every allocation counted) */
	perftools__profiles__value_type__init(&a->period_type);
	a->period_type.type = known_string(p, "space");
	a->period_type.unit = a->types[p->default_type].unit;
	out->period_type = &a->period_type;
	out->period = 1;
	out->time_nanos = p->time_nanos;
	out->duration_nanos = p->duration_nanos;

	int64_t pid_key = known_string(p, "pid");
	for (size_t i = 0; i < p->nsamples; i++) {
		const struct profile_sample *s = &p->samples[i];
		Sample *m = &a->samples[i];
		perftools__profiles__sample__init(m);
		m->n_location_id = (size_t)s->nlocations;
		m->location_id = s->location_ids;
		m->n_value = (size_t)p->ntypes;
		m->value = (int64_t *)s->values;
		if (s->pid) {
			perftools__profiles__label__init(&a->labels[i]);
			a->labels[i].key = pid_key;
			a->labels[i].num = s->pid;
			a->label_ptrs[i] = &a->labels[i];
			m->n_label = 1;
			m->label = &a->label_ptrs[i];
		}
		a->sample_ptrs[i] = m;
	}
	out->n_sample = p->nsamples;
	out->sample = a->sample_ptrs;

	for (size_t i = 0; i < p->nmappings; i++) {
		const struct profile_mapping *s = &p->mappings[i];
		Mapping *m = &a->mappings[i];
		perftools__profiles__mapping__init(m);
		m->id = s->id;
		m->memory_start = s->memory_start;
		m->memory_limit = s->memory_limit;
		m->file_offset = s->file_offset;
		m->filename = s->filename;
		m->build_id = s->build_id;
		/* memmon symbolized every address: viewers must not try again */
		m->has_functions = m->has_filenames = m->has_line_numbers = m->has_inline_frames = 1;
		a->mapping_ptrs[i] = m;
	}
	out->n_mapping = p->nmappings;
	out->mapping = a->mapping_ptrs;

	size_t used = 0;
	for (size_t i = 0; i < p->nlocations; i++) {
		const struct profile_location *s = &p->locations[i];
		Location *m = &a->locations[i];
		perftools__profiles__location__init(m);
		m->id = s->id;
		m->mapping_id = s->mapping_id;
		m->address = s->address;
		m->n_line = (size_t)s->nlines;
		m->line = &a->line_ptrs[used];
		for (int j = 0; j < s->nlines; j++, used++) {
			perftools__profiles__line__init(&a->lines[used]);
			a->lines[used].function_id = s->lines[j].function_id;
			a->lines[used].line = s->lines[j].line;
			a->line_ptrs[used] = &a->lines[used];
		}
		a->location_ptrs[i] = m;
	}
	out->n_location = p->nlocations;
	out->location = a->location_ptrs;

	for (size_t i = 0; i < p->nfunctions; i++) {
		const struct profile_function *s = &p->functions[i];
		Function *m = &a->functions[i];
		perftools__profiles__function__init(m);
		m->id = s->id;
		m->name = s->name;
		m->system_name = s->system_name;
		m->filename = s->filename;
		a->function_ptrs[i] = m;
	}
	out->n_function = p->nfunctions;
	out->function = a->function_ptrs;
	out->n_string_table = p->nstrings;
	out->string_table = p->strings;
	return 0;
}

/* gzip, as pprof files are. */
static int write_gzip(const uint8_t *data, size_t len, FILE *out)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	unsigned char buf[65536];
	z.next_in = (uint8_t *)data;
	z.avail_in = (uInt)len; /* profiles stay far below 4 GiB */
	int rc;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = deflate(&z, Z_FINISH);
		size_t n = sizeof(buf) - z.avail_out;
		if (n && fwrite(buf, 1, n, out) != n) {
			deflateEnd(&z);
			return -1;
		}
	} while (rc == Z_OK);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int pprof_write(const struct stack_profile *p, FILE *out)
{
	struct pprof_arrays a;
	memset(&a, 0, sizeof(a));
	Profile prof;
	int rc = -1;
	uint8_t *buf = NULL;
	if (build(p, &a, &prof)) {
		errno = ENOMEM;
		goto done;
	}
	size_t len = perftools__profiles__profile__get_packed_size(&prof);
	if (!(buf = malloc(len ? len : 1))) {
		errno = ENOMEM;
		goto done;
	}
	perftools__profiles__profile__pack(&prof, buf);
	rc = write_gzip(buf, len, out);
done:
	free(buf);
	free_arrays(&a);
	return rc;
}
