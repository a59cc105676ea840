/* The profile files a command that aggregates by stack writes at its end: --pprof FILE,
 * --folded FILE and --flamegraph FILE (options from OPT_PROFILE_FILES). Each is opened
 * through core/out_file.c before tracing starts (so a bad path fails at once) and written
 * from one stack profile (output/stack_profile.h) at the end. */
#ifndef MEMMON_PROFILE_FILES_H
#define MEMMON_PROFILE_FILES_H
#include "core/options.h"
#include "core/out_file.h"
#include "output/stack_profile.h"
#include <stdbool.h>

enum { PROFILE_PPROF, PROFILE_FOLDED, PROFILE_FLAMEGRAPH, PROFILE_NFORMATS };

struct profile_files {
	const char *path[PROFILE_NFORMATS]; /* NULL: not asked for */
	struct out_file file[PROFILE_NFORMATS];
	bool folded_stdout; /* --folded -: the folded stacks are the report */
	FILE *report;       /* then: the report's stream, stdout (or -o's file) until the end; the
			     * command's own report goes to /dev/null meanwhile */
};

#define OPT_PPROF_FILE(pf, what) \
	OPT_STRING(0, "pprof", &(pf)->path[PROFILE_PPROF], "FILE", \
		   "write " what " as a gzipped pprof profile (go tool pprof, Parca,\n" \
		   "Pyroscope) to FILE at the end")
#define OPT_FOLDED_FILE(pf, what) \
	OPT_STRING(0, "folded", &(pf)->path[PROFILE_FOLDED], "FILE", \
		   "write " what " as folded stacks (root first, 'a;b;c value', for\n" \
		   "flamegraph.pl, inferno, speedscope) to FILE at the end ('-': stdout)")
#define OPT_FLAMEGRAPH_FILE(pf, what) \
	OPT_STRING(0, "flamegraph", &(pf)->path[PROFILE_FLAMEGRAPH], "FILE", \
		   "write " what " as an interactive SVG flame graph to FILE at the end")
#define OPT_PROFILE_FILES(pf, what) \
	OPT_PPROF_FILE(pf, what), OPT_FOLDED_FILE(pf, what), OPT_FLAMEGRAPH_FILE(pf, what)

/* True if any profile file was asked for. */
bool profile_files_wanted(const struct profile_files *pf);
/* Opens the files asked for. 0, or -1 (message printed, nothing left behind). With
 * `--folded -` the folded stacks become the report: stdout is pointed at /dev/null until
 * profile_files_write or profile_files_discard gives it back (--json is refused then, by
 * the option parser). */
int profile_files_open(struct profile_files *pf, const char *cmd);
/* Writes every file asked for from p: value_index is the sample type the folded stacks and
 * the flame graph count (pprof has them all); title heads the flame graph. 0, or -1
 * (message printed). The files are closed either way. */
int profile_files_write(struct profile_files *pf, const struct stack_profile *p, int value_index,
			const char *title, const char *cmd);
/* Removes the files of a run that failed. */
void profile_files_discard(struct profile_files *pf);

#endif
