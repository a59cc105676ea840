/* memmon pageowner: page_owner dumps folded, sorted, culled and filtered, with the options
 * and output layout of the kernel's tools/mm/page_owner_sort, streaming. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "core/options.h"
#include "core/out_file.h"
#include "core/progress.h"
#include "pageowner/pageowner_cli.h"
#include "pageowner/pageowner_fold.h"
#include "pageowner/pageowner_opts.h"
#include "pageowner/pageowner_parse.h"
#include "pageowner/pageowner_print.h"
#include "pageowner/pageowner_profile.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD "pageowner"
#define KEEP_ERRORS 20 /* malformed records listed by line in the summary */

struct run {
	struct po_options *opt;
	struct po_fold *fold;
	bool debug;
	uint64_t pages, selected, selected_pages;
	unsigned long err_line[KEEP_ERRORS];
	const char *err_reason[KEEP_ERRORS];
	int nerr;
};

static void on_record(const struct po_record *r, void *ctx)
{
	struct run *run = ctx;
	run->pages += 1ULL << r->order;
	if (!po_record_selected(run->opt, r))
		return;
	run->selected++;
	run->selected_pages += 1ULL << r->order;
	po_fold_add(run->fold, r);
}

static void on_error(unsigned long line, const char *reason, void *ctx)
{
	struct run *run = ctx;
	if (run->debug)
		fprintf(stderr, "memmon pageowner: line %lu: %s\n", line, reason);
	if (run->nerr < KEEP_ERRORS) {
		run->err_line[run->nerr] = line;
		run->err_reason[run->nerr++] = reason;
	}
}

static void print_summary(const struct run *run, struct po_counts c, size_t blocks,
			  const char *name, bool json, FILE *out)
{
	if (json) {
		struct json_object *j = json_record("pageowner_summary");
		json_add_str(j, "input", name);
		json_add_u64(j, "lines", c.lines);
		json_add_u64(j, "records", c.records);
		json_add_u64(j, "pages", run->pages);
		json_add_u64(j, "selected_records", run->selected);
		json_add_u64(j, "selected_pages", run->selected_pages);
		json_add_u64(j, "blocks", blocks);
		json_add_u64(j, "malformed", c.malformed);
		struct json_object *a = json_object_new_array();
		for (int i = 0; i < run->nerr; i++) {
			struct json_object *e = json_object_new_object();
			json_object_object_add(e, "line", json_object_new_uint64(run->err_line[i]));
			json_object_object_add(e, "reason", json_object_new_string(run->err_reason[i]));
			json_object_array_add(a, e);
		}
		json_object_object_add(j, "malformed_records", a);
		json_emit(j, out);
		return;
	}
	fprintf(stderr, "memmon pageowner: %s: %lu records (%llu pages), %llu selected (%llu pages) "
		"in %zu blocks, %lu malformed\n", name, c.records, (unsigned long long)run->pages,
		(unsigned long long)run->selected, (unsigned long long)run->selected_pages, blocks,
		c.malformed);
	for (int i = 0; i < run->nerr; i++)
		fprintf(stderr, "  malformed record at line %lu: %s\n", run->err_line[i],
			run->err_reason[i]);
	if (c.malformed > (unsigned long)run->nerr)
		fprintf(stderr, "  ... and %lu more (-d lists all)\n", c.malformed - run->nerr);
}

/* --pid, --tgid and --name/--comm LIST (ctx: the struct po_options): comma lists, repeatable. */
static int pid_list(const char *arg, void *ctx)
{
	struct po_options *o = ctx;
	return po_opt_int_list(o->pids, &o->npids, arg) ?
	       cli_usage_error(CMD, "bad --pid list '%s'", arg) : 0;
}

static int tgid_list(const char *arg, void *ctx)
{
	struct po_options *o = ctx;
	return po_opt_int_list(o->tgids, &o->ntgids, arg) ?
	       cli_usage_error(CMD, "bad --tgid list '%s'", arg) : 0;
}

static int name_list(const char *arg, void *ctx)
{
	struct po_options *o = ctx;
	return po_opt_str_list(o->comms, &o->ncomms, arg) ?
	       cli_usage_error(CMD, "bad --name list '%s'", arg) : 0;
}

