#include "output/stack_profile.h"
#include "core/keyed_table.h"
#include "output/build_id.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One location per (process, address, how it was captured). */
struct location_key {
	int32_t pid;
	uint32_t kernel_and_ret; /* bit 0: kernel, bit 1: a return address */
	uint64_t addr;
};
struct location_row {
	struct location_key key;
	uint64_t id;
};
/* One function per name, mangled name and file. */
struct function_key {
	int64_t name, system_name, filename;
};
struct function_row {
	struct function_key key;
	uint64_t id;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Grows an array of elements of size sz to hold one more. 0, or -1. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *a = realloc(*arr, ncap * sz);
	if (!a)
		return -1;
	*arr = a;
	*cap = ncap;
	return 0;
}

static int rehash_strings(struct stack_profile *p, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 1; i < p->nstrings; i++) {
		size_t j = hash_str(p->strings[i]) & (nslots - 1);
		while (slots[j])
			j = (j + 1) & (nslots - 1);
		slots[j] = (uint32_t)i;
	}
	free(p->string_slots);
	p->string_slots = slots;
	p->nstring_slots = nslots;
	return 0;
}

int64_t stack_profile_string(struct stack_profile *p, const char *s)
{
	if (!s || !*s)
		return 0;
	if (2 * (p->nstrings + 1) > p->nstring_slots &&
	    rehash_strings(p, p->nstring_slots ? 2 * p->nstring_slots : 1024))
		return -1;
	size_t j = hash_str(s) & (p->nstring_slots - 1);
	while (p->string_slots[j]) {
		if (!strcmp(p->strings[p->string_slots[j]], s))
			return p->string_slots[j];
		j = (j + 1) & (p->nstring_slots - 1);
	}
	char *copy = strdup(s);
	if (!copy || grow((void **)&p->strings, &p->strings_cap, p->nstrings, sizeof(char *))) {
		free(copy);
		return -1;
	}
	p->strings[p->nstrings] = copy;
	p->string_slots[j] = (uint32_t)p->nstrings;
	return (int64_t)p->nstrings++;
}

int stack_profile_init(struct stack_profile *p, struct symbolizer *sym,
		       const struct profile_value_type *types, int ntypes, int default_type)
{
	memset(p, 0, sizeof(*p));
	p->sym = sym;
	p->ntypes = ntypes < PROFILE_MAX_VALUES ? ntypes : PROFILE_MAX_VALUES;
	memcpy(p->types, types, sizeof(types[0]) * (size_t)p->ntypes);
	p->default_type = default_type;
	p->strings = calloc(64, sizeof(char *));
	p->location_index = calloc(1, sizeof(struct keyed_table));
	p->function_index = calloc(1, sizeof(struct keyed_table));
	if (!p->strings || !p->location_index || !p->function_index ||
	    !(p->strings[0] = strdup(""))) {
		stack_profile_free(p);
		return -ENOMEM;
	}
	p->strings_cap = 64;
	p->nstrings = 1;
	KTABLE_INIT((struct keyed_table *)p->location_index, struct location_row, key);
	KTABLE_INIT((struct keyed_table *)p->function_index, struct function_row, key);
	/* the strings the writers name (pprof_write looks them up) */
	for (int i = 0; i < p->ntypes; i++)
		if (stack_profile_string(p, p->types[i].type) < 0 ||
		    stack_profile_string(p, p->types[i].unit) < 0) {
			stack_profile_free(p);
			return -ENOMEM;
		}
	if (stack_profile_string(p, "space") < 0 || stack_profile_string(p, "pid") < 0) {
		stack_profile_free(p);
		return -ENOMEM;
	}
	return 0;
}

void stack_profile_free(struct stack_profile *p)
{
	for (size_t i = 0; i < p->nstrings; i++)
		free(p->strings[i]);
	free(p->strings);
	free(p->string_slots);
	for (size_t i = 0; i < p->nsamples; i++)
		free(p->samples[i].location_ids);
	free(p->samples);
	free(p->locations);
	free(p->functions);
	free(p->mappings);
	if (p->location_index)
		ktable_free(p->location_index);
	if (p->function_index)
		ktable_free(p->function_index);
	free(p->location_index);
	free(p->function_index);
	memset(p, 0, sizeof(*p));
}

/* The mapping of a frame's module in pid (created at its first address), or 0. */
static uint64_t mapping_of(struct stack_profile *p, pid_t pid, bool kernel, const struct sym_frame *f)
{
	if (!f->module)
		return 0;
	/* the kernel's own image has the name pprof and perf give it */
	const char *name = kernel && !strcmp(f->module, "[kernel]") ? "[kernel.kallsyms]" : f->module;
	int64_t file = stack_profile_string(p, name);
	if (file < 0)
		return 0;
	pid_t owner = kernel ? 0 : pid;
	for (size_t i = 0; i < p->nmappings; i++) {
		struct profile_mapping *m = &p->mappings[i];
		if (m->pid == owner && m->filename == file) {
			if (f->addr < m->memory_start) {
				m->file_offset -= m->memory_start - f->addr;
				m->memory_start = f->addr;
			}
			if (f->addr >= m->memory_limit)
				m->memory_limit = f->addr + 1;
			return m->id;
		}
	}
	if (grow((void **)&p->mappings, &p->mappings_cap, p->nmappings, sizeof(p->mappings[0])))
		return 0;
	char hex[2 * 64 + 1] = "";
	if (kernel && name != f->module)
		build_id_of_kernel(hex, sizeof(hex));
	else if (!kernel)
		build_id_of_file(f->module, hex, sizeof(hex));
	struct profile_mapping *m = &p->mappings[p->nmappings];
	*m = (struct profile_mapping){
		.id = p->nmappings + 1, .memory_start = f->addr, .memory_limit = f->addr + 1,
		.file_offset = f->module_offset, .filename = file,
		.build_id = stack_profile_string(p, hex), .pid = owner,
	};
	if (m->build_id < 0)
		m->build_id = 0;
	return p->mappings[p->nmappings++].id;
}

