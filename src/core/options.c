#include "core/options.h"
#include "core/progress.h"
#include "core/report_out.h"
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LONG_NAMES 128
#define OUTPUT_MODE_CODE 0x0fff /* getopt's code of --output-mode (options are 0x1000 + index) */
#define VERBOSE_CODE 0x0ffe     /* and of --verbose */
#define HELP_COLUMN_MAX 26 /* where help text starts at most; longer option names push it to
			    * the next line */

/* Every long name of an option: "lib|obj" gives "lib" then "obj". */
static int split_names(const char *names, char out[][48], int max)
{
	int n = 0;
	while (names && *names && n < max) {
		const char *bar = strchr(names, '|');
		size_t len = bar ? (size_t)(bar - names) : strlen(names);
		if (len >= sizeof(out[0]))
			len = sizeof(out[0]) - 1;
		memcpy(out[n], names, len);
		out[n++][len] = 0;
		names = bar ? bar + 1 : NULL;
	}
	return n;
}

static bool takes_value(const struct opt *o)
{
	/* A refused option is refused before its value is looked at: "ps -i" and "ps -i 5"
	 * get the same message. */
	return o->arg != NULL && o->kind != OPTK_FLAG && o->kind != OPTK_SET_INT &&
	       o->kind != OPTK_JSON && o->kind != OPTK_REFUSE;
}

/* "--top" or "-t": how the option is named in messages. */
static void display_name(const struct opt *o, char *buf, size_t n)
{
	char names[4][48];
	if (o->long_name && split_names(o->long_name, names, 4) > 0)
		snprintf(buf, n, "--%s", names[0]);
	else
		snprintf(buf, n, "-%c", o->short_name);
}

static void range_hint(const struct opt *o, char *buf, size_t n)
{
	if (o->hint) {
		snprintf(buf, n, " %s", o->hint);
		return;
	}
	switch (o->kind) {
	case OPTK_INT: case OPTK_LONG: case OPTK_U32: case OPTK_U64:
		if (o->max >= 9.2e18)
			snprintf(buf, n, " (a whole number, %.0f or more)", o->min);
		else
			snprintf(buf, n, " (a whole number from %.0f to %.0f)", o->min, o->max);
		break;
	case OPTK_DOUBLE:
		snprintf(buf, n, " (a number from %g to %g)", o->min, o->max);
		break;
	case OPTK_SECONDS:
		snprintf(buf, n, o->zero_ok ? " (seconds, %g or more; 0 = only at the end)" :
					      " (seconds, %g or more)", o->min);
		break;
	case OPTK_SIZE:
		snprintf(buf, n, " (bytes: 4096, 4k, 1M, 2G)");
		break;
	case OPTK_CHOICE: {
		/* "(stack, file or process)" */
		char names[16][48];
		int k = split_names(o->choices, names, 16);
		size_t used = (size_t)snprintf(buf, n, " (");
		for (int i = 0; i < k && used < n; i++)
			used += (size_t)snprintf(buf + used, n - used, "%s%s", names[i],
						 i + 2 < k ? ", " : i + 1 < k ? " or " : ")");
		break;
	}
	default:
		buf[0] = 0;
	}
}

static int bad_value(const struct opts_spec *spec, const struct opt *o, const char *arg)
{
	char name[64], hint[160];
	display_name(o, name, sizeof(name));
	range_hint(o, hint, sizeof(hint));
	return cli_usage_error(spec->cmd, "invalid %s '%s'%s", name, arg, hint);
}

