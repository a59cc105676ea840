#include "proc/proc_loadavg.h"
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
