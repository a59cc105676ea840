#include "proc/proc_file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* Reads fd to its end into buf and closes it. */
static int read_fd(int fd, struct text_buf *buf)
{
	buf->len = 0;
	for (;;) {
		if (buf->cap - buf->len < 4096) {
			size_t cap = buf->cap ? buf->cap * 2 : 65536;
			char *p = realloc(buf->data, cap);
			if (!p) {
				close(fd);
				return -ENOMEM;
			}
			buf->data = p;
			buf->cap = cap;
		}
		ssize_t n = read(fd, buf->data + buf->len, buf->cap - buf->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			close(fd);
			return e;
		}
		if (n == 0)
			break;
		buf->len += (size_t)n;
	}
	close(fd);
	buf->data[buf->len] = '\0';
	return 0;
}

int proc_read_file(const char *path, struct text_buf *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : read_fd(fd, buf);
}

int proc_read_file_at(int dirfd, const char *name, struct text_buf *buf)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	return fd < 0 ? -errno : read_fd(fd, buf);
}

void text_buf_free(struct text_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}