static int parse_integer(const struct opt *o, const char *arg)
{
	char *end;
	if (!arg || !*arg || arg[0] == ' ' || arg[0] == '+' || (arg[0] == '-' && o->min >= 0))
		return -1;
	errno = 0;
	if (o->kind == OPTK_U64) {
		unsigned long long v = strtoull(arg, &end, 10);
		if (errno || *end || (double)v < o->min || (double)v > o->max)
			return -1;
		*(uint64_t *)o->dest = v;
		return 0;
	}
	long long v = strtoll(arg, &end, 10);
	if (errno || *end || (double)v < o->min || (double)v > o->max)
		return -1;
	if (o->kind == OPTK_INT)
		*(int *)o->dest = (int)v;
	else if (o->kind == OPTK_LONG)
		*(long *)o->dest = (long)v;
	else
		*(uint32_t *)o->dest = (uint32_t)v;
	return 0;
}

static int parse_choice(const struct opt *o, const char *arg)
{
	char names[16][48];
	int k = split_names(o->choices, names, 16);
	for (int i = 0; i < k; i++) {
		if (!strcmp(names[i], arg)) {
			*(int *)o->dest = i;
			return 0;
		}
	}
	return -1;
}

/* One option seen: store its value. OPTS_GO_ON, or an exit code. */
static int apply(const struct opts_spec *spec, const struct opt *o, const char *arg)
{
	struct cli *cli = o->dest;
	double d;
	unsigned long long size;
	if (o->given)
		*o->given = true;
	switch (o->kind) {
	case OPTK_FLAG:
		*(bool *)o->dest = true;
		return OPTS_GO_ON;
	case OPTK_SET_INT:
		*(int *)o->dest = (int)o->value;
		return OPTS_GO_ON;
	case OPTK_JSON:
		cli->json = true;
		progress_set_json(true); /* JSON runs never draw progress */
		return OPTS_GO_ON;
	case OPTK_INT: case OPTK_LONG: case OPTK_U32: case OPTK_U64:
		return parse_integer(o, arg) ? bad_value(spec, o, arg) : OPTS_GO_ON;
	case OPTK_DOUBLE:
		if (cli_parse_double(arg, o->min, o->max, &d))
			return bad_value(spec, o, arg);
		*(double *)o->dest = d;
		return OPTS_GO_ON;
	case OPTK_SECONDS:
		if (o->zero_ok && cli_parse_double(arg, 0, 0, &d) == 0) { /* "0", "0.0", "00" */
			*(double *)o->dest = 0;
			return OPTS_GO_ON;
		}
		if (cli_parse_double(arg, o->min, o->max, &d))
			return bad_value(spec, o, arg);
		*(double *)o->dest = d;
		return OPTS_GO_ON;
	case OPTK_SIZE:
		if (cli_parse_size(arg, &size) || (double)size < o->min || (o->max > 0 && (double)size > o->max))
			return bad_value(spec, o, arg);
		*(unsigned long long *)o->dest = size;
		return OPTS_GO_ON;
	case OPTK_STRING:
		*(const char **)o->dest = arg;
		return OPTS_GO_ON;
	case OPTK_CHOICE:
		return parse_choice(o, arg) ? bad_value(spec, o, arg) : OPTS_GO_ON;
	case OPTK_CALLBACK: {
		int r = o->cb(arg, o->ctx);
		if (r == 0)
			return OPTS_GO_ON;
		return r == -1 ? bad_value(spec, o, arg ? arg : "") : EXIT_USAGE;
	}
	case OPTK_PID: {
		long v;
		if (cli_parse_pid(arg, &v))
			return cli_usage_error(spec->cmd, "invalid pid '%s'", arg);
		if (cli->npids >= CLI_MAX_PIDS)
			return cli_usage_error(spec->cmd, "at most %d -p options", CLI_MAX_PIDS);
		cli->pids[cli->npids++] = (pid_t)v;
		return OPTS_GO_ON;
	}
	case OPTK_COMM:
		/* The kernel keeps 15 characters of a task's name: a longer NAME would silently
		 * match nothing. */
		if (!*arg || strlen(arg) > 15)
			return cli_usage_error(spec->cmd, "--comm '%s': a task name has 1 to 15 "
					       "characters (the kernel truncates longer ones: pass "
					       "the first 15)", arg);
		cli->comm = arg;
		return OPTS_GO_ON;
	case OPTK_REFUSE:
		return cli_usage_error(spec->cmd, "%s", o->help);
	case OPTK_END: case OPTK_GROUP:
		break;
	}
	return OPTS_GO_ON;
}