/* What the command line asks besides the po_options. */
struct pageowner_args {
	bool json, debug;
	const char *in_name, *out_name; /* FILE (default "-": standard input), OUTPUT or NULL */
};

/* OPTS_GO_ON, or the exit code. The short options are page_owner_sort's. */
static struct profile_files profiles; /* --pprof, --folded, --flamegraph */

static int parse(int argc, char **argv, struct po_options *o, struct pageowner_args *a)
{
	struct po_cli pc = { .cmd = CMD, .opt = o, .shortcut = -1 };
	struct opt opts[] = {
		OPT_GROUP("Sorting (one key; the last option wins):"),
		OPT_SET_INT('t', NULL, &pc.shortcut, PO_KEY_TIMES, "by times a block occurs, most first (default)"),
		OPT_SET_INT('m', NULL, &pc.shortcut, PO_KEY_PAGES, "by total memory (pages), most first"),
		OPT_SET_INT('a', NULL, &pc.shortcut, PO_KEY_ALLOC_TS, "by allocation time (earliest ts of the block)"),
		OPT_SET_INT('r', NULL, &pc.shortcut, PO_KEY_FREE_TS, "by release time (latest free_ts of the block)"),
		OPT_SET_INT('p', NULL, &pc.shortcut, PO_KEY_PID, "by pid (short options are page_owner_sort's:\n"
								 "-p sorts, --pid selects)"),
		OPT_SET_INT('P', NULL, &pc.shortcut, PO_KEY_TGID, "by tgid"),
		OPT_SET_INT('n', NULL, &pc.shortcut, PO_KEY_COMM, "by command name"),
		OPT_SET_INT('s', NULL, &pc.shortcut, PO_KEY_STACK, "by stack trace"),
		PO_OPT_SORT(&pc, "[+|-]key[,[+|-]key...] ('-' descending);\n"
				 "keys: pid|p, tgid|tg, name|n, stacktrace|st,\n"
				 "txt|T, alloc_ts|at, free_ts|ft, allocator|ator,\n"
				 "times|t, pages|m"),
		OPT_GROUP("Culling (fold by chosen fields instead of the whole text):"),
		PO_OPT_CULL(&pc, "comma list of pid|p, tgid|tg, name|n,\n"
				 "stacktrace|st, free|f, allocator|ator"),
		OPT_GROUP("Selecting:"),
		OPT_CALLBACK(0, "pid", "LIST", pid_list, o, "only blocks of these pids (comma list, repeatable)"),
		OPT_CALLBACK(0, "tgid", "LIST", tgid_list, o, "only blocks of these tgids"),
		OPT_CALLBACK(0, "name|comm", "LIST", name_list, o, "only blocks of these command names"),
		OPT_FLAG('f', NULL, &o->skip_freed, "leave out blocks freed after their allocation\n"
						    "(free_ts > ts)"),
		OPT_GROUP("Output:"),
		OPT_FLAG(0, "json", &a->json, "JSON Lines: pageowner_block records, then\npageowner_summary"),
		OPT_FLAG('d', NULL, &a->debug, "print every malformed record's line and reason\n"
					       "on stderr"),
		OPT_PROFILE_FILES(&profiles, "the blocks by stack"),
		OPT_END(),
	};
	struct opts_spec spec = {
		.cmd = CMD,
		.usage = "memmon pageowner [options] [FILE|-] [OUTPUT]",
		.about = "Folds a page_owner dump (/sys/kernel/debug/page_owner, any kernel from 4.x on)\n"
			 "into blocks of identical records and sorts them, like tools/mm/page_owner_sort.\n"
			 "Without --cull, records fold when they differ only in timestamps. FILE defaults\n"
			 "to standard input, OUTPUT to standard output.",
		.epilog = "Malformed records are skipped, counted and listed by line number on stderr\n"
			  "(in the summary record with --json). Exit: 0 ok, 1 unreadable input, 2 usage.",
		.opts = opts,
		.max_args = 2,
	};
	int rc = opts_parse(&spec, argc, argv);
	if (rc != OPTS_GO_ON)
		return rc;
	po_cli_finish(&pc);
	a->in_name = spec.nargs > 0 ? spec.args[0] : "-";
	a->out_name = spec.nargs > 1 ? spec.args[1] : NULL;
	return OPTS_GO_ON;
}

