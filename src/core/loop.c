#include "core/cli.h"
#include "core/loop.h"
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	if (sig != SIGCHLD)
		stop_signal = sig;
}

void loop_install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: wake epoll_wait */
	/* What a terminal (Ctrl-C, Ctrl-\\, hang-up) and a supervisor (TERM, USR1/2, ALRM
	 * from timeout(1) or a watchdog) send ends tracing with a report, never memmon outright,
	 * which would leave a launched program running untraced. */
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM };
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool loop_interrupted(void)
{
	return stop_signal != 0;
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool all_pids_gone(const struct loop *l)
{
	if (!l->npids)
		return false;
	for (int i = 0; i < l->npids; i++)
		if (pid_running(l->pids[i]))
			return false;
	return true;
}

/* Lets a launched program that is still running end on its own for up to 2 s. */
static void finish_child(struct loop *l)
{
	double until = now_seconds() + 2;
	while (l->child && !launch_poll(l->child, l->on_child_stop, l->ctx) && now_seconds() < until) {
		if (l->events)
			events_poll(l->events, 20);
		else
			nanosleep(&(struct timespec){ 0, 20 * 1000000L }, NULL);
		if (l->on_tick && l->tick_ms) /* a command that drains on every tick */
			l->on_tick(l->ctx);
	}
	if (l->events)
		events_drain(l->events);
}

enum loop_end loop_run(struct loop *l)
{
	double start = now_seconds(), next = l->interval > 0 ? start + l->interval : 0;
	for (;;) {
		if (stop_signal) {
			/* the program is in its own process group: it gets what memmon got (the
			 * signals that mean nothing to it as SIGTERM), then 2 s to end */
			int sig = stop_signal;
			if (l->child && !l->child->exited)
				launch_signal(l->child, sig == SIGINT || sig == SIGHUP || sig == SIGQUIT ?
							sig : SIGTERM);
			finish_child(l);
			return LOOP_SIGNAL;
		}
		if (ferror(stdout))
			return LOOP_OUTPUT_CLOSED;
		double t = now_seconds();
		if (l->duration > 0 && t - start >= l->duration)
			return LOOP_DURATION;
		if (l->child && launch_poll(l->child, l->on_child_stop, l->ctx)) {
			if (l->events)
				events_drain(l->events);
			return LOOP_PROGRAM_EXITED;
		}
		if (all_pids_gone(l)) {
			if (l->events)
				events_drain(l->events);
			return LOOP_PIDS_EXITED;
		}
		if (next && t >= next) {
			if (l->events)
				events_drain(l->events);
			if (l->on_interval)
				l->on_interval(l->ctx);
			next += l->interval;
			if (next < t)
				next = t + l->interval;
		}
		int timeout = l->tick_ms > 0 ? l->tick_ms : 100;
		if (l->events) {
			if (events_poll(l->events, timeout) < 0)
				return LOOP_ERROR;
		} else {
			struct timespec ts = { 0, timeout * 1000000L };
			nanosleep(&ts, NULL);
		}
		if (l->on_tick)
			l->on_tick(l->ctx);
	}
}

const char *loop_end_reason(enum loop_end e)
{
	switch (e) {
	case LOOP_SIGNAL: return "interrupted";
	case LOOP_DURATION: return "duration elapsed";
	case LOOP_PROGRAM_EXITED: return "program exited";
	case LOOP_PIDS_EXITED: return "traced processes exited";
	case LOOP_OUTPUT_CLOSED: return "output closed";
	default: return "error";
	}
}

void loop_sleep_until(double until)
{
	while (!loop_interrupted()) {
		double left = until - now_seconds();
		if (left <= 0)
			return;
		if (left > 0.1)
			left = 0.1; /* Ctrl-C is noticed within 0.1 s */
		struct timespec ts = { 0, (long)(left * 1e9) };
		nanosleep(&ts, NULL);
	}
}
