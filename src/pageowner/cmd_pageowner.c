/* memmon pageowner: page_owner dumps folded, sorted, culled and filtered, with the options
 * and output layout of the kernel's tools/mm/page_owner_sort, streaming. */
#include "commands.h"
#include "core/cli.h"
#include "core/json_out.h"
#include "pageowner/pageowner_fold.h"
#include "pageowner/pageowner_opts.h"
#include "pageowner/pageowner_parse.h"
#include "pageowner/pageowner_print.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "pageowner"
#define KEEP_ERRORS 20 /* malformed records listed by line in the summary */

enum { OPT_SORT = OPT_COMMON_LAST, OPT_CULL, OPT_PID_LIST, OPT_TGID_LIST, OPT_NAME_LIST };

static int usage(FILE *out)
{
	fprintf(out,
		"usage: memmon pageowner [options] [FILE|-] [OUTPUT]\n"
		"Folds a page_owner dump (/sys/kernel/debug/page_owner, any kernel from 4.x on)\n"
		"into blocks of identical records and sorts them, like tools/mm/page_owner_sort.\n"
		"Without --cull, records fold when they differ only in timestamps. FILE defaults\n"
		"to standard input, OUTPUT to standard output.\n\n"
		"Sorting (one key; the last option wins):\n"
		"  -t            by times a block occurs, most first (default)\n"
		"  -m            by total memory (pages), most first\n"
		"  -a            by allocation time (earliest ts of the block)\n"
		"  -r            by release time (latest free_ts of the block)\n"
		"  -p            by pid        -P  by tgid       -n  by command name\n"
		"                (short options are page_owner_sort's: -p sorts, --pid selects)\n"
		"  -s            by stack trace\n"
		"  --sort KEYS   [+|-]key[,[+|-]key...] ('-' descending); keys: pid|p, tgid|tg,\n"
		"                name|n, stacktrace|st, txt|T, alloc_ts|at, free_ts|ft,\n"
		"                allocator|ator, times|t, pages|m\n"
		"Culling (fold by chosen fields instead of the whole text):\n"
		"  --cull RULES  comma list of pid|p, tgid|tg, name|n, stacktrace|st, free|f,\n"
		"                allocator|ator\n"
		"Selecting:\n"
		"  --pid LIST    only blocks of these pids (comma list, repeatable)\n"
		"  --tgid LIST   only blocks of these tgids\n"
		"  --name LIST   only blocks of these command names (also --comm)\n"
		"  -f            leave out blocks freed after their allocation (free_ts > ts)\n"
		"Output:\n"
		"  --json        JSON Lines: pageowner_block records, then pageowner_summary\n"
		"  -d            print every malformed record's line and reason on stderr\n"
		"  -h, --help    this help\n"
		"Malformed records are skipped, counted and listed by line number on stderr\n"
		"(in the summary record with --json). Exit: 0 ok, 1 unreadable input, 2 usage.\n");
	return out == stdout ? EXIT_OK : EXIT_USAGE;
}

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