static uint64_t function_of(struct stack_profile *p, const struct sym_frame *f)
{
	char unresolved[512];
	const char *name = f->symbol;
	if (!name) { /* no symbol: "libfoo.so+0x1234", as the text report shows it */
		const char *slash = f->module ? strrchr(f->module, '/') : NULL;
		if (f->module)
			snprintf(unresolved, sizeof(unresolved), "%s+0x%llx", slash ? slash + 1 : f->module,
				 (unsigned long long)f->module_offset);
		else
			snprintf(unresolved, sizeof(unresolved), "0x%llx", (unsigned long long)f->addr);
		name = unresolved;
	}
	struct function_key key = {
		.name = stack_profile_string(p, name),
		.system_name = stack_profile_string(p, f->mangled ? f->mangled : name),
		.filename = stack_profile_string(p, f->file),
	};
	if (key.name < 0 || key.system_name < 0 || key.filename < 0)
		return 0;
	bool created;
	struct function_row *r = ktable_get(p->function_index, &key, &created);
	if (!r)
		return 0;
	if (created) {
		if (grow((void **)&p->functions, &p->functions_cap, p->nfunctions, sizeof(p->functions[0])))
			return 0;
		r->id = p->nfunctions + 1;
		p->functions[p->nfunctions++] = (struct profile_function){
			.id = r->id, .name = key.name, .system_name = key.system_name,
			.filename = key.filename,
		};
	}
	return r->id;
}

static uint64_t location_of(struct stack_profile *p, pid_t pid, bool kernel, uint64_t addr, bool ret)
{
	struct location_key key = { .pid = kernel ? 0 : pid,
				    .kernel_and_ret = (kernel ? 1u : 0u) | (ret ? 2u : 0u), .addr = addr };
	bool created;
	struct location_row *r = ktable_get(p->location_index, &key, &created);
	if (!r)
		return 0;
	if (!created)
		return r->id;
	uint64_t *id = &r->id; /* rows move only in ktable_get, not called below */
	if (grow((void **)&p->locations, &p->locations_cap, p->nlocations, sizeof(p->locations[0])))
		return 0;
	struct sym_frame fr[SYM_MAX_INLINE];
	int k = kernel ? symbolize_kernel(p->sym, addr, ret, fr, SYM_MAX_INLINE)
		       : symbolize_user(p->sym, pid, addr, ret, fr, SYM_MAX_INLINE);
	struct profile_location loc = { .id = p->nlocations + 1, .address = addr };
	for (int j = 0; j < k; j++) {
		if (!loc.mapping_id)
			loc.mapping_id = mapping_of(p, pid, kernel, &fr[j]);
		uint64_t fid = function_of(p, &fr[j]);
		if (fid)
			loc.lines[loc.nlines++] = (struct profile_line){ fid, fr[j].line };
	}
	*id = loc.id;
	p->locations[p->nlocations++] = loc;
	return loc.id;
}

/* Appends the location ids of ips to ids (from *n). */
static int add_locations(struct stack_profile *p, pid_t pid, bool kernel, const uint64_t *ips,
			 int nips, bool all_ret, uint64_t *ids, int *n)
{
	for (int i = 0; i < nips; i++) {
		uint64_t id = location_of(p, pid, kernel, ips[i], all_ret || i > 0);
		if (!id)
			return -ENOMEM;
		ids[(*n)++] = id;
	}
	return 0;
}

static int add_sample(struct stack_profile *p, pid_t pid, uint64_t *ids, int n, const int64_t *values)
{
	if (grow((void **)&p->samples, &p->samples_cap, p->nsamples, sizeof(p->samples[0]))) {
		free(ids);
		p->failed = true;
		return -ENOMEM;
	}
	struct profile_sample *s = &p->samples[p->nsamples++];
	*s = (struct profile_sample){ .location_ids = ids, .nlocations = n, .pid = pid };
	memcpy(s->values, values, sizeof(values[0]) * (size_t)p->ntypes);
	return 0;
}

int stack_profile_add_mixed(struct stack_profile *p, pid_t pid, const uint64_t *kips, int nk,
			    const uint64_t *uips, int nu, bool user_return_addrs,
			    const int64_t *values)
{
	uint64_t *ids = malloc(sizeof(*ids) * (size_t)(nk + nu + 1));
	int n = 0;
	if (!ids || add_locations(p, pid, true, kips, nk, false, ids, &n) ||
	    add_locations(p, pid, false, uips, nu, user_return_addrs, ids, &n)) {
		free(ids);
		p->failed = true;
		return -ENOMEM;
	}
	return add_sample(p, pid, ids, n, values);
}

int stack_profile_add(struct stack_profile *p, pid_t pid, bool kernel, const uint64_t *ips,
		      int nips, bool all_return_addrs, const int64_t *values)
{
	uint64_t *ids = malloc(sizeof(*ids) * (size_t)(nips + 1));
	int n = 0;
	if (!ids || add_locations(p, pid, kernel, ips, nips, all_return_addrs, ids, &n)) {
		free(ids);
		p->failed = true;
		return -ENOMEM;
	}
	return add_sample(p, pid, ids, n, values);
}
