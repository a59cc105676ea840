#include "proc_pressure.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int loadavg_parse(const char *text, struct loadavg *out)
{
	char tail;
	int n = sscanf(text, "%lf %lf %lf %d/%d %*d%c", &out->avg1, &out->avg5, &out->avg15,
		       &out->running, &out->total, &tail);
	if (n < 5 || out->avg1 < 0 || out->avg5 < 0 || out->avg15 < 0 || out->running < 0 ||
	    out->total < 0)
		return -1;
	return 0;
}

/* One "Key:   123 kB" line; returns true and the value if key matches. */
static bool meminfo_line(const char *line, const char *key, uint64_t *val)
{
	size_t n = strlen(key);
	if (strncmp(line, key, n) != 0 || line[n] != ':')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(line + n + 1, &end, 10);
	if (errno || end == line + n + 1)
		return false;
	*val = v;
	return true;
}

int meminfo_parse(const char *text, struct meminfo_free *out)
{
	out->total_kb = out->free_kb = out->available_kb = UINT64_MAX;
	for (const char *line = text; line && *line;) {
		if (!meminfo_line(line, "MemTotal", &out->total_kb) &&
		    !meminfo_line(line, "MemFree", &out->free_kb))
			meminfo_line(line, "MemAvailable", &out->available_kb);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return out->free_kb == UINT64_MAX ? -1 : 0;
}

static int read_small(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t got = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[got] = 0;
	return 0;
}

int loadavg_read(struct loadavg *out)
{
	char buf[256];
	if (read_small("/proc/loadavg", buf, sizeof(buf)))
		return -1;
	if (loadavg_parse(buf, out)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int meminfo_read(struct meminfo_free *out)
{
	char buf[8192];
	if (read_small("/proc/meminfo", buf, sizeof(buf)))
		return -1;
	if (meminfo_parse(buf, out)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
