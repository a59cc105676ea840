#include "output/profile_files.h"
#include "output/flamegraph_svg.h"
#include "output/folded_write.h"
#include "output/pprof_write.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

bool profile_files_wanted(const struct profile_files *pf)
{
	for (int i = 0; i < PROFILE_NFORMATS; i++)
		if (pf->path[i])
			return true;
	return false;
}

int profile_files_open(struct profile_files *pf, const char *cmd)
{
	for (int i = 0; i < PROFILE_NFORMATS; i++) {
		memset(&pf->file[i], 0, sizeof(pf->file[i]));
		pf->file[i].dirfd = -1;
	}
	pf->folded_stdout = pf->path[PROFILE_FOLDED] && !strcmp(pf->path[PROFILE_FOLDED], "-");
	pf->report = NULL;
	for (int i = 0; i < PROFILE_NFORMATS; i++) {
		if (!pf->path[i] || (i == PROFILE_FOLDED && pf->folded_stdout))
			continue;
		if (out_file_open(&pf->file[i], pf->path[i], 0, cmd)) {
			profile_files_discard(pf);
			return -1;
		}
	}
	if (pf->folded_stdout) { /* the text report, interval reports included, goes nowhere */
		FILE *null = fopen("/dev/null", "we");
		if (!null) {
			fprintf(stderr, "memmon %s: /dev/null: %s\n", cmd, strerror(errno));
			profile_files_discard(pf);
			return -1;
		}
		fflush(stdout);
		pf->report = stdout;
		stdout = null; /* glibc's stdout is assignable (core/report_out.c does the same) */
	}
	return 0;
}

/* stdout is the report's stream again. */
static void give_back_stdout(struct profile_files *pf)
{
	if (!pf->report)
		return;
	fclose(stdout);
	stdout = pf->report;
	pf->report = NULL;
}

static int write_one(int format, FILE *out, const struct stack_profile *p, int value_index,
		     const char *title)
{
	switch (format) {
	case PROFILE_PPROF: return pprof_write(p, out);
	case PROFILE_FOLDED: return folded_write(p, out, value_index);
	default: return flamegraph_svg_write(p, out, value_index, title);
	}
}

int profile_files_write(struct profile_files *pf, const struct stack_profile *p, int value_index,
			const char *title, const char *cmd)
{
	int rc = 0;
	if (p->failed)
		fprintf(stderr, "memmon %s: out of memory while building the profile: the profile "
				"files are incomplete\n", cmd);
	for (int i = 0; i < PROFILE_NFORMATS; i++) {
		if (!pf->path[i])
			continue;
		if (i == PROFILE_FOLDED && pf->folded_stdout) {
			give_back_stdout(pf);
			if (write_one(i, stdout, p, value_index, title))
				rc = -1; /* cli_output_status says so */
			continue;
		}
		if (!pf->file[i].fp)
			continue;
		if (write_one(i, pf->file[i].fp, p, value_index, title)) {
			fprintf(stderr, "memmon %s: cannot write %s: %s\n", cmd, pf->path[i], strerror(errno));
			out_file_discard(&pf->file[i]);
			rc = -1;
		} else if (out_file_commit(&pf->file[i], cmd)) {
			rc = -1;
		}
	}
	return rc;
}

void profile_files_discard(struct profile_files *pf)
{
	give_back_stdout(pf);
	for (int i = 0; i < PROFILE_NFORMATS; i++)
		if (pf->file[i].fp || pf->file[i].tmp[0])
			out_file_discard(&pf->file[i]);
}
