/* Stacks of processes that are gone: the kernel's build-id + file-offset frames
 * (struct segv_deliver_event) turned into addresses the shared symbolizer resolves, by
 * finding each build-id's file (the executable's path came with the event; libraries are
 * looked up in the system library directories) and laying the files out in a made-up
 * address space registered under a made-up pid. */
#ifndef MEMMON_SEGV_BUILDID_H
#define MEMMON_SEGV_BUILDID_H
#include "crash/segv_event.h"
#include "symbols/symbolize.h"
#include <stddef.h>
#include <stdint.h>

struct buildid_index;

struct buildid_index *buildid_index_new(void);
void buildid_index_free(struct buildid_index *ix);

/* "/a/b/c" from components given last first. 0, or -1 if none or too long. */
int segv_join_path(const struct segv_deliver_event *d, char *out, size_t n);

/* Registers the frames' files under fake_pid (a negative number no process has) and fills
 * ips[] with addresses in that space (raw ips where the kernel gave no build-id).
 * Returns the number of frames. */
int segv_buildid_stack(struct buildid_index *ix, struct symbolizer *sym,
		       const struct segv_deliver_event *d, pid_t fake_pid, uint64_t *ips);

#endif
