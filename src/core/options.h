/* One declarative option table per command (after git's parse-options): the getopt arrays,
 * the value checks with one message form, and `--help` all come from the same table, so
 * the help cannot drift from what is parsed.
 *
 * A command lists its options in a local array (destinations are its locals), ending with
 * OPT_END(), and calls opts_parse():
 *
 *     struct opt opts[] = {
 *             OPT_PIDS(&cli, "trace this process (repeatable)"),
 *             OPT_FLAG(0, "kernel", &kernel, "kernel allocations"),
 *             OPT_NUMBER(0, "top", &top, "N", 1, 100000, "stacks per report (default 10)"),
 *             OPT_END(),
 *     };
 *     struct opts_spec spec = { .cmd = "leak", .usage = ..., .opts = opts, .cli = &cli,
 *                               .program = true };
 *     int rc = opts_parse(&spec, argc, argv);
 *     if (rc != OPTS_GO_ON)
 *             return rc;
 *
 * The one parse convention: OPTS_GO_ON to go on, else the exit code to return (EXIT_OK
 * after --help, EXIT_USAGE after a message on stderr). A command's own checks that follow
 * return the same way. */
#ifndef MEMMON_OPTIONS_H
#define MEMMON_OPTIONS_H
#include "core/cli.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define OPTS_GO_ON (-1)

enum opt_kind {
	OPTK_END,
	OPTK_GROUP,    /* a heading in --help, no option */
	OPTK_FLAG,     /* bool *dest = true */
	OPTK_SET_INT,  /* int *dest = value */
	OPTK_INT,      /* int *, in [min, max] */
	OPTK_LONG,     /* long * */
	OPTK_U32,      /* uint32_t * */
	OPTK_U64,      /* uint64_t * */
	OPTK_DOUBLE,   /* double *, in [min, max]; no hex */
	OPTK_SIZE,     /* unsigned long long *: 4096, 4k, 1M, 2G; in [min, max] */
	OPTK_STRING,   /* const char ** */
	OPTK_CHOICE,   /* int *: the index of the value in "a|b|c" */
	OPTK_CALLBACK, /* cb(arg, ctx); arg NULL when the option takes no value */
	OPTK_PID,      /* struct cli *: appends to pids (repeatable, at most CLI_MAX_PIDS) */
	OPTK_COMM,     /* struct cli *: comm, 1 to 15 characters */
	OPTK_SECONDS,  /* double *: seconds in [min, max], "0" too when zero_ok */
	OPTK_JSON,     /* struct cli *: json = true */
	OPTK_REFUSE,   /* an option other commands take, refused here with help as the message */
};

struct opt {
	enum opt_kind kind;
	char short_name;       /* 0: none */
	const char *long_name; /* "lib|obj": a name and its aliases; NULL: short only */
	const char *arg;       /* the value's name in --help ("PID"); NULL: takes no value */
	const char *help;      /* help text; '\n' starts an indented continuation line */
	void *dest;
	double min, max;       /* numeric kinds */
	const char *choices;   /* OPTK_CHOICE */
	long value;            /* OPTK_SET_INT */
	bool zero_ok;          /* OPTK_SECONDS: "0" accepted (means "none", e.g. only at the end) */
	const char *hint;      /* after "invalid --x 'v'": "(seconds, 0.01 or more)"; NULL: derived */
	/* OPTK_CALLBACK: 0 accepted; -1 rejected (the parser prints "invalid --x 'v'" with the
	 * hint); EXIT_USAGE rejected with a message already printed. */
	int (*cb)(const char *arg, void *ctx);
	void *ctx;
	bool *given;           /* set when the option appears (any kind) */
};

#define OPT_END() { .kind = OPTK_END }
#define OPT_GROUP(title) { .kind = OPTK_GROUP, .help = (title) }
#define OPT_FLAG(s, l, dst, h) { .kind = OPTK_FLAG, .short_name = (s), .long_name = (l), \
				 .dest = (dst), .help = (h) }
#define OPT_SET_INT(s, l, dst, v, h) { .kind = OPTK_SET_INT, .short_name = (s), .long_name = (l), \
				       .dest = (dst), .value = (v), .help = (h) }
/* An integer of the destination's type (int, long, uint32_t or uint64_t). */
#define OPT_NUMBER(s, l, dst, a, lo, hi, h) { \
	.kind = _Generic((dst), int *: OPTK_INT, long *: OPTK_LONG, uint32_t *: OPTK_U32, \
			 uint64_t *: OPTK_U64, double *: OPTK_DOUBLE), \
	.short_name = (s), .long_name = (l), .arg = (a), .dest = (dst), .min = (lo), .max = (hi), \
	.help = (h) }
#define OPT_SIZE(s, l, dst, a, lo, hi, h) { .kind = OPTK_SIZE, .short_name = (s), .long_name = (l), \
					    .arg = (a), .dest = (dst), .min = (lo), .max = (hi), .help = (h) }
