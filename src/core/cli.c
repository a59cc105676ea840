#include "core/cli.h"
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_split_program(struct cli *cli, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			cli->prog_argv = argc > i + 1 ? &argv[i + 1] : NULL;
			cli->prog_argc = argc - i - 1;
			argv[i] = NULL;
			return i;
		}
	}
	return argc;
}

int cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)*s) || *s == '+')
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10); /* decimal: "010" is 10, as a user means it */
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_pid(const char *s, long *out)
{
	/* Decimal digits only: "010" is pid 10, not 8; "0x10", " 1" and "+1" are not pids. */
	if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		return -1;
	long v = strtol(s, NULL, 10);
	if (v < 1 || v > 0x7fffffff)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	if (strpbrk(s, "xXpP")) /* strtod also reads hex floats: "0x10" is not 0 seconds */
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || isnan(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_size(const char *s, unsigned long long *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	unsigned long long mul = 1;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	default: break;
	}
	if (*end || (mul > 1 && v > ~0ULL / mul))
		return -1;
	*out = v * mul;
	return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "memmon %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'memmon %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int cli_output_status(const char *cmd, int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	struct stat st;
	if (fstat(STDOUT_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)))
			return rc;
	}
	fprintf(stderr, "memmon %s: writing the output failed (disk full?): it is incomplete\n", cmd);
	return rc == EXIT_OK ? EXIT_RUNTIME : rc;
}

static char **cli_argv;

void cli_set_argv(char **argv)
{
	cli_argv = argv;
}

int cli_bad_option(const char *cmd)
{
	const char *arg = cli_argv && optind > 0 ? cli_argv[optind - 1] : NULL;
	if (arg)
		return cli_usage_error(cmd, "unknown option, or no value after '%s'", arg);
	return cli_usage_error(cmd, "unknown option");
}

int cli_one_target(const struct cli *cli, const char *cmd)
{
	if (cli->npids && cli->prog_argv)
		return cli_usage_error(cmd, "give either -p PID or -- PROGRAM, not both");
	return 0;
}

const char *proc_stat_fields(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *end = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!end) {
		errno = EINVAL;
		return NULL;
	}
	return end + 1;
}

bool pid_running(pid_t pid)
{
	char buf[512];
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return false;
	const char *fields = proc_stat_fields(pid, buf, sizeof(buf));
	if (!fields)
		return errno != ENOENT;
	return !(fields[0] == ' ' && (fields[1] == 'Z' || fields[1] == 'X'));
}

bool cli_check_pids(const struct cli *cli, const char *cmd)
{
	for (int i = 0; i < cli->npids; i++) {
		if (kill(cli->pids[i], 0) && errno == ESRCH) {
			fprintf(stderr, "memmon %s: pid %d does not exist\n", cmd, cli->pids[i]);
			return false;
		}
		if (!pid_running(cli->pids[i])) {
			fprintf(stderr, "memmon %s: pid %d has exited (a zombie not yet reaped)\n", cmd,
				cli->pids[i]);
			return false;
		}
	}
	return true;
}

/* PF_KTHREAD in the flags field (9th) of /proc/PID/stat. */
bool pid_is_kernel_thread(pid_t pid)
{
	char buf[1024];
	const char *fields = proc_stat_fields(pid, buf, sizeof(buf));
	unsigned long flags = 0;
	if (!fields || sscanf(fields, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return false;
	return flags & 0x00200000UL;
}

bool cli_check_user_pids(const struct cli *cli, const char *cmd)
{
	if (!cli_check_pids(cli, cmd))
		return false;
	for (int i = 0; i < cli->npids; i++) {
		if (pid_is_kernel_thread(cli->pids[i])) {
			fprintf(stderr, "memmon %s: pid %d is a kernel thread: it has no user-space "
					"memory\n", cmd, cli->pids[i]);
			return false;
		}
	}
	return true;
}

bool cli_pid_selected(const struct cli *cli, pid_t tgid)
{
	if (cli->npids == 0)
		return true;
	for (int i = 0; i < cli->npids; i++)
		if (cli->pids[i] == tgid)
			return true;
	return false;
}
