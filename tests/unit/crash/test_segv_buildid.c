/* segv_buildid: joining the executable's path, and turning build-id frames into addresses
 * that resolve to the right file (this test binary's own build-id and path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "crash/segv_buildid.h"

static struct segv_deliver_event *event_for(const char *path)
{
	struct segv_deliver_event *d = calloc(1, sizeof(*d));
	/* components last first: "/a/bb/c" -> c, bb, a */
	char copy[PATH_MAX];
	strcpy(copy, path);
	char *parts[SEGV_PATH_DEPTH];
	int n = 0;
	for (char *save = NULL, *t = strtok_r(copy, "/", &save); t && n < SEGV_PATH_DEPTH; t = strtok_r(NULL, "/", &save))
		parts[n++] = t;
	for (int i = 0; i < n; i++)
		strncpy(d->path[i], parts[n - 1 - i], SEGV_NAME_LEN - 1);
	d->npath = (__u32)n;
	return d;
}

static void test_join(void **state)
{
	(void)state;
	char out[PATH_MAX];
	struct segv_deliver_event *d = event_for("/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_int_equal(segv_join_path(d, out, sizeof(out)), 0);
	assert_string_equal(out, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_int_equal(segv_join_path(d, out, 10), -1); /* too long */
	strcpy(d->path[1], "a/b");                         /* a component with a slash */
	assert_int_equal(segv_join_path(d, out, sizeof(out)), -1);
	d->npath = 0;
	assert_int_equal(segv_join_path(d, out, sizeof(out)), -1);
	d->npath = SEGV_PATH_DEPTH + 1;
	assert_int_equal(segv_join_path(d, out, sizeof(out)), -1);
	free(d);
}

static void test_frames(void **state)
{
	(void)state;
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(len > 0);
	self[len] = 0;
	elf_version(EV_CURRENT);
	int fd = open(self, O_RDONLY);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	const void *id;
	ssize_t idlen = dwelf_elf_gnu_build_id(elf, &id);
	assert_true(idlen > 0 && idlen <= 20);

	struct segv_deliver_event *d = event_for(self);
	d->nframes = 3;
	d->frames[0].status = 1; /* our own file, offset 0x1010 */
	memcpy(d->frames[0].build_id, id, idlen);
	d->frames[0].offset_or_ip = 0x1010;
	d->frames[1].status = 2; /* the kernel only had the ip */
	d->frames[1].offset_or_ip = 0x7f0000001234;
	d->frames[2].status = 1; /* a build-id no file has */
	memset(d->frames[2].build_id, 0xee, 20);
	d->frames[2].offset_or_ip = 0x2000;
	elf_end(elf);
	close(fd);

	struct symbolizer *sym = symbolizer_new();
	struct buildid_index *ix = buildid_index_new();
	uint64_t ips[SEGV_STACK_DEPTH];
	assert_int_equal(segv_buildid_stack(ix, sym, d, -7, ips), 3);
	assert_int_equal(ips[0], 0x100000000000ULL + 0x1010);
	assert_int_equal(ips[1], 0x7f0000001234ULL);
	struct sym_frame fr[SYM_MAX_INLINE];
	symbolize_user(sym, -7, ips[0], false, fr, SYM_MAX_INLINE);
	assert_non_null(fr[0].module);
	assert_string_equal(fr[0].module, self);
	symbolize_user(sym, -7, ips[2], false, fr, SYM_MAX_INLINE);
	assert_null(fr[0].module);
	buildid_index_free(ix);
	symbolizer_free(sym);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_join), cmocka_unit_test(test_frames) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
