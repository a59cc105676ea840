#include "symbols/code_map.h"
#include "symbols/code_map_event.h"
#include <stdio.h>

bool code_map_take(struct symbolizer *s, const void *data, size_t size)
{
	const struct code_map_event *e = data;
	if (size < sizeof(*e) || e->kind != CODE_MAP_EVENT_KIND)
		return false;
	/* a path cut short names no file the symbolizer could open */
	if (!s || e->path_truncated || !e->path_depth || e->path_depth > CODE_MAP_PATH_PARTS)
		return true;
	char path[CODE_MAP_PATH_PARTS * (CODE_MAP_NAME_LEN + 1) + 1];
	size_t len = 0;
	for (int i = (int)e->path_depth - 1; i >= 0; i--)
		len += snprintf(path + len, sizeof(path) - len, "/%.*s", CODE_MAP_NAME_LEN, e->path[i]);
	symbolizer_add_mapping(s, (pid_t)e->tgid, e->start, e->end, e->pgoff, path);
	return true;
}
