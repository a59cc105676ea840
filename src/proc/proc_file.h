/* Reads a whole /proc file into memory. /proc files report size 0, so read until EOF. */
#ifndef MEMMON_PROC_FILE_H
#define MEMMON_PROC_FILE_H
#include <stddef.h>

struct text_buf {
	char *data; /* NUL-terminated */
	size_t len, cap;
};

/* Reads path into buf (reused across calls). Returns 0 or -errno. */
int proc_read_file(const char *path, struct text_buf *buf);
/* The same for name in the directory dirfd (a cgroup's files), never following a symlink
 * nor waiting on a FIFO. */
int proc_read_file_at(int dirfd, const char *name, struct text_buf *buf);
void text_buf_free(struct text_buf *buf);

#endif
