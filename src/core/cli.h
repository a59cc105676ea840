/* What every command's options select (struct cli: pids, comm, interval, duration, JSON,
 * the program after "--"), exit codes, the strict number parsers and the one message form
 * of a usage error. The option table that fills struct cli is core/options.h. */
#ifndef MEMMON_CLI_H
#define MEMMON_CLI_H
#include <getopt.h>
#include <stdbool.h>
#include <sys/types.h>

#define CLI_MAX_PIDS 64

/* Exit codes every command uses. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

struct cli {
	pid_t pids[CLI_MAX_PIDS];
	int npids;
	const char *comm;
	double interval;  /* seconds, 0 = only at the end */
	double duration;  /* seconds, 0 = until interrupted */
	bool json;
	char **prog_argv; /* after "--", NULL if none */
	int prog_argc;
};

/* Splits argv at "--" into cli->prog_argv; returns the argc before it. */
int cli_split_program(struct cli *cli, int argc, char **argv);

/* getopt's message for a bad option, with memmon's form: "memmon CMD: unknown option, or
 * no value after '-x'" (main sets opterr = 0 and hands the argv over). Returns EXIT_USAGE. */
/* The exit code once the command is done: a report that could not be written whole (disk
 * full) is a failure, said on stderr; a reader that went away (memmon ... | head) is not. */
int cli_output_status(const char *cmd, int rc);
void cli_set_argv(char **argv);
int cli_bad_option(const char *cmd);
/* -p and -- PROGRAM name two different targets: EXIT_USAGE (message printed) if both are
 * given, else 0. (watch alone takes both: its watch list holds any set of processes.) */
int cli_one_target(const struct cli *cli, const char *cmd);
/* Strict number parsers: the whole string must be a decimal number in range (no sign but
 * '-', no spaces, no hex: "010" is 10). 0 = ok. */
int cli_parse_long(const char *s, long min, long max, long *out);
/* A pid: decimal digits only, 1 to 2^31-1. */
int cli_parse_pid(const char *s, long *out);
int cli_parse_double(const char *s, double min, double max, double *out);
int cli_parse_size(const char *s, unsigned long long *out); /* 4096, 4k, 1M, 2G */

/* Prints "memmon CMD: msg\nTry 'memmon CMD --help'." and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True while pid exists and is not a zombie (exited, not yet reaped). */
bool pid_running(pid_t pid);
/* Reads /proc/PID/stat into buf and returns what follows the command's closing ')'
 * (" S ppid ..."), or NULL with errno set. */
const char *proc_stat_fields(pid_t pid, char *buf, size_t size);
/* Checks that every -p pid exists; prints a clear error and returns false if not. */
bool cli_check_pids(const struct cli *cli, const char *cmd);
/* The same for commands about user-space memory: a kernel thread is refused too. */
bool cli_check_user_pids(const struct cli *cli, const char *cmd);
bool pid_is_kernel_thread(pid_t pid);

/* True if pid is in the -p list (or the list is empty). */
bool cli_pid_selected(const struct cli *cli, pid_t tgid);

/* "s" unless n is 1: "1 allocation", "2 allocations". */
static inline const char *cli_plural(unsigned long long n)
{
	return n == 1 ? "" : "s";
}

#endif
