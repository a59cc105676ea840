#include "core/launch.h"
#include "core/report_out.h"
#include "core/loop.h"
#include "proc/proc_libs.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* The reaper: a small process that outlives memmon. It waits on a pipe from memmon; at EOF
 * without memmon's "done" (memmon died, even by SIGKILL) it kills the program's process
 * group and its cgroup. Either way it removes the cgroup once it is empty: a process that
 * left its parent is reaped by init, in init's time, and until then the cgroup stays. It holds no other file and ignores the
 * signals aimed at memmon's terminal or group, so it is still there when it is needed. */
static pid_t start_reaper(pid_t pgid, struct launch_cgroup *cg, int *fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid_t r = fork();
	if (r < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (r == 0) {
		static const int ignored[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN,
					       SIGTTOU, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM };
		for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
			signal(ignored[i], SIG_IGN);
		setpgid(0, 0);
		int keep = p[0];
		if (keep > 0)
			close_range(0, (unsigned)keep - 1, 0);
		close_range((unsigned)keep + 1, ~0U, 0);
		prctl(PR_SET_NAME, "memmon-reaper");
		char c = 0;
		ssize_t n;
		while ((n = read(keep, &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1 || c != 'd')
			kill(-pgid, SIGKILL);
		launch_cgroup_remove(cg, 30 * 1000);
		_exit(0);
	}
	close(p[0]);
	*fd = p[1];
	return r;
}

/* Gives the terminal back to memmon's group (it was the program's while it ran). */
static void take_back_terminal(struct launch *l)
{
	if (!l->took_terminal)
		return;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGTTOU, &ign, &old); /* memmon is in the background until this is done */
	tcsetpgrp(STDIN_FILENO, getpgrp());
	sigaction(SIGTTOU, &old, NULL);
	l->took_terminal = false;
}

int launch_prepare(struct launch *l, char **argv, const char *cmd)
{
	return launch_prepare_flags(l, argv, cmd, 0);
}

int launch_prepare_flags(struct launch *l, char **argv, const char *cmd, unsigned flags)
{
	int go[2], err[2];
	/* with -o the JSON goes to its file: the program's stdout can stay where it was */
	bool to_stderr = (flags & LAUNCH_STDOUT_TO_STDERR) && !report_out_path();
	memset(l, 0, sizeof(*l));
	if (!argv || !argv[0]) {
		fprintf(stderr, "memmon %s: no program after --\n", cmd);
		return -EINVAL;
	}
	/* Found and executable before anything is set up: the error names the program. */
	char path[PATH_MAX];
	int rerr = resolve_program(argv[0], path, sizeof(path));
	if (rerr) {
		fprintf(stderr, "memmon %s: cannot execute program '%s': %s\n", cmd, argv[0],
			strerror(-rerr));
		return rerr;
	}
	l->prog = argv[0];
	if (pipe2(go, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		fprintf(stderr, "memmon %s: pipe: %s\n", cmd, strerror(errno));
		return -errno;
	}
	/* A program run from a terminal reads it and gets its Ctrl-C as it would without
	 * memmon: its group becomes the terminal's foreground when memmon's was. */
	bool foreground = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "memmon %s: fork: %s\n", cmd, strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		char c = 0;
		ssize_t n;
		close(go[1]);
		close(err[0]);
		/* Its own process group, which memmon ends whole; killed if memmon dies, however
		 * it dies (the signal survives the exec of a program that is not set-uid). */
		setpgid(0, 0);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(127);
		while ((n = read(go[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1 || c != 'g')
			_exit(127); /* memmon died before attaching its probes: do not run untraced */
		if (foreground) {
			signal(SIGTTOU, SIG_IGN);
			tcsetpgrp(STDIN_FILENO, getpid());
			signal(SIGTTOU, SIG_DFL);
		}
		signal(SIGPIPE, SIG_DFL);
		if (to_stderr)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		int e = errno;
		if (write(err[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(err[1]);
	setpgid(pid, pid); /* also here: whichever runs first, the group exists after fork */
	l->pid = l->pgid = pid;
	/* and its cgroup, before it can start anything: what leaves the group stays there */
	launch_cgroup_enter(&l->cgroup, pid);
	l->go_fd = go[1];
	l->err_fd = err[0];
	l->took_terminal = foreground;
	l->reaper = start_reaper(pid, &l->cgroup, &l->reaper_fd);
	if (l->reaper < 0) {
		fprintf(stderr, "memmon %s: fork: %s\n", cmd, strerror(errno));
		launch_abort(l);
		return -EAGAIN;
	}
	/* Tracing is a convenience for symbolization, not a requirement; EXITKILL: a tracer
	 * that dies takes the program with it. */
	if (ptrace(PTRACE_SEIZE, pid, 0,
		   PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) == 0)
		l->traced = true;
	return 0;
}

int launch_release(struct launch *l, const char *cmd)
{
	int e = 0;
	if (loop_interrupted()) { /* Ctrl-C or SIGTERM during set-up: the program never runs */
		fprintf(stderr, "memmon %s: interrupted before the program started; it was not run\n",
			cmd);
		launch_abort(l);
		return -EINTR;
	}
	if (write(l->go_fd, "g", 1) != 1) {
		fprintf(stderr, "memmon %s: cannot release the program: %s\n", cmd, strerror(errno));
		launch_abort(l);
		return -EIO;
	}
	close(l->go_fd);
	l->go_fd = -1;
	/* While exec has not happened the child cannot stop at the exec event, so reading
	 * the error pipe here cannot deadlock; EOF means exec succeeded. */
	ssize_t n;
	while ((n = read(l->err_fd, &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(l->err_fd);
	l->err_fd = -1;
	if (n == (ssize_t)sizeof(e)) {
		fprintf(stderr, "memmon %s: cannot execute program '%s': %s\n", cmd,
			l->prog ? l->prog : "?", strerror(e));
		int st;
		waitpid(l->pid, &st, __WALL);
		l->exited = true;
		l->status = st;
		return -e;
	}
	return 0;
}

bool launch_poll(struct launch *l, void (*on_stop)(pid_t pid, void *ctx), void *ctx)
{
	int st;
	while (!l->exited) {
		/* Exited but not reaped: its group is killed now, while the zombie still holds the
		 * group's number (once reaped, the number could name another group). */
		siginfo_t si = { 0 };
		if (waitid(P_PID, (id_t)l->pid, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 &&
		    si.si_pid == l->pid &&
		    (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)) {
			kill(-l->pgid, SIGKILL); /* (a tracee's stops are reported here too) */
			launch_cgroup_kill(&l->cgroup);
		}
		pid_t r = waitpid(l->pid, &st, WNOHANG | __WALL);
		if (r <= 0)
			break;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			l->exited = true;
			l->status = st;
			take_back_terminal(l);
			break;
		}
		if (!WIFSTOPPED(st))
			continue;
		int event = (unsigned)st >> 16;
		int sig = WSTOPSIG(st);
		if (event == PTRACE_EVENT_EXIT || event == PTRACE_EVENT_EXEC) {
			l->last_stop = event;
			if (on_stop)
				on_stop(l->pid, ctx);
			ptrace(PTRACE_CONT, l->pid, 0, 0);
		} else if (event == PTRACE_EVENT_STOP) {
			ptrace(PTRACE_LISTEN, l->pid, 0, 0); /* group stop: stay stopped */
		} else {
			/* A signal on its way to the program: capture the mappings first in case
			 * it is fatal (abort() after a double free), then deliver it. */
			l->last_stop = 0;
			if (on_stop && (sig == SIGABRT || sig == SIGSEGV || sig == SIGBUS))
				on_stop(l->pid, ctx);
			ptrace(PTRACE_CONT, l->pid, 0, sig);
		}
	}
	return l->exited;
}

void launch_signal(struct launch *l, int sig)
{
	if (l->pgid > 0)
		kill(-l->pgid, sig);
}

void launch_abort(struct launch *l)
{
	if (l->pid <= 0)
		return;
	/* the program and whatever it started in its group: nothing runs on untraced (once
	 * it exited, launch_poll killed the group) */
	if (!l->exited) {
		kill(-l->pgid, SIGKILL);
		kill(l->pid, SIGKILL); /* also if it left the group (setsid) */
	}
	launch_cgroup_kill(&l->cgroup); /* what left the group, where there is a cgroup */
	if (l->go_fd >= 0)
		close(l->go_fd);
	if (l->err_fd >= 0)
		close(l->err_fd);
	l->go_fd = l->err_fd = -1;
	if (!l->exited) {
		waitpid(l->pid, &l->status, __WALL);
		l->exited = true;
	}
	take_back_terminal(l);
	bool removed = launch_cgroup_remove(&l->cgroup, 200);
	if (l->reaper > 0) { /* its work is done: it leaves without killing */
		if (write(l->reaper_fd, "d", 1) != 1) { /* it then kills a group already gone */ }
		close(l->reaper_fd);
		if (removed) /* else it stays to remove the cgroup when init has reaped the rest */
			waitpid(l->reaper, NULL, 0);
		l->reaper = 0;
	}
}

int launch_exit_code(const struct launch *l)
{
	if (WIFEXITED(l->status))
		return WEXITSTATUS(l->status);
	if (WIFSIGNALED(l->status))
		return 128 + WTERMSIG(l->status);
	return 0;
}
