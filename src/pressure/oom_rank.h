/* Who the OOM killer would pick, read from /proc now (memmon oom --rank): every killable
 * process with its kernel oom_score and what makes it (RSS, swap, page tables from
 * /proc/PID/status, oom_score_adj), ranked system-wide by oom_score, and within each memory
 * cgroup that has a limit (a cgroup OOM chooses among the processes of the cgroup at its
 * limit and of its descendants) by the badness the kernel computes there:
 *   badness = RSS + swap + page tables + oom_score_adj * total / 1000   (pages)
 * where total is RAM + swap system-wide, the limit (+ the swap it allows) in a cgroup, and
 *   oom_score = (1000 + badness * 1000 / total) * 2 / 3                (0..1333)
 * as /proc/PID/oom_score reports it for the system. Ties go to the later process, as the
 * kernel's scan keeps the last of equal ones. System-wide the order is the kernel's oom_score,
 * then the badness it rounds. */
#ifndef MEMMON_OOM_RANK_H
#define MEMMON_OOM_RANK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define OOM_CGROUP_PATH_MAX 512

struct oom_candidate {
	pid_t pid;
	char comm[64];
	int oom_score, oom_score_adj; /* the kernel's */
	uint64_t rss_kb, swap_kb, pgtables_kb;
	char cgroup[OOM_CGROUP_PATH_MAX]; /* its memory cgroup, "" if unknown */
	int cgroup_version;
};

struct oom_scope {
	char path[OOM_CGROUP_PATH_MAX];
	int version;
	bool limited;
	uint64_t limit_kb, total_kb; /* total: the limit and the swap the group may use */
	size_t *members;             /* candidates, worst first after oom_rank_sort */
	size_t n, cap;
};

struct oom_rank {
	struct oom_candidate *c;
	size_t n, cap;
	size_t *system;        /* candidates by oom_score, worst first */
	struct oom_scope *scopes; /* every cgroup looked at; only limited ones are printed */
	size_t nscopes, scap;
	uint64_t total_kb;     /* MemTotal + SwapTotal */
	uint64_t swap_kb;      /* SwapTotal */
	unsigned unkillable;   /* oom_score_adj -1000: never chosen */
	unsigned vanished, unreadable;
};

/* Reads every process and the limits of their cgroups. 0, or -errno after a message. */
int oom_rank_collect(struct oom_rank *r);
/* badness in kB for a candidate when total_kb is what the scope has. */
int64_t oom_badness_kb(const struct oom_candidate *c, uint64_t total_kb);
/* The oom_score scale for a badness: (1000 + badness * 1000 / total) * 2 / 3, 0 at least. */
int oom_score_of(int64_t badness_kb, uint64_t total_kb);
void oom_rank_free(struct oom_rank *r);

#endif
