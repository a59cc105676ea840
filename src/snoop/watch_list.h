/* The watch list of memmon watch as user space reads and edits it: the pid_filter map of
 * core/task_filter.h, pinned so memmon watch-pids changes it while watch runs. Each watch
 * has its own list, pinned at SNOOP_WATCH_DIR/watch_pids_PID (PID: that memmon's), unless
 * it names one with --map: sessions naming the same path share it. A watched pid is TF_ACTIVE;
 * a launched program still waiting to exec is TF_AT_EXEC and joins the list at its exec. */
#ifndef MEMMON_WATCH_LIST_H
#define MEMMON_WATCH_LIST_H
#include "core/task_filter.h"
#include <stdbool.h>
#include <stdint.h>

#define SNOOP_WATCH_DIR "/sys/fs/bpf/memmon"
#define SNOOP_WATCH_SESSION_PREFIX "watch_pids_" /* bpffs refuses dots in names */
#include <stddef.h>
#include <sys/types.h>
#define WATCH_LIST_MAX TASK_FILTER_MAX_PIDS

/* The watched pids of the map at fd, ascending, at most max; with waiting, the programs
 * waiting to exec too. Returns their number. */
int watch_list_read(int fd, uint32_t *pids, int max, bool waiting);
/* Watches pid. 0 or -errno. */
int watch_list_add(int fd, uint32_t pid);

/* The path of the own watch list of the watch session run by memmon process pid. */
void watch_list_session_path(pid_t pid, char *buf, size_t n);
/* For watch-pids without --map: the one running session's list. 0, or -ENOENT (none) or
 * -EEXIST (several: their paths are listed on stderr), with the message printed. */
int watch_list_find_session(const char *cmd, char *buf, size_t n);

#endif
