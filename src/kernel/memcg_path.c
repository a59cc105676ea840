#include "kernel/memcg_path.h"
#include <stdio.h>
#include <string.h>

#include <unistd.h>

unsigned long long memcg_unlimited_pages(void)
{
	long page = sysconf(_SC_PAGESIZE);
	return 0x7fffffffffffffffULL / (unsigned long long)(page > 0 ? page : 4096);
}

unsigned long long memcg_pages_kb(unsigned long long pages)
{
	long page = sysconf(_SC_PAGESIZE);
	return pages * (unsigned long long)(page > 0 ? page : 4096) / 1024;
}

void memcg_path_format(const struct memcg_info *m, char *buf, size_t n)
{
	size_t used = 0;
	int depth = m->depth > MEMCG_MAX_DEPTH ? MEMCG_MAX_DEPTH : (int)m->depth;
	if (n == 0)
		return;
	buf[0] = 0;
	if (m->truncated)
		used += snprintf(buf, n, "...");
	for (int i = depth - 1; i >= 0 && used < n; i--)
		used += snprintf(buf + used, n - used, "/%.*s", MEMCG_NAME_LEN, m->names[i]);
	if (depth == 0 && !m->truncated)
		snprintf(buf, n, "/");
}

bool memcg_limited(const struct memcg_info *m)
{
	return m->max_pages < memcg_unlimited_pages();
}
