#include "serve/prom_text.h"
#include <math.h>

static void escape(FILE *f, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (quote && *s == '"')
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

void prom_label_value(FILE *f, const char *v)
{
	escape(f, v, 1);
}

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s ", name);
	escape(f, help, 0);
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

static void name_and_labels(FILE *f, const char *name, const struct prom_label *labels, int n)
{
	fputs(name, f);
	if (n <= 0)
		return;
	fputc('{', f);
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s%s=\"", i ? "," : "", labels[i].name);
		prom_label_value(f, labels[i].value);
		fputc('"', f);
	}
	fputc('}', f);
}

void prom_u64(FILE *f, const char *name, const struct prom_label *labels, int n, uint64_t v)
{
	name_and_labels(f, name, labels, n);
	fprintf(f, " %llu\n", (unsigned long long)v);
}

void prom_double(FILE *f, const char *name, const struct prom_label *labels, int n, double v)
{
	name_and_labels(f, name, labels, n);
	if (isnan(v))
		fputs(" NaN\n", f);
	else if (isinf(v))
		fputs(v > 0 ? " +Inf\n" : " -Inf\n", f);
	else
		fprintf(f, " %.15g\n", v);
}
