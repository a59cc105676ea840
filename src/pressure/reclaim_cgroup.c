#include "pressure/reclaim_cgroup.h"
#include "kernel/memcg_path.h"
#include <bpf/bpf.h>

bool reclaim_cgroup_path(int cgroups_fd, __u64 id, char *buf, size_t n)
{
	struct memcg_info m;
	if (bpf_map_lookup_elem(cgroups_fd, &id, &m))
		return false;
	memcg_path_format(&m, buf, n);
	return true;
}