/* "-3000": a number getopt would read as the options -3 -0 -0 -0. */
static bool is_negative_number(const char *s)
{
	return s[0] == '-' && s[1] && strspn(s + 1, "0123456789") == strlen(s + 1);
}

/* getopt's '?' (unknown) or ':' (value missing), named as the user wrote it: a short
 * option by the letter getopt stopped at (it may sit in a cluster, "-Zq"), a long one by
 * the argument. */
static int bad_option(const struct opts_spec *spec, int c, char **argv)
{
	char name[64];
	if (optopt > 0 && optopt < 0x1000)
		snprintf(name, sizeof(name), "-%c", optopt);
	else
		snprintf(name, sizeof(name), "%s", optind > 0 ? argv[optind - 1] : "?");
	if (c == ':')
		return cli_usage_error(spec->cmd, "option '%s' needs a value", name);
	return cli_usage_error(spec->cmd, "unknown option, or no value after '%s'", name);
}

bool opts_verbose;

/* `--folded -` makes the folded stacks the report on stdout (output/profile_files.c): with
 * --json as well, stdout would be asked to be two things. */
static bool folded_to_stdout_with_json(const struct opts_spec *spec)
{
	bool folded = false, json = false;
	for (const struct opt *o = spec->opts; o->kind != OPTK_END; o++) {
		if (o->kind == OPTK_STRING && o->long_name && !strcmp(o->long_name, "folded"))
			folded = *(const char **)o->dest && !strcmp(*(const char **)o->dest, "-");
		else if (o->kind == OPTK_JSON)
			json = ((const struct cli *)o->dest)->json;
	}
	return folded && json;
}

