/* memmon: one binary, one subcommand per question (see commands.def). */
#include "commands.h"
#include "core/cli.h"
#include "core/report_out.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
#define COMMAND(name, fn, summary) { #name, fn, summary },
#include "commands.def"
#undef COMMAND
};

static int usage(FILE *out)
{
	fprintf(out, "usage: memmon COMMAND [options] [-- PROGRAM ARGS]\n"
		     "       memmon help | --help | --version\n\n"
		     "Linux memory observability: eBPF tracing, /proc snapshots, page_owner analysis.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun 'memmon COMMAND --help' for a command's options.\n");
	return out == stdout ? EXIT_OK : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	const char *name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("memmon %s\n", MEMMON_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			char *hargv[] = { argv[2], "--help", NULL };
			for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
				if (!strcmp(commands[i].name, argv[2]))
					return commands[i].fn(2, hargv);
		}
		return usage(stdout);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
		{
			/* Commands report bad options themselves, naming memmon and the command. */
			opterr = 0;
			cli_set_argv(argv + 1);
			int rc = cli_output_status(name, commands[i].fn(argc - 1, argv + 1));
			return report_out_close(name, rc);
		}
	fprintf(stderr, "memmon: unknown command '%s'\n", name);
	usage(stderr);
	return EXIT_USAGE;
}
