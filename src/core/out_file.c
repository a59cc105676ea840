#include "core/out_file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* What is wrong with the target as it stands, or NULL (absent, or a regular file of ours). */
static const char *target_refused(int dirfd, const char *base, char *why, size_t n)
{
	struct stat st;
	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW)) {
		if (errno == ENOENT)
			return NULL;
		snprintf(why, n, "%s", strerror(errno));
		return why;
	}
	if (S_ISLNK(st.st_mode))
		snprintf(why, n, "it is a symbolic link (not followed: remove it or name another file)");
	else if (!S_ISREG(st.st_mode))
		snprintf(why, n, "it exists and is not a regular file");
	else if (st.st_uid != geteuid())
		snprintf(why, n, "it belongs to another user (uid %u): not replaced", (unsigned)st.st_uid);
	else
		return NULL;
	return why;
}

static int fail(struct out_file *of, const char *cmd, const char *why)
{
	fprintf(stderr, "memmon %s: cannot write %s: %s\n", cmd, of->path, why);
	out_file_discard(of);
	return -1;
}

/* mkstemp's way, relative to the directory: a random suffix, created exclusively. */
static int make_temp(struct out_file *of, mode_t mode)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned long long r = 0;
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			r ^= (unsigned long long)getpid() << 32 ^ (unsigned long long)attempt * 2654435761u;
		/* the base is cut so that the name fits NAME_MAX */
		snprintf(of->tmp, sizeof(of->tmp), ".%.*s.%012llx", NAME_MAX - 16, of->base,
			 r & 0xffffffffffffULL);
		int fd = openat(of->dirfd, of->tmp,
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0) {
			if (fchmod(fd, mode)) { /* exactly the mode asked for, whatever the umask */
				int e = errno;
				close(fd);
				unlinkat(of->dirfd, of->tmp, 0);
				errno = e;
				return -1;
			}
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int out_file_open(struct out_file *of, const char *path, mode_t mode, const char *cmd)
{
	memset(of, 0, sizeof(*of));
	of->dirfd = -1;
	of->path = path;
	char dir[PATH_MAX], why[160];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || strlen(base) > NAME_MAX)
		return fail(of, cmd, "not a file name");
	snprintf(of->base, sizeof(of->base), "%s", base);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	of->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (of->dirfd < 0) {
		snprintf(why, sizeof(why), "its directory: %s", strerror(errno));
		return fail(of, cmd, why);
	}
	if (target_refused(of->dirfd, of->base, why, sizeof(why)))
		return fail(of, cmd, why);
	int fd = make_temp(of, mode ? mode : OUT_FILE_MODE);
	if (fd < 0) {
		of->tmp[0] = 0;
		snprintf(why, sizeof(why), "cannot create a file in its directory: %s", strerror(errno));
		return fail(of, cmd, why);
	}
	if (!(of->fp = fdopen(fd, "w"))) {
		close(fd);
		return fail(of, cmd, strerror(errno));
	}
	return 0;
}

int out_file_commit(struct out_file *of, const char *cmd)
{
	char why[160];
	if (!of->fp)
		return -1;
	int bad = ferror(of->fp) || fflush(of->fp) || fsync(fileno(of->fp));
	int e = errno;
	bad |= fclose(of->fp) != 0;
	of->fp = NULL;
	if (bad)
		return fail(of, cmd, strerror(e ? e : EIO));
	/* Checked again: the target may have appeared since open. */
	if (target_refused(of->dirfd, of->base, why, sizeof(why)))
		return fail(of, cmd, why);
	if (renameat(of->dirfd, of->tmp, of->dirfd, of->base))
		return fail(of, cmd, strerror(errno));
	of->tmp[0] = 0;
	out_file_discard(of);
	return 0;
}

void out_file_discard(struct out_file *of)
{
	if (of->fp)
		fclose(of->fp);
	of->fp = NULL;
	if (of->dirfd >= 0 && of->tmp[0])
		unlinkat(of->dirfd, of->tmp, 0);
	of->tmp[0] = 0;
	if (of->dirfd > 0)
		close(of->dirfd);
	of->dirfd = -1;
}
