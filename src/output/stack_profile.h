/* A profile of stacks and the values counted on them, symbolized once and kept in pprof's
 * own shape (a string table, functions, mappings, one location per address with every
 * inlined line, samples of location ids), from which every profile writer draws: pprof
 * (output/pprof_write.h), folded stacks (output/folded_write.h) and the SVG flame graph
 * (output/flamegraph_svg.h). A command adds its report's rows, each a stack with values;
 * `memmon serve` fills one the same way. */
#ifndef MEMMON_STACK_PROFILE_H
#define MEMMON_STACK_PROFILE_H
#include "symbols/symbolize.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROFILE_MAX_VALUES 4

/* A sample type, as Go's heap profiles name them: {"inuse_space", "bytes"}. */
struct profile_value_type {
	const char *type, *unit;
};

struct profile_line {
	uint64_t function_id;
	int64_t line;
};

struct profile_location {
	uint64_t id, mapping_id, address;
	int nlines; /* inlined callees first, the containing function last */
	struct profile_line lines[SYM_MAX_INLINE];
};

struct profile_function {
	uint64_t id;
	int64_t name, system_name, filename; /* string table indexes */
};

struct profile_mapping {
	uint64_t id, memory_start, memory_limit, file_offset;
	int64_t filename, build_id;
	pid_t pid; /* whose mapping (0: the kernel) */
};

struct profile_sample {
	uint64_t *location_ids; /* the leaf first */
	int nlocations;
	int64_t values[PROFILE_MAX_VALUES];
	pid_t pid; /* 0: a kernel stack of no process */
};

struct stack_profile {
	struct symbolizer *sym;
	struct profile_value_type types[PROFILE_MAX_VALUES];
	int ntypes, default_type;
	const char *period_unit; /* the period type is {types[default].type's kind, unit} */
	char **strings; /* [0] is "" */
	size_t nstrings, strings_cap;
	uint32_t *string_slots; size_t nstring_slots;
	struct profile_location *locations; size_t nlocations, locations_cap;
	struct profile_function *functions; size_t nfunctions, functions_cap;
	struct profile_mapping *mappings; size_t nmappings, mappings_cap;
	struct profile_sample *samples; size_t nsamples, samples_cap;
	void *location_index, *function_index; /* hash indexes (stack_profile.c) */
	int64_t time_nanos, duration_nanos;
	bool failed; /* out of memory on the way: the profile is incomplete */
};

/* types: ntypes (1 to PROFILE_MAX_VALUES) sample types; default_type the one viewers show
 * first. 0, or -ENOMEM. */
int stack_profile_init(struct stack_profile *p, struct symbolizer *sym,
		       const struct profile_value_type *types, int ntypes, int default_type);
void stack_profile_free(struct stack_profile *p);
/* One stack (ips[0] innermost; user stacks of pid, kernel ones with kernel) with one value
 * per sample type. all_return_addrs: every ip is a return address (else the first is the
 * faulting or current pc). 0, or -ENOMEM. */
int stack_profile_add(struct stack_profile *p, pid_t pid, bool kernel, const uint64_t *ips,
		      int n, bool all_return_addrs, const int64_t *values);
/* A user stack above a kernel one (e.g. a page allocated in a fault): kernel ips first
 * (the first of them the current pc), then the user ones. */
int stack_profile_add_mixed(struct stack_profile *p, pid_t pid, const uint64_t *kips, int nk,
			    const uint64_t *uips, int nu, bool user_return_addrs,
			    const int64_t *values);
/* The index in the string table of s (added if new); 0 for NULL or "". -1 out of memory. */
int64_t stack_profile_string(struct stack_profile *p, const char *s);

static inline const struct profile_location *stack_profile_location(const struct stack_profile *p,
								     uint64_t id)
{
	return &p->locations[id - 1];
}
static inline const struct profile_function *stack_profile_function(const struct stack_profile *p,
								     uint64_t id)
{
	return &p->functions[id - 1];
}

#endif
