/* proc/regular_file.c: a FIFO or a device is refused at once (no open that waits for a
 * writer), a regular file opens, another inode than the one asked for is refused, and a
 * mapping opens through /proc/PID/map_files even after its file was deleted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proc/regular_file.h"

static char dir[] = "/tmp/memmon-unit-rf.XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void test_fifo_and_devices_refused(void **state)
{
	char fifo[256];
	path_in(fifo, sizeof(fifo), "fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* would block for ever with a plain open: no writer ever comes */
	assert_int_equal(regular_file_open(fifo, NULL), -EINVAL);
	assert_int_equal(regular_file_open("/dev/null", NULL), -EINVAL);
	assert_int_equal(regular_file_open("/dev/zero", NULL), -EINVAL);
	assert_int_equal(regular_file_open(dir, NULL), -EINVAL);
	assert_int_equal(regular_file_open("/nonexistent-memmon/x", NULL), -ENOENT);
}

static void test_regular_and_identity(void **state)
{
	char a[256], b[256];
	path_in(a, sizeof(a), "a");
	path_in(b, sizeof(b), "b");
	FILE *f = fopen(a, "w");
	fputs("hello", f);
	fclose(f);
	f = fopen(b, "w");
	fclose(f);
	struct stat st;
	assert_int_equal(stat(a, &st), 0);
	struct file_id id = { st.st_dev, st.st_ino };
	int fd = regular_file_open(a, &id);
	assert_true(fd >= 0);
	char buf[8] = { 0 };
	assert_int_equal(read(fd, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	/* b is another file: not taken for a */
	assert_int_equal(regular_file_open(b, &id), -ESTALE);
}

static void test_mapped_deleted(void **state)
{
	char a[256], fifo[256], deleted[300];
	path_in(a, sizeof(a), "mapped");
	FILE *f = fopen(a, "w");
	for (int i = 0; i < 4096; i++)
		fputc('m', f);
	fclose(f);
	struct stat st;
	assert_int_equal(stat(a, &st), 0);
	struct file_id id = { st.st_dev, st.st_ino };
	int mfd = open(a, O_RDONLY);
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, mfd, 0);
	assert_true(p != MAP_FAILED);
	close(mfd);
	unlink(a);
	/* where maps now points, "mapped (deleted)", another user could put a FIFO */
	snprintf(deleted, sizeof(deleted), "%s (deleted)", a);
	assert_int_equal(mkfifo(deleted, 0600), 0);
	uint64_t start = (uintptr_t)p, end = start + 4096;
	int fd = mapped_file_open(getpid(), start, end, deleted, &id);
	assert_true(fd >= 0); /* the mapped inode itself */
	char c = 0;
	assert_int_equal(read(fd, &c, 1), 1);
	assert_int_equal(c, 'm');
	close(fd);
	munmap(p, 4096);
	/* mapping gone: the path is a FIFO, another inode: refused without blocking */
	assert_true(mapped_file_open(getpid(), start, end, deleted, &id) < 0);
	path_in(fifo, sizeof(fifo), "fifo2");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(mapped_file_open(getpid(), start, end, fifo, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_and_devices_refused),
		cmocka_unit_test(test_regular_and_identity),
		cmocka_unit_test(test_mapped_deleted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
