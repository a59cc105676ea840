/* The option table every command parses with (core/options.c): each kind, the one message
 * form, --help generated from the table, "--", positional arguments, refusals. Messages
 * are read back from stderr and help from stdout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "core/options.h"

/* What a parse wrote to one of the standard streams. */
static char captured[8192];

static int capture_begin(FILE *stream, int fd, int *saved)
{
	fflush(stream);
	int mem = memfd_create("capture", 0);
	*saved = dup(fd);
	dup2(mem, fd);
	close(mem);
	return *saved;
}

static void capture_end(FILE *stream, int fd, int saved)
{
	fflush(stream);
	off_t n = lseek(fd, 0, SEEK_CUR);
	lseek(fd, 0, SEEK_SET);
	ssize_t got = read(fd, captured, n < (off_t)sizeof(captured) - 1 ? (size_t)n : sizeof(captured) - 1);
	captured[got > 0 ? got : 0] = 0;
	dup2(saved, fd);
	close(saved);
}

struct opts {
	struct cli cli;
	bool flag;
	int top, mode, set;
	uint64_t count;
	unsigned long long size;
	const char *lib;
	int callback_calls;
};

static int cb_even(const char *arg, void *ctx)
{
	struct opts *o = ctx;
	o->callback_calls++;
	return atoi(arg) % 2 ? -1 : 0;
}

static int cb_custom(const char *arg, void *ctx)
{
	(void)ctx;
	return cli_usage_error("t", "custom message for '%s'", arg);
}

/* Parses argv (NULL-terminated, without argv[0]) with the test table; stderr (or stdout
 * for --help) lands in captured. */
static bool negative_numbers;

