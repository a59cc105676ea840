/* Opening files on behalf of a traced process (its executable and libraries, by the paths
 * its /proc/PID/maps shows), or at a path an ordinary user can change: such a path may lead
 * to a FIFO (an open that blocks for ever), a device (an open with side effects) or another
 * file than the one mapped. So a file is first opened O_PATH (no FIFO wait, no driver
 * open), checked with fstat to be a regular file (and, given its identity, the very file),
 * and only then reopened for reading through /proc/self/fd, O_NONBLOCK. */
#ifndef MEMMON_REGULAR_FILE_H
#define MEMMON_REGULAR_FILE_H
#include <stdint.h>
#include <sys/types.h>

/* A file as /proc/PID/maps names it: "major:minor inode". */
struct file_id {
	dev_t dev;
	uint64_t ino;
};

/* A read-only fd on path if it is a regular file and, when want is not NULL, that file
 * (inode and device; the device is not compared on btrfs and overlayfs, which stat reports
 * under another device than the mapping). Returns the fd, or -errno: -EINVAL not a regular
 * file, -ESTALE another file than want. */
int regular_file_open(const char *path, const struct file_id *want);
/* The file pid maps at [start, end): through /proc/PID/map_files/START-END, which is the
 * mapped inode itself (deleted or replaced files too), else, when that is gone (the process
 * exited), through path checked against id. The fd, or -errno. */
int mapped_file_open(pid_t pid, uint64_t start, uint64_t end, const char *path,
		     const struct file_id *id);

#endif
