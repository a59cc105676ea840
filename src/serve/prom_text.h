/* The Prometheus text exposition format (version 0.0.4): one "# HELP" and one "# TYPE"
 * line per metric family, then its samples, label values escaped. Writes to a stdio
 * stream (an open_memstream buffer for the HTTP body). */
#ifndef MEMMON_PROM_TEXT_H
#define MEMMON_PROM_TEXT_H
#include <stdint.h>
#include <stdio.h>

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct prom_label {
	const char *name, *value;
};

/* type: "gauge", "counter" or "untyped"; help is escaped (backslash, newline). */
void prom_family(FILE *f, const char *name, const char *type, const char *help);
/* One sample of the family last started: name{labels} value. n may be 0. */
void prom_u64(FILE *f, const char *name, const struct prom_label *labels, int n, uint64_t v);
void prom_double(FILE *f, const char *name, const struct prom_label *labels, int n, double v);
/* A label value as the format wants it: backslash, double quote and newline escaped. */
void prom_label_value(FILE *f, const char *v);

#endif