/* The dump to read: standard input, a file or a pipe; not a device (/dev/zero never ends)
 * nor a directory. NULL after a message. */
static FILE *open_input(const char *name)
{
	if (!strcmp(name, "-"))
		return stdin;
	int fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "memmon pageowner: cannot open %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "memmon pageowner: cannot read %s: %s\n", name,
			S_ISDIR(st.st_mode) ? strerror(EISDIR) : "a device, not a file or a pipe");
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		fprintf(stderr, "memmon pageowner: cannot open %s: %s\n", name, strerror(errno));
		close(fd);
	}
	return f;
}

int cmd_pageowner(int argc, char **argv)
{
	struct po_options opt = { 0 };
	struct pageowner_args args = { 0 };
	int rc = parse(argc, argv, &opt, &args);
	if (rc != OPTS_GO_ON) {
		po_opt_free(&opt);
		return rc;
	}
	rc = EXIT_OK;
	struct run run = { .opt = &opt, .debug = args.debug };
	const char *in_name = args.in_name, *out_name = args.out_name;
	FILE *in = open_input(in_name);
	if (!in || profile_files_open(&profiles, CMD)) {
		if (in && in != stdin)
			fclose(in);
		po_opt_free(&opt);
		return EXIT_RUNTIME;
	}
	struct out_file of = { .dirfd = -1 };
	FILE *out = stdout;
	if (out_name) {
		if (out_file_open(&of, out_name, 0, CMD)) {
			if (in != stdin)
				fclose(in);
			po_opt_free(&opt);
			return EXIT_RUNTIME;
		}
		out = of.fp;
	}
	run.fold = po_fold_new(&opt);
	struct po_parser *p = po_parser_new(on_record, on_error, &run);
	struct progress prog;
	struct stat st;
	progress_set_json(args.json);
	char what[PATH_MAX + 16];
	snprintf(what, sizeof(what), "reading %s", strcmp(in_name, "-") ? in_name : "standard input");
	progress_begin(&prog, CMD, what);
	uint64_t total = fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	int err = po_parse_file_progress(in, PO_LINE_MAX, p, &prog, total);
	progress_end(&prog);
	if (err) {
		fprintf(stderr, "memmon pageowner: cannot read %s: %s\n", in_name, strerror(-err));
		rc = EXIT_RUNTIME;
	} else {
		size_t n;
		struct po_group **groups = po_fold_sorted(run.fold, &n);
		if (args.json)
			po_print_json(out, "pageowner_block", -1, &opt, groups, n);
		else
			po_print_text(out, &opt, groups, n);
		struct po_counts c = po_parser_counts(p);
		print_summary(&run, c, n, in_name, args.json, out);
		if (profile_files_wanted(&profiles) &&
		    po_profile_write(&profiles, groups, n, &opt, CMD, "memmon pageowner: pages"))
			rc = EXIT_RUNTIME;
		if (c.records == 0 && c.malformed > 0) {
			/* Nothing but garbage: the wrong file, not an empty dump. */
			fprintf(stderr, "memmon pageowner: %s is not a page_owner dump (no valid record)\n",
				in_name);
			rc = EXIT_RUNTIME;
		}
		/* (with --folded -, out was /dev/null and stdout is the folded stacks' now) */
		if (!out_name && (fflush(stdout) || ferror(stdout))) {
			fprintf(stderr, "memmon pageowner: cannot write output: %s\n", strerror(errno));
			rc = EXIT_RUNTIME;
		}
		if (out_name && out_file_commit(&of, CMD))
			rc = EXIT_RUNTIME;
	}
	po_parser_free(p);
	po_fold_free(run.fold);
	po_opt_free(&opt);
	if (in != stdin)
		fclose(in);
	out_file_discard(&of);
	profile_files_discard(&profiles); /* written above; a failed run's go */
	return rc;
}
