#include "trace_target.h"
#include <bpf/bpf.h>
#include <errno.h>

int trace_target_prepare(struct trace_target *t, struct cli *cli, const char *cmd)
{
	t->cli = cli;
	t->launched = false;
	if (!cli_check_pids(cli, cmd))
		return EXIT_RUNTIME;
	if (cli->prog_argv) {
		if (launch_prepare(&t->child, cli->prog_argv, cmd) < 0)
			return EXIT_RUNTIME;
		t->launched = true;
	}
	return 0;
}

bool trace_target_filters_pids(const struct trace_target *t)
{
	return t->cli->npids > 0 || t->launched;
}

bool trace_target_follows_children(const struct trace_target *t)
{
	return t->launched;
}

int trace_target_fill(const struct trace_target *t, int fd)
{
	__u8 one = 1;
	for (int i = 0; i < t->cli->npids; i++) {
		__u32 pid = t->cli->pids[i];
		if (bpf_map_update_elem(fd, &pid, &one, BPF_ANY))
			return -errno;
	}
	if (t->launched) {
		__u32 pid = t->child.pid;
		if (bpf_map_update_elem(fd, &pid, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

int trace_target_release(struct trace_target *t, const char *cmd)
{
	if (t->launched && launch_release(&t->child, cmd) < 0)
		return EXIT_RUNTIME;
	return 0;
}

void trace_target_abort(struct trace_target *t)
{
	if (t->launched)
		launch_abort(&t->child);
	t->launched = false;
}

void trace_target_loop(struct trace_target *t, struct loop *l)
{
	l->child = t->launched ? &t->child : NULL;
	l->pids = t->cli->pids;
	l->npids = t->cli->npids;
}

int trace_target_exit_code(const struct trace_target *t)
{
	return t->launched ? launch_exit_code(&t->child) : EXIT_OK;
}
