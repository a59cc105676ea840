#include "faults/faults_names.h"
#include <stdio.h>

const char *faults_kind_name(uint32_t kind)
{
	static const char *names[FK_COUNT] = { "unknown", "file", "heap", "stack", "anon" };
	return kind < FK_COUNT ? names[kind] : "unknown";
}

void faults_format_path(const struct fault_file_info *info, char *buf, size_t n)
{
	size_t len = 0;
	if (!n)
		return;
	buf[0] = 0;
	if (info->truncated)
		len += (size_t)snprintf(buf, n, "...");
	int parts = info->nparts > FAULT_PATH_PARTS ? FAULT_PATH_PARTS : (int)info->nparts;
	for (int i = parts - 1; i >= 0 && len < n; i--)
		len += (size_t)snprintf(buf + len, n - len, "/%.*s", FAULT_NAME_LEN,
					info->parts[i]);
}