#define OPT_STRING(s, l, dst, a, h) { .kind = OPTK_STRING, .short_name = (s), .long_name = (l), \
				      .arg = (a), .dest = (dst), .help = (h) }
#define OPT_CHOICE(s, l, dst, ch, h) { .kind = OPTK_CHOICE, .short_name = (s), .long_name = (l), \
				       .arg = (ch), .choices = (ch), .dest = (dst), .help = (h) }
#define OPT_CALLBACK(s, l, a, fn, c, h) { .kind = OPTK_CALLBACK, .short_name = (s), .long_name = (l), \
					  .arg = (a), .cb = (fn), .ctx = (c), .help = (h) }
/* The options every tracing command shares (README, Conventions). */
#define OPT_PIDS(cli, h) { .kind = OPTK_PID, .short_name = 'p', .long_name = "pid", .arg = "PID", \
			   .dest = (cli), .help = (h) }
#define OPT_COMM(cli, h) { .kind = OPTK_COMM, .long_name = "comm", .arg = "NAME", .dest = (cli), \
			   .help = (h) }
/* A report every S seconds; "-i 0" means "only at the end" (what each command prints
 * without -i, or with it, its --help says). A command that tells "-i 0" from no -i sets
 * cli->interval to CLI_INTERVAL_UNSET before parsing. */
#define OPT_INTERVAL(cli, h) { .kind = OPTK_SECONDS, .short_name = 'i', .long_name = "interval", \
			       .arg = "S", .dest = &(cli)->interval, .min = 0.01, .max = 86400 * 365, \
			       .zero_ok = true, .help = (h) }
#define CLI_INTERVAL_UNSET (-1.0)
/* Time between samples, which cannot be 0 (trend). */
#define OPT_SAMPLE_INTERVAL(cli, h) { .kind = OPTK_SECONDS, .short_name = 'i', \
	.long_name = "interval", .arg = "S", .dest = &(cli)->interval, .min = 0.01, \
	.max = 86400 * 365, .help = (h) }
#define OPT_DURATION(cli, h) { .kind = OPTK_SECONDS, .short_name = 'd', .long_name = "duration", \
			       .arg = "S", .dest = &(cli)->duration, .min = 0.01, .max = 86400 * 365, \
			       .help = (h) }
#define OPT_JSON(cli, h) { .kind = OPTK_JSON, .long_name = "json", .dest = (cli), .help = (h) }
/* An option the other commands take and this one does not, refused with a message of its
 * own ("takes a snapshot: no -i, -d or -- PROGRAM") rather than "unknown option", with or
 * without its value; not listed in --help. value: whether others give it one (for the
 * reader of the table). */
#define OPT_REFUSE(s, l, value, msg) { .kind = OPTK_REFUSE, .short_name = (s), .long_name = (l), \
				       .arg = (value) ? "X" : NULL, .help = (msg) }

struct opts_spec {
	const char *cmd;    /* "leak": in messages and --help */
	const char *usage;  /* the usage line(s) after "usage: ", '\n' between forms */
	const char *about;  /* what the command does (a paragraph), or NULL */
	const char *epilog; /* text after the options (exit status, notes), or NULL */
	const struct opt *opts;
	struct cli *cli;    /* receives -- PROGRAM ARGS (needed when program is true) */
	bool program;       /* accepts -- PROGRAM ARGS; else "--" only ends the options */
	const char *program_help; /* --help line of "-- PROGRAM ARGS" (NULL: a default) */
	const char *program_refused; /* no program: "-- PROGRAM" is refused with this message */
	int max_args;       /* positional arguments accepted (FILE, PID...) */
	bool negative_numbers; /* "-3000" is an argument (watch-pids' -PID), and arguments keep
				* their order among options; no short option may be a digit */
	/* out: the positional arguments, in order */
	char **args;
	int nargs;
};

/* Parses argv (argv[0] is the command's name) by the table. OPTS_GO_ON to go on, else the
 * exit code: EXIT_OK after printing --help to stdout, EXIT_USAGE after a message. */
int opts_parse(struct opts_spec *spec, int argc, char **argv);
/* --verbose, which every command takes: say on stderr which kernel hooks were chosen. */
extern bool opts_verbose;
/* The help text generated from the table. */
void opts_help(const struct opts_spec *spec, FILE *out);

/* --buffer-size N, a BPF ring buffer's size (watch, the snoops, leak): OPT_CALLBACK's
 * function, dest an unsigned long long; 0, or -1 unless a power of two of at least a page
 * and at most 4G. */
int opts_ring_size(const char *arg, void *dest);
#define OPT_RING_SIZE(dst, h) { .kind = OPTK_CALLBACK, .long_name = "buffer-size", .arg = "N", \
	.cb = opts_ring_size, .ctx = (dst), \
	.hint = "(a power of two, at least a page, at most 4G)", .help = (h) }

#endif
