#include "core/report_out.h"
#include "core/cli.h"
#include "core/out_file.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct out_file report;
static FILE *saved_stdout;
static const char *report_cmd;
static bool is_open;

/* A command that ends by exit() still leaves its report under its name. */
static void close_at_exit(void)
{
	if (is_open)
		report_out_close(report_cmd, EXIT_OK);
}

int report_out_open(const char *path, mode_t mode, const char *cmd)
{
	if (is_open)
		return 0;
	if (out_file_open(&report, path, mode, cmd))
		return -1;
	saved_stdout = stdout;
	stdout = report.fp; /* glibc's stdout is assignable; fd 1 stays the program's */
	report_cmd = cmd;
	is_open = true;
	atexit(close_at_exit);
	return 0;
}

const char *report_out_path(void)
{
	return is_open ? report.path : NULL;
}

int report_out_close(const char *cmd, int rc)
{
	if (!is_open)
		return rc;
	is_open = false;
	stdout = saved_stdout;
	if (rc == EXIT_USAGE) {
		out_file_discard(&report);
		return rc;
	}
	if (out_file_commit(&report, cmd))
		return rc == EXIT_OK ? EXIT_RUNTIME : rc;
	return rc;
}