int opts_parse(struct opts_spec *spec, int argc, char **argv)
{
	struct option longopts[MAX_LONG_NAMES + 5]; /* + help, verbose, output, output-mode, the end */
	const char *output = NULL;
	mode_t output_mode = 0600;
	char names[MAX_LONG_NAMES][48];
	char shortopts[2 * 64 + 4] = ":";
	int nlong = 0, nshort = 1;

	spec->nargs = 0;
	spec->args = NULL;
	/* "--" ends memmon's options: for a command that launches one, what follows is the
	 * program; for another, positional arguments (a FILE named "-x"), as getopt has it. */
	if (spec->program) {
		int all = argc;
		argc = cli_split_program(spec->cli, argc, argv);
		if (argc < all && !spec->cli->prog_argv)
			return cli_usage_error(spec->cmd, "no program after --");
	} else if (spec->program_refused) {
		for (int i = 1; i < argc; i++)
			if (!strcmp(argv[i], "--") && i + 1 < argc)
				return cli_usage_error(spec->cmd, "%s", spec->program_refused);
	}

	for (const struct opt *o = spec->opts; o->kind != OPTK_END; o++) {
		if (o->kind == OPTK_GROUP)
			continue;
		int code = 0x1000 + (int)(o - spec->opts);
		if (o->short_name) {
			shortopts[nshort++] = o->short_name;
			if (takes_value(o))
				shortopts[nshort++] = ':';
		}
		char here[8][48];
		int k = split_names(o->long_name, here, 8);
		for (int i = 0; i < k && nlong < MAX_LONG_NAMES; i++) {
			memcpy(names[nlong], here[i], sizeof(names[0]));
			longopts[nlong] = (struct option){ names[nlong],
				takes_value(o) ? required_argument : no_argument, NULL, code };
			nlong++;
		}
	}
	static char help_name[] = "help", output_name[] = "output", mode_name[] = "output-mode";
	longopts[nlong++] = (struct option){ help_name, no_argument, NULL, 'h' };
	static char verbose_name[] = "verbose";
	longopts[nlong++] = (struct option){ verbose_name, no_argument, NULL, VERBOSE_CODE };
	longopts[nlong++] = (struct option){ output_name, required_argument, NULL, 'o' };
	longopts[nlong++] = (struct option){ mode_name, required_argument, NULL, OUTPUT_MODE_CODE };
	longopts[nlong] = (struct option){ 0 };
	shortopts[nshort++] = 'h';
	shortopts[nshort++] = 'o';
	shortopts[nshort++] = ':';
	shortopts[nshort] = 0;

	optind = 0; /* glibc: 0 starts a new scan (parsers may run more than once in a process) */
	opterr = 0;
	cli_set_argv(argv);
	/* With negative_numbers the arguments come back in order ("-" mode: no permuting), each
	 * stored in an argv slot already read (there are always at least as many). */
	const char *optstring = shortopts;
	char in_order[sizeof(shortopts) + 1];
	int nargs = 0;
	if (spec->negative_numbers) {
		snprintf(in_order, sizeof(in_order), "-%s", shortopts);
		optstring = in_order;
	}
	int c;
	for (;;) {
		int next = optind ? optind : 1;
		if (spec->negative_numbers && next < argc && is_negative_number(argv[next])) {
			argv[1 + nargs++] = argv[next]; /* "-3000": an argument, not options */
			optind = next + 1;
			continue;
		}
		if ((c = getopt_long(argc, argv, optstring, longopts, NULL)) == -1)
			break;
		if (c == 1) { /* an argument, in order */
			argv[1 + nargs++] = optarg;
			continue;
		}
		if (c == 'h') {
			opts_help(spec, stdout);
			return EXIT_OK;
		}
		if (c == VERBOSE_CODE) {
			opts_verbose = true;
			continue;
		}
		if (c == '?' || c == ':')
			return bad_option(spec, c, argv);
		if (c == 'o') {
			output = optarg;
			continue;
		}
		if (c == OUTPUT_MODE_CODE) {
			if (strcmp(optarg, "0600") && strcmp(optarg, "0644") && strcmp(optarg, "600") &&
			    strcmp(optarg, "644"))
				return cli_usage_error(spec->cmd, "invalid --output-mode '%s' (0600 or 0644)",
						       optarg);
			output_mode = strstr(optarg, "644") ? 0644 : 0600;
			continue;
		}
		const struct opt *o = NULL;
		if (c >= 0x1000)
			o = &spec->opts[c - 0x1000];
		else
			for (const struct opt *p = spec->opts; p->kind != OPTK_END; p++)
				if (p->kind != OPTK_GROUP && p->short_name == c)
					o = p;
		if (!o)
			return bad_option(spec, '?', argv);
		int rc = apply(spec, o, takes_value(o) ? optarg : NULL);
		if (rc != OPTS_GO_ON)
			return rc;
	}
	if (spec->negative_numbers) { /* the ones after "--" follow */
		while (optind < argc)
			argv[1 + nargs++] = argv[optind++];
		optind = 1;
	} else {
		nargs = argc - optind;
	}
	if (nargs > spec->max_args)
		return cli_usage_error(spec->cmd, spec->program ?
				       "unexpected argument '%s' (a program goes after --)" :
				       "unexpected argument '%s'", argv[optind + spec->max_args]);
	spec->args = argv + optind;
	spec->nargs = nargs;
	if (folded_to_stdout_with_json(spec))
		return cli_usage_error(spec->cmd, "--folded - (to stdout) and --json cannot be combined");
	/* opened last: a usage error leaves no file behind */
	if (output && report_out_open(output, output_mode, spec->cmd))
		return EXIT_RUNTIME;
	return OPTS_GO_ON;
}

#define HELP_WIDTH 80

/* Prints text that starts at column col, its continuation lines indented to col: each
 * '\n' starts one, and a line that would pass HELP_WIDTH is broken at its last space
 * before it (a word longer than the room is left whole). */