static int parse_args(int argc, char **argv, struct po_options *o, bool *json, bool *debug)
{
	static const struct option longopts[] = {
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "cull", required_argument, NULL, OPT_CULL },
		{ "pid", required_argument, NULL, OPT_PID_LIST },
		{ "tgid", required_argument, NULL, OPT_TGID_LIST },
		{ "name", required_argument, NULL, OPT_NAME_LIST },
		{ "comm", required_argument, NULL, OPT_NAME_LIST },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	opterr = 0; /* one message of our own, with the hint to --help */
	while ((c = getopt_long(argc, argv, "amnprstPfdh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': po_opt_sort_single(o, PO_KEY_ALLOC_TS, 1); break;
		case 'm': po_opt_sort_single(o, PO_KEY_PAGES, -1); break;
		case 'n': po_opt_sort_single(o, PO_KEY_COMM, 1); break;
		case 'p': po_opt_sort_single(o, PO_KEY_PID, 1); break;
		case 'P': po_opt_sort_single(o, PO_KEY_TGID, 1); break;
		case 'r': po_opt_sort_single(o, PO_KEY_FREE_TS, 1); break;
		case 's': po_opt_sort_single(o, PO_KEY_STACK, 1); break;
		case 't': po_opt_sort_single(o, PO_KEY_TIMES, -1); break;
		case 'f': o->skip_freed = true; break;
		case 'd': *debug = true; break;
		case OPT_JSON: *json = true; break;
		case OPT_SORT:
			if (po_opt_sort(o, optarg))
				return cli_usage_error(CMD, "bad --sort '%s'", optarg);
			break;
		case OPT_CULL:
			if (po_opt_cull(o, optarg))
				return cli_usage_error(CMD, "bad --cull '%s'", optarg);
			break;
		case OPT_PID_LIST:
			if (po_opt_int_list(o->pids, &o->npids, optarg))
				return cli_usage_error(CMD, "bad --pid list '%s'", optarg);
			break;
		case OPT_TGID_LIST:
			if (po_opt_int_list(o->tgids, &o->ntgids, optarg))
				return cli_usage_error(CMD, "bad --tgid list '%s'", optarg);
			break;
		case OPT_NAME_LIST:
			if (po_opt_str_list(o->comms, &o->ncomms, optarg))
				return cli_usage_error(CMD, "bad --name list '%s'", optarg);
			break;
		case 'h': return -1;
		default:
			return cli_bad_option(CMD);
		}
	}
	po_opt_finish(o);
	return 0;
}

int cmd_pageowner(int argc, char **argv)
{
	struct po_options opt = { 0 };
	bool json = false;
	struct run run = { .opt = &opt };
	int rc = parse_args(argc, argv, &opt, &json, &run.debug);
	if (rc) {
		po_opt_free(&opt);
		return rc < 0 ? usage(stdout) : rc;
	}
	if (argc - optind > 2) {
		po_opt_free(&opt);
		return cli_usage_error(CMD, "too many arguments");
	}
	const char *in_name = optind < argc ? argv[optind] : "-";
	const char *out_name = optind + 1 < argc ? argv[optind + 1] : NULL;
	FILE *in = strcmp(in_name, "-") ? fopen(in_name, "r") : stdin;
	if (!in) {
		fprintf(stderr, "memmon pageowner: cannot open %s: %s\n", in_name, strerror(errno));
		po_opt_free(&opt);
		return EXIT_RUNTIME;
	}
	FILE *out = out_name ? fopen(out_name, "w") : stdout;
	if (!out) {
		fprintf(stderr, "memmon pageowner: cannot write %s: %s\n", out_name, strerror(errno));
		if (in != stdin)
			fclose(in);
		po_opt_free(&opt);
		return EXIT_RUNTIME;
	}
	run.fold = po_fold_new(&opt);
	struct po_parser *p = po_parser_new(on_record, on_error, &run);
	int err = po_parse_file(in, p);
	if (err) {
		fprintf(stderr, "memmon pageowner: cannot read %s: %s\n", in_name, strerror(-err));
		rc = EXIT_RUNTIME;
	} else {
		size_t n;
		struct po_group **groups = po_fold_sorted(run.fold, &n);
		if (json)
			po_print_json(out, &opt, groups, n);
		else
			po_print_text(out, &opt, groups, n);
		struct po_counts c = po_parser_counts(p);
		print_summary(&run, c, n, in_name, json, out);
		if (c.records == 0 && c.malformed > 0) {
			/* Nothing but garbage: the wrong file, not an empty dump. */
			fprintf(stderr, "memmon pageowner: %s is not a page_owner dump (no valid record)\n",
				in_name);
			rc = EXIT_RUNTIME;
		}
		if (fflush(out) || ferror(out)) {
			fprintf(stderr, "memmon pageowner: cannot write output: %s\n", strerror(errno));
			rc = EXIT_RUNTIME;
		}
	}
	po_parser_free(p);
	po_fold_free(run.fold);
	po_opt_free(&opt);
	if (in != stdin)
		fclose(in);
	if (out != stdout)
		fclose(out);
	return rc;
}
