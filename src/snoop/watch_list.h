/* The watch list of memmon watch as user space reads and edits it: the pid_filter map of
 * core/task_filter.h, pinned (by default at SNOOP_WATCH_MAP_DEFAULT) so that a second watch
 * shares it and memmon watch-pids changes it while watch runs. A watched pid is TF_ACTIVE;
 * a launched program still waiting to exec is TF_AT_EXEC and joins the list at its exec. */
#ifndef MEMMON_WATCH_LIST_H
#define MEMMON_WATCH_LIST_H
#include "core/task_filter.h"
#include <stdbool.h>
#include <stdint.h>

#define SNOOP_WATCH_MAP_DEFAULT "/sys/fs/bpf/memmon/watch_pids"
#define WATCH_LIST_MAX TASK_FILTER_MAX_PIDS

/* The watched pids of the map at fd, ascending, at most max; with waiting, the programs
 * waiting to exec too. Returns their number. */
int watch_list_read(int fd, uint32_t *pids, int max, bool waiting);
/* Watches pid. 0 or -errno. */
int watch_list_add(int fd, uint32_t pid);

#endif
