#include "core/trace_target.h"
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

int trace_target_prepare(struct trace_target *t, struct cli *cli, const char *cmd, unsigned flags)
{
	memset(t, 0, sizeof(*t));
	t->cli = cli;
	if (!(flags & TT_PIDS_AND_PROGRAM) && cli_one_target(cli, cmd))
		return EXIT_USAGE;
	if (!(flags & TT_USER_MEMORY ? cli_check_user_pids(cli, cmd) : cli_check_pids(cli, cmd)))
		return EXIT_RUNTIME;
	if (cli->prog_argv) {
		if (launch_prepare_flags(&t->child, cli->prog_argv, cmd,
					 cli->json ? LAUNCH_STDOUT_TO_STDERR : 0) < 0)
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
	return t->follow < 0 ? false : t->follow > 0 ? trace_target_filters_pids(t) : t->launched;
}

void trace_target_configure(const struct trace_target *t, struct task_filter_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->by_pid = trace_target_filters_pids(t);
	cfg->follow_children = trace_target_follows_children(t);
	/* a followed process tree would fill the filter with the dead: they leave it */
	cfg->forget_exited = t->forget_exited || cfg->follow_children;
	cfg->self_tgid = (__u32)getpid();
	if (t->cli->comm) {
		cfg->by_comm = 1;
		strncpy(cfg->comm, t->cli->comm, sizeof(cfg->comm) - 1);
	}
}

int trace_target_fill(const struct trace_target *t, int fd)
{
	__u8 active = TF_ACTIVE, at_exec = TF_AT_EXEC;
	for (int i = 0; i < t->cli->npids; i++) {
		__u32 pid = t->cli->pids[i];
		if (bpf_map_update_elem(fd, &pid, &active, BPF_ANY))
			return -errno;
	}
	if (t->launched) {
		__u32 pid = t->child.pid;
		if (bpf_map_update_elem(fd, &pid, t->program_from_exec ? &at_exec : &active, BPF_ANY))
			return -errno;
	}
	return 0;
}

int trace_target_attach_filter(const struct bpf_object_skeleton *s)
{
	for (int i = 0; i < s->prog_cnt; i++) {
		const struct bpf_prog_skeleton *p = &s->progs[i];
		if (strncmp(p->name, "memmon_filter_", 14))
			continue;
		*p->link = bpf_program__attach(*p->prog);
		if (!*p->link)
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

void trace_target_warn_children(const char *cmd, unsigned long long not_followed)
{
	if (not_followed)
		fprintf(stderr, "memmon %s: %llu child processes not traced (pid table full)\n", cmd,
			not_followed);
}
