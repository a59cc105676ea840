#include "symbols/demangle.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* libstdc++'s demangler (C++ ABI); a plain C declaration, as it has C linkage. */
char *__cxa_demangle(const char *mangled, char *out, size_t *len, int *status);

struct entry {
	char *mangled;
	char *demangled; /* NULL: not demangled, give the name back */
};

/* Open addressing keyed by the name's text: the same name reaches here from different
 * files' string tables. */
struct demangler {
	struct entry *slots;
	size_t cap, n;
};

struct demangler *demangler_new(void)
{
	return calloc(1, sizeof(struct demangler));
}

void demangler_free(struct demangler *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->cap; i++) {
		free(d->slots[i].mangled);
		free(d->slots[i].demangled);
	}
	free(d->slots);
	free(d);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct entry *slot_for(struct entry *slots, size_t cap, const char *name)
{
	size_t i = hash(name) & (cap - 1);
	while (slots[i].mangled && strcmp(slots[i].mangled, name))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static bool grow(struct demangler *d)
{
	size_t cap = d->cap ? d->cap * 2 : 256;
	struct entry *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; i < d->cap; i++)
		if (d->slots[i].mangled)
			*slot_for(slots, cap, d->slots[i].mangled) = d->slots[i];
	free(d->slots);
	d->slots = slots;
	d->cap = cap;
	return true;
}

const char *demangle(struct demangler *d, const char *name)
{
	/* Only "_Z" names: __cxa_demangle also decodes bare types ("i" -> "int"). */
	if (!d || !name || strncmp(name, "_Z", 2))
		return name;
	if ((d->n + 1) * 2 > d->cap && !grow(d))
		return name;
	struct entry *e = slot_for(d->slots, d->cap, name);
	if (!e->mangled) {
		int status = 0;
		e->mangled = strdup(name);
		if (!e->mangled)
			return name;
		e->demangled = __cxa_demangle(name, NULL, NULL, &status);
		d->n++;
	}
	return e->demangled ? e->demangled : name;
}