static void print_wrapped(FILE *out, const char *text, int col)
{
	int room = HELP_WIDTH - col > 20 ? HELP_WIDTH - col : 20;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		while (len > room) {
			int cut = room;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				break;
			fprintf(out, "%.*s\n%*s", cut, p, col, "");
			p += cut + 1;
			len -= cut + 1;
		}
		fprintf(out, "%.*s\n", len, p);
		if (!nl)
			return;
		p = nl + 1;
		if (*p)
			fprintf(out, "%*s", col, "");
	}
}

static void option_left(const struct opt *o, char *buf, size_t n)
{
	char names[8][48];
	int k = split_names(o->long_name, names, 8);
	size_t used = 0;
	if (o->short_name)
		used += (size_t)snprintf(buf + used, n - used, "  -%c%s", o->short_name, k ? ", " : "");
	else
		used += (size_t)snprintf(buf + used, n - used, "      ");
	for (int i = 0; i < k && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s--%s", i ? ", " : "", names[i]);
	if (takes_value(o) && used < n)
		snprintf(buf + used, n - used, " %s", o->arg);
}

/* An option's help is one paragraph: its line breaks are where the author wrapped it, so
 * it is filled anew to the room right of the help column. */
static void print_option_line(FILE *out, const char *left, const char *help, int col)
{
	int len = (int)strlen(left);
	fputs(left, out);
	if (len + 2 > col)
		fprintf(out, "\n%*s", col, "");
	else
		fprintf(out, "%*s", col - len, "");
	char text[2048];
	snprintf(text, sizeof(text), "%s", help ? help : "");
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	print_wrapped(out, text, col);
}

/* The help column: two spaces after the longest option that fits under the maximum. */
static int help_column(const struct opts_spec *spec)
{
	char left[160];
	int col = (int)strlen("  -- PROGRAM ARGS") + 2;
	for (const struct opt *o = spec->opts; o->kind != OPTK_END; o++) {
		if (o->kind == OPTK_GROUP || o->kind == OPTK_REFUSE)
			continue;
		option_left(o, left, sizeof(left));
		int w = (int)strlen(left) + 2;
		if (w > col && w <= HELP_COLUMN_MAX)
			col = w;
	}
	return col;
}

void opts_help(const struct opts_spec *spec, FILE *out)
{
	fprintf(out, "usage: ");
	print_wrapped(out, spec->usage, 0);
	if (spec->about) {
		fputc('\n', out);
		print_wrapped(out, spec->about, 0);
	}
	fputc('\n', out);
	char left[160];
	int col = help_column(spec);
	for (const struct opt *o = spec->opts; o->kind != OPTK_END; o++) {
		if (o->kind == OPTK_GROUP) {
			print_wrapped(out, o->help, 0);
			continue;
		}
		if (o->kind == OPTK_REFUSE)
			continue;
		option_left(o, left, sizeof(left));
		print_option_line(out, left, o->help, col);
	}
	print_option_line(out, "      --verbose", "say which kernel hooks were chosen (stderr)", col);
	print_option_line(out, "  -o, --output FILE", "write the report (text or --json) to FILE, "
			  "not stdout; a new file, mode 0600; never follows a symbolic link, never "
			  "replaces another user's file", col);
	print_option_line(out, "      --output-mode MODE", "0600 (default) or 0644 for --output", col);
	print_option_line(out, "  -h, --help", "this help", col);
	if (spec->program)
		print_option_line(out, "  -- PROGRAM ARGS", spec->program_help ? spec->program_help :
				  "launch PROGRAM and trace it from its first instruction", col);
	if (spec->epilog) {
		fputc('\n', out);
		print_wrapped(out, spec->epilog, 0);
	}
}

int opts_ring_size(const char *arg, void *dest)
{
	unsigned long long size;
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	if (cli_parse_size(arg, &size) || size < page || size > (1ULL << 32) || (size & (size - 1)))
		return -1;
	*(unsigned long long *)dest = size;
	return 0;
}
