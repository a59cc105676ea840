#include "proc/cgroup_mounts.h"
#include "proc/proc_file.h"
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* "memory" as one of the comma-separated mount options. */
static bool has_option(const char *opts, const char *want)
{
	size_t n = strlen(want);
	for (const char *p = opts; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && !memcmp(p, want, n))
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

int cgroup_mounts_parse(const char *text, size_t len, struct cgroup_mounts *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char line[1024], dir[256], type[32], opts[512];
		if (n && n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (sscanf(line, "%*s %255s %31s %511s", dir, type, opts) != 3)
				return -EINVAL;
			if (!strcmp(type, "cgroup2") && !out->v2[0])
				snprintf(out->v2, sizeof(out->v2), "%s", dir);
			else if (!strcmp(type, "cgroup") && has_option(opts, "memory") && !out->v1_memory[0])
				snprintf(out->v1_memory, sizeof(out->v1_memory), "%s", dir);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int cgroup_mounts_read(struct cgroup_mounts *out)
{
	struct text_buf buf = { 0 };
	int r = proc_read_file("/proc/mounts", &buf);
	if (!r)
		r = cgroup_mounts_parse(buf.data, buf.len, out);
	text_buf_free(&buf);
	return r;
}

bool cgroup_v2_has_memory(const char *mount)
{
	char path[320];
	struct text_buf buf = { 0 };
	snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
	bool yes = false;
	if (proc_read_file(path, &buf) == 0) {
		for (char *tok = strtok(buf.data, " \n"); tok && !yes; tok = strtok(NULL, " \n"))
			yes = !strcmp(tok, "memory");
	}
	text_buf_free(&buf);
	return yes;
}
