#include "core/launch.h"
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
#include <unistd.h>

int launch_prepare(struct launch *l, char **argv, const char *cmd)
{
	return launch_prepare_flags(l, argv, cmd, 0);
}

int launch_prepare_flags(struct launch *l, char **argv, const char *cmd, unsigned flags)
{
	int go[2], err[2];
	bool to_stderr = flags & LAUNCH_STDOUT_TO_STDERR;
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
		/* memmon gone, however it died (SIGKILL, a crash): the program does not run on
		 * untraced (the signal survives the exec of a program that is not set-uid) */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(127);
		while ((n = read(go[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1 || c != 'g')
			_exit(127); /* memmon died before attaching its probes: do not run untraced */
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
	l->pid = pid;
	l->go_fd = go[1];
	l->err_fd = err[0];
	/* Tracing is a convenience for symbolization, not a requirement. */
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC) == 0)
		l->traced = true;
	return 0;
}

int launch_release(struct launch *l, const char *cmd)
{
	int e = 0;
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
		waitpid(l->pid, &st, 0);
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
		pid_t r = waitpid(l->pid, &st, WNOHANG | __WALL);
		if (r <= 0)
			break;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			l->exited = true;
			l->status = st;
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

void launch_abort(struct launch *l)
{
	if (l->pid <= 0 || l->exited)
		return;
	kill(l->pid, SIGKILL);
	if (l->go_fd >= 0)
		close(l->go_fd);
	if (l->err_fd >= 0)
		close(l->err_fd);
	waitpid(l->pid, &l->status, __WALL);
	l->exited = true;
}

int launch_exit_code(const struct launch *l)
{
	if (WIFEXITED(l->status))
		return WEXITSTATUS(l->status);
	if (WIFSIGNALED(l->status))
		return 128 + WTERMSIG(l->status);
	return 0;
}