static int parse(struct opts *o, bool program, int max_args, const char *const *args, struct opts_spec *out)
{
	memset(o, 0, sizeof(*o));
	char *argv[32] = { "t" };
	int argc = 1;
	while (args[argc - 1])
		argv[argc] = (char *)args[argc - 1], argc++;
	argv[argc] = NULL;
	struct opt table[] = {
		OPT_PIDS(&o->cli, "a process"),
		OPT_COMM(&o->cli, "a name"),
		OPT_INTERVAL(&o->cli, "every S seconds"),
		OPT_DURATION(&o->cli, "for S seconds"),
		OPT_JSON(&o->cli, "JSON Lines"),
		OPT_GROUP("Kinds:"),
		OPT_FLAG('f', "flag", &o->flag, "a flag"),
		OPT_NUMBER(0, "top", &o->top, "N", 1, 100, "rows\nsecond line"),
		OPT_NUMBER(0, "count", &o->count, "N", 0, (double)UINT64_MAX, "a count"),
		OPT_SIZE(0, "size", &o->size, "B", 0, 0, "a size"),
		OPT_STRING(0, "lib|obj", &o->lib, "PATH", "a file"),
		OPT_CHOICE(0, "by", &o->mode, "stack|file|process", "a view"),
		OPT_SET_INT('m', NULL, &o->set, 7, "set 7"),
		OPT_CALLBACK(0, "even", "N", cb_even, o, "an even number"),
		OPT_CALLBACK(0, "custom", "X", cb_custom, o, "its own message"),
		OPT_REFUSE(0, "kernel", false, "--kernel is not for this command"),
		OPT_END(),
	};
	struct opts_spec spec = { .cmd = "t", .usage = "memmon t [options]", .about = "About t.",
				  .epilog = "Notes.", .opts = table, .cli = &o->cli,
				  .program = program, .max_args = max_args,
				  .negative_numbers = negative_numbers };
	int saved, rc;
	bool help = argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
	capture_begin(help ? stdout : stderr, help ? 1 : 2, &saved);
	rc = opts_parse(&spec, argc, argv);
	capture_end(help ? stdout : stderr, help ? 1 : 2, saved);
	if (out)
		*out = spec;
	return rc;
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_common_options(void **state)
{
	(void)state;
	struct opts o;
	assert_int_equal(parse(&o, true, 0, ARGS("-p", "12", "--pid", "010", "-d", "2.5", "--json",
						 "--comm", "exactly15chars_"), NULL), OPTS_GO_ON);
	assert_int_equal(o.cli.npids, 2);
	assert_int_equal(o.cli.pids[0], 12);
	assert_int_equal(o.cli.pids[1], 10); /* decimal: not octal 8 */
	assert_true(o.cli.duration == 2.5);
	assert_true(o.cli.json);
	assert_string_equal(o.cli.comm, "exactly15chars_");
	assert_int_equal(parse(&o, true, 0, ARGS("-i", "0"), NULL), OPTS_GO_ON); /* only at the end */
	assert_true(o.cli.interval == 0);
	/* pids are decimal digits only */
	static const char *const bad_pids[] = { "0x10", " 1", "+1", "0", "-3", "99999999999", "" };
	for (size_t i = 0; i < sizeof(bad_pids) / sizeof(bad_pids[0]); i++) {
		assert_int_equal(parse(&o, true, 0, ARGS("-p", bad_pids[i]), NULL), EXIT_USAGE);
		assert_non_null(strstr(captured, "invalid pid"));
	}
	assert_int_equal(parse(&o, true, 0, ARGS("--comm", "sixteen_chars_xy"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "1 to 15 characters"));
	assert_int_equal(parse(&o, true, 0, ARGS("-i", "0x1"), NULL), EXIT_USAGE);
	assert_string_equal(captured, "memmon t: invalid --interval '0x1' (seconds, 0.01 or more; 0 = only at "
				      "the end)\nTry 'memmon t --help'.\n");
	assert_int_equal(parse(&o, true, 0, ARGS("-d", "0"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "invalid --duration '0' (seconds, 0.01 or more)"));
}

static void test_kinds(void **state)
{
	(void)state;
	struct opts o;
	assert_int_equal(parse(&o, false, 0, ARGS("-f", "--top", "100", "--count", "18446744073709551615",
						  "--size", "4k", "--obj", "/lib/x.so", "--by", "process",
						  "-m", "--even", "4"), NULL), OPTS_GO_ON);
	assert_true(o.flag);
	assert_int_equal(o.top, 100);
	assert_true(o.count == UINT64_MAX);
	assert_int_equal(o.size, 4096);
	assert_string_equal(o.lib, "/lib/x.so");
	assert_int_equal(o.mode, 2);
	assert_int_equal(o.set, 7);
	assert_int_equal(o.callback_calls, 1);

	assert_int_equal(parse(&o, false, 0, ARGS("--top", "101"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "invalid --top '101' (a whole number from 1 to 100)"));
	assert_int_equal(parse(&o, false, 0, ARGS("--top", "0x10"), NULL), EXIT_USAGE); /* no hex */
	assert_int_equal(parse(&o, false, 0, ARGS("--count", "-1"), NULL), EXIT_USAGE);
	assert_int_equal(parse(&o, false, 0, ARGS("--size", "4kb"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "(bytes: 4096, 4k, 1M, 2G)"));
	assert_int_equal(parse(&o, false, 0, ARGS("--by", "color"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "invalid --by 'color' (stack, file or process)"));
	assert_int_equal(parse(&o, false, 0, ARGS("--even", "3"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "invalid --even '3'"));
	assert_int_equal(parse(&o, false, 0, ARGS("--custom", "x"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "custom message for 'x'"));
	assert_null(strstr(captured, "invalid"));
	assert_int_equal(parse(&o, false, 0, ARGS("--kernel"), NULL), EXIT_USAGE);
	assert_string_equal(captured, "memmon t: --kernel is not for this command\nTry 'memmon t --help'.\n");
}

static void test_bad_options(void **state)
{
	(void)state;
	struct opts o;
	assert_int_equal(parse(&o, false, 0, ARGS("--bogus"), NULL), EXIT_USAGE);
	assert_string_equal(captured, "memmon t: unknown option, or no value after '--bogus'\n"
				      "Try 'memmon t --help'.\n");
	assert_int_equal(parse(&o, false, 0, ARGS("-f", "-d"), NULL), EXIT_USAGE);
	assert_string_equal(captured, "memmon t: option '-d' needs a value\nTry 'memmon t --help'.\n");
	assert_int_equal(parse(&o, false, 0, ARGS("--top"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "option '--top' needs a value"));
	/* a short option in a cluster is named by its letter */
	assert_int_equal(parse(&o, false, 0, ARGS("-fZ"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "no value after '-Z'"));
	/* a second parse in the same process starts afresh */
	assert_int_equal(parse(&o, false, 0, ARGS("-f"), NULL), OPTS_GO_ON);
	assert_true(o.flag);
}

static void test_program_and_arguments(void **state)
{
	(void)state;
	struct opts o;
	struct opts_spec spec;
	assert_int_equal(parse(&o, true, 0, ARGS("-f", "--", "prog", "-x", "arg"), &spec), OPTS_GO_ON);
	assert_string_equal(o.cli.prog_argv[0], "prog");
	assert_string_equal(o.cli.prog_argv[1], "-x"); /* the program's options are its own */
	assert_int_equal(o.cli.prog_argc, 3);
	assert_true(o.flag);
	assert_int_equal(parse(&o, true, 0, ARGS("--"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "no program after --"));
	assert_int_equal(parse(&o, true, 0, ARGS("stray"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "unexpected argument 'stray' (a program goes after --)"));
	/* no program: positional arguments, and "--" before one that starts with '-' */
	assert_int_equal(parse(&o, false, 2, ARGS("in", "-f", "--", "-out"), &spec), OPTS_GO_ON);
	assert_int_equal(spec.nargs, 2);
	assert_string_equal(spec.args[0], "in");
	assert_string_equal(spec.args[1], "-out");
	assert_true(o.flag);
	assert_int_equal(parse(&o, false, 2, ARGS("a", "b", "c"), NULL), EXIT_USAGE);
	assert_non_null(strstr(captured, "unexpected argument 'c'"));
}

/* watch-pids' arguments: "-3000" is one, and they keep their order among the options. */
static void test_negative_numbers(void **state)
{
	(void)state;
	struct opts o;
	struct opts_spec spec;
	negative_numbers = true;
	assert_int_equal(parse(&o, false, 8, ARGS("12", "-3000", "-f", "0", "--lib", "-5", "--", "-7", "x"),
			       &spec), OPTS_GO_ON);
	negative_numbers = false;
	assert_true(o.flag);
	assert_string_equal(o.lib, "-5"); /* a value stays its option's */
	assert_int_equal(spec.nargs, 5);
	const char *want[] = { "12", "-3000", "0", "-7", "x" };
	for (int i = 0; i < 5; i++)
		assert_string_equal(spec.args[i], want[i]);
	negative_numbers = true;
	assert_int_equal(parse(&o, false, 1, ARGS("-1", "-2"), NULL), EXIT_USAGE);
	negative_numbers = false;
	assert_non_null(strstr(captured, "unexpected argument '-2'"));
}

static void test_help(void **state)
{
	(void)state;
	struct opts o;
	assert_int_equal(parse(&o, true, 0, ARGS("--help"), NULL), EXIT_OK);
	assert_non_null(strstr(captured, "usage: memmon t [options]\n\nAbout t.\n\n"));
	/* the help column: two spaces after the longest option that fits in 26 */
	assert_non_null(strstr(captured, "  -p, --pid PID          a process\n"));
	assert_non_null(strstr(captured, "      --lib, --obj PATH  a file\n"));
	/* an option's help is one paragraph, filled anew */
	assert_non_null(strstr(captured, "      --top N            rows second line\n"));
	assert_non_null(strstr(captured, "Kinds:\n"));
	/* a longer option puts its help on the next line */
	assert_non_null(strstr(captured, "      --by stack|file|process\n                         a view\n"));
	assert_non_null(strstr(captured, "  -m                     set 7\n"));
	assert_non_null(strstr(captured, "  -h, --help             this help\n"));
	assert_non_null(strstr(captured, "  -- PROGRAM ARGS        launch PROGRAM"));
	assert_non_null(strstr(captured, "\nNotes.\n"));
	assert_null(strstr(captured, "--kernel")); /* a refused option is not offered */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_options),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_program_and_arguments),
		cmocka_unit_test(test_negative_numbers),
		cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
