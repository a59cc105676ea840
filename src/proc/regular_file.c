#include "proc/regular_file.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define BTRFS_MAGIC 0x9123683e
#define OVERLAYFS_MAGIC 0x794c7630

static bool same_file(int fd, const struct stat *st, const struct file_id *want)
{
	if ((uint64_t)st->st_ino != want->ino)
		return false;
	if (st->st_dev == want->dev)
		return true;
	/* maps names the inode's superblock; stat of a btrfs subvolume or an overlayfs file
	 * reports another device for the same inode */
	struct statfs sf;
	return fstatfs(fd, &sf) == 0 && (sf.f_type == BTRFS_MAGIC || sf.f_type == OVERLAYFS_MAGIC);
}

int regular_file_open(const char *path, const struct file_id *want)
{
	int pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	struct stat st;
	int err = 0;
	if (fstat(pfd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else if (want && !same_file(pfd, &st, want))
		err = -ESTALE;
	if (err) {
		close(pfd);
		return err;
	}
	/* the inode just checked, reopened: the path may have changed since */
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	int fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	close(pfd);
	return fd < 0 ? err : fd;
}

int mapped_file_open(pid_t pid, uint64_t start, uint64_t end, const char *path,
		     const struct file_id *id)
{
	char link[96];
	snprintf(link, sizeof(link), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)pid, start, end);
	/* id is checked here too: the pid may have been reused by another process */
	int fd = regular_file_open(link, id);
	if (fd >= 0 || fd == -EINVAL || !path)
		return fd;
	return regular_file_open(path, id);
}
