#include "proc/proc_numbers.h"
#include "proc/proc_oom.h"
#include <errno.h>
#include <stdio.h>

int proc_pid_oom(pid_t pid, int *score, int *adj)
{
	char path[64];
	int64_t s, a;
	snprintf(path, sizeof(path), "/proc/%d/oom_score", pid);
	int r = number_read(path, &s);
	if (r)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	if ((r = number_read(path, &a)))
		return r;
	if (s < 0 || s > 2000 || a < -1000 || a > 1000)
		return -EINVAL;
	*score = (int)s;
	*adj = (int)a;
	return 0;
}
