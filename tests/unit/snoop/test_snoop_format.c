/* mm event formatting: decoded syscall lines and JSON, path joining, and random ring
 * buffer samples of every size through the printer (no crash, no overflow under ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "snoop/snoop_format.h"
#include "snoop/snoop_log.h"

static char line[1024];

static struct snoop_event call(unsigned sys, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			    uint64_t a4, uint64_t a5, int64_t ret)
{
	struct snoop_event e = { .kind = SNOOP_EV_SYSCALL, .sys = sys, .ret = ret,
			      .args = { a0, a1, a2, a3, a4, a5 } };
	return e;
}

static void test_syscall_text(void **st)
{
	struct snoop_event e = call(SNOOP_SYS_MMAP, 0, 139264, 3, 0x22, -1, 0, 0x7f0000001000);
	snoop_syscall_text(&e, "", line, sizeof(line));
	assert_string_equal(line, "mmap(NULL, 139264, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000");
	e = call(SNOOP_SYS_MMAP, 0, 8192, 1, 1, 3, 4096, -13);
	snoop_syscall_text(&e, "/etc/passwd", line, sizeof(line));
	assert_string_equal(line, "mmap(NULL, 8192, r--, MAP_SHARED, 3</etc/passwd>, 4096) = -1 EACCES");
	e = call(SNOOP_SYS_MREMAP, 0x1000, 4096, 8192, 1, 0, 0, 0x2000);
	snoop_syscall_text(&e, "", line, sizeof(line));
	assert_string_equal(line, "mremap(0x1000, 4096, 8192, MREMAP_MAYMOVE, NULL) = 0x2000");
	e = call(SNOOP_SYS_MADVISE, 0x1000, 4096, 4, 0, 0, 0, -22);
	snoop_syscall_text(&e, "", line, sizeof(line));
	assert_string_equal(line, "madvise(0x1000, 4096, MADV_DONTNEED) = -1 EINVAL");
	e = call(SNOOP_SYS_MLOCKALL, 3, 0, 0, 0, 0, 0, 0);
	snoop_syscall_text(&e, "", line, sizeof(line));
	assert_string_equal(line, "mlockall(MCL_CURRENT|MCL_FUTURE) = 0");
	e = call(SNOOP_SYS_MUNLOCKALL, 0, 0, 0, 0, 0, 0, 0);
	snoop_syscall_text(&e, "", line, sizeof(line));
	assert_string_equal(line, "munlockall() = 0");
	e = call(SNOOP_SYS_SHMCTL, 5, 0, 0, 0, 0, 0, 0);
	snoop_syscall_text(&e, "", line, sizeof(line));
	assert_string_equal(line, "shmctl(5, IPC_RMID, NULL) = 0");
	e = call(SNOOP_SYS_SHMGET, 0x1234, 4096, 01000 | 0644, 0, 0, 0, 7);
	snoop_syscall_text(&e, "", line, sizeof(line));
	assert_string_equal(line, "shmget(0x1234, 4096, IPC_CREAT|0644) = 7");
	e = call(SNOOP_SYS_MPROTECT, 0x1000, 4096, 0, 0, 0, 0, 0);
	snoop_syscall_text(&e, "", line, sizeof(line));
	assert_string_equal(line, "mprotect(0x1000, 4096, ---) = 0");
	e = call(SNOOP_SYS_COUNT + 3, 0, 0, 0, 0, 0, 0, 0);
	snoop_syscall_text(&e, "", line, sizeof(line));
	assert_string_equal(line, "syscall 18");
}

static void test_syscall_json(void **st)
{
	struct snoop_event e = call(SNOOP_SYS_MMAP, 0, 8192, 1, 1, 3, 0, -12);
	struct json_object *o = json_object_new_object();
	snoop_syscall_json(o, &e, "/x");
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
		"{\"call\":\"mmap\",\"args\":{\"addr\":\"0x0\",\"length\":8192,\"prot\":\"r--\","
		"\"flags\":\"MAP_SHARED\",\"fd\":3,\"path\":\"/x\",\"offset\":0},\"ret\":-1,"
		"\"error\":\"ENOMEM\"}");
	json_object_put(o);
}

static void test_path(void **st)
{
	struct snoop_event_big b = { 0 };
	b.e.has_file = 1;
	b.e.path_depth = 3;
	strcpy(b.path[0], "libc.so.6");
	strcpy(b.path[1], "lib");
	strcpy(b.path[2], "usr");
	snoop_event_path(&b.e, sizeof(b), line, sizeof(line));
	assert_string_equal(line, "/usr/lib/libc.so.6");
	b.e.path_truncated = 1;
	snoop_event_path(&b.e, sizeof(b), line, sizeof(line));
	assert_string_equal(line, ".../usr/lib/libc.so.6");
	snoop_event_path(&b.e, sizeof(b.e), line, sizeof(line)); /* a small sample has no path */
	assert_string_equal(line, "");
	b.e.path_depth = 1000; /* corrupt depth is capped */
	memset(b.path, 'a', sizeof(b.path));
	char small[16];
	snoop_event_path(&b.e, sizeof(b), small, sizeof(small));
	assert_true(strlen(small) < sizeof(small));
}

/* Random samples of every size into the event log and its printer, text and JSON. */
static void test_fuzz_printer(void **st)
{
	struct snoop_log *l = malloc(sizeof(*l));
	assert_int_equal(snoop_log_init(l, "watch", false, false), 0);
	l->pr.out = fopen("/dev/null", "w");
	srand(42);
	for (int round = 0; round < 20000; round++) {
		size_t size = rand() % (sizeof(struct snoop_event_ustack) + 16);
		if (round % 4 == 0)
			size = sizeof(struct snoop_event_big);
		unsigned char *buf = malloc(size ? size : 1);
		for (size_t i = 0; i < size; i++)
			buf[i] = rand();
		if (size >= sizeof(struct snoop_event)) {
			struct snoop_event *e = (void *)buf;
			e->kind = 1 + rand() % 6;
			e->sys = rand() % (SNOOP_SYS_COUNT + 2);
			if (round % 2)
				e->ret = -(rand() % 5000);
		}
		l->pr.json = round & 1;
		assert_int_equal(snoop_log_event(l, buf, size), 0);
		free(buf);
	}
	fclose(l->pr.out);
	snoop_log_free(l);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscall_text), cmocka_unit_test(test_syscall_json),
		cmocka_unit_test(test_path), cmocka_unit_test(test_fuzz_printer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
