#include "serve/serve_http.h"
#include "core/cli.h"
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Connections served at once; a heap profile holds one for its seconds. */
#define SERVE_MAX_CONNECTIONS 32
#define SERVE_CONNECTION_TIMEOUT_S 30

/* How long the server's end waits for the replies being made (a heap profile cut short
 * still answers). */
#define SERVE_DRAIN_S 10

struct serve_http {
	struct MHD_Daemon *d;
	struct serve_handlers h;
	pthread_mutex_t lock;
	int active; /* requests between their first call and their completion */
	char seen, answered; /* their addresses mark a request's state in *con_cls */
};

void serve_reply_text(struct serve_reply *r, unsigned status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *body = NULL;
	int n = vasprintf(&body, fmt, ap);
	va_end(ap);
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	r->body = n < 0 ? NULL : body;
	r->len = n < 0 ? 0 : (size_t)n;
}

static const char INDEX[] =
	"memmon serve\n"
	"  /metrics                             Prometheus metrics (memmon serve --help lists them)\n"
	"  /debug/pprof/heap?pid=N&seconds=S    outstanding allocations of process N after\n"
	"                                       tracing it for S seconds, as a pprof heap profile\n";

static void heap_route(struct serve_http *s, struct MHD_Connection *c, struct serve_reply *r)
{
	const char *pid_arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "pid");
	const char *sec_arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "seconds");
	long pid, secs = SERVE_HEAP_DEFAULT_SECONDS;
	if (!pid_arg) {
		serve_reply_text(r, MHD_HTTP_BAD_REQUEST, "missing ?pid=N: the process to profile\n");
		return;
	}
	if (cli_parse_pid(pid_arg, &pid)) {
		serve_reply_text(r, MHD_HTTP_BAD_REQUEST, "invalid pid '%s': a process id, 1 or more\n",
				 pid_arg);
		return;
	}
	if (sec_arg && cli_parse_long(sec_arg, 1, SERVE_HEAP_MAX_SECONDS, &secs)) {
		serve_reply_text(r, MHD_HTTP_BAD_REQUEST,
				 "invalid seconds '%s': a whole number from 1 to %d\n", sec_arg,
				 SERVE_HEAP_MAX_SECONDS);
		return;
	}
	if (!pid_running((pid_t)pid)) {
		serve_reply_text(r, MHD_HTTP_NOT_FOUND, "pid %ld does not exist\n", pid);
		return;
	}
	if (pid_is_kernel_thread((pid_t)pid)) {
		serve_reply_text(r, MHD_HTTP_BAD_REQUEST, "pid %ld is a kernel thread: it has no heap\n",
				 pid);
		return;
	}
	s->h.heap(s->h.ctx, (pid_t)pid, (int)secs, r);
}

static void route(struct serve_http *s, struct MHD_Connection *c, const char *url,
		  struct serve_reply *r)
{
	if (!strcmp(url, "/metrics"))
		s->h.metrics(s->h.ctx, r);
	else if (!strcmp(url, "/debug/pprof/heap"))
		heap_route(s, c, r);
	else if (!strcmp(url, "/"))
		serve_reply_text(r, MHD_HTTP_OK, "%s", INDEX);
	else
		serve_reply_text(r, MHD_HTTP_NOT_FOUND, "no such page: %s (see /)\n", url);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct serve_http *s = cls;
	/* libmicrohttpd calls again for a request with no queued reply (one it could not
	 * queue while stopping): it was answered once, it is never worked on twice */
	if (*con_cls == &s->answered)
		return MHD_NO;
	if (!*con_cls) {
		pthread_mutex_lock(&s->lock);
		s->active++;
		pthread_mutex_unlock(&s->lock);
	}
	*con_cls = &s->answered;
	struct serve_reply r = { 0 };
	bool head = !strcmp(method, MHD_HTTP_METHOD_HEAD);
	if (!head && strcmp(method, MHD_HTTP_METHOD_GET))
		serve_reply_text(&r, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	else
		route(s, c, url, &r);
	if (!r.body && r.len == 0 && r.status == 0)
		serve_reply_text(&r, MHD_HTTP_INTERNAL_SERVER_ERROR, "no reply\n");
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(r.len, r.body ? r.body : (char *)"",
						r.body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(r.body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type);
	if (r.disposition)
		MHD_add_response_header(resp, "Content-Disposition", r.disposition);
	if (r.status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(c, r.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct serve_http *s = cls;
	if (!*con_cls)
		return;
	pthread_mutex_lock(&s->lock);
	s->active--;
	pthread_mutex_unlock(&s->lock);
	*con_cls = NULL;
}

struct serve_http *serve_http_start(int fd, bool ipv6, const struct serve_handlers *h)
{
	struct serve_http *s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return NULL;
	}
	s->h = *h;
	pthread_mutex_init(&s->lock, NULL);
	/* ITC: so the server can stop accepting (MHD_quiesce_daemon) before it stops */
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_ITC | MHD_USE_ERROR_LOG | (ipv6 ? MHD_USE_IPv6 : 0);
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_MAX_CONNECTIONS,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_CONNECTION_TIMEOUT_S,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_END);
	if (!s->d) {
		fprintf(stderr, "memmon serve: libmicrohttpd could not start its server thread\n");
		close(fd);
		free(s);
		return NULL;
	}
	return s;
}

void serve_http_quiesce(struct serve_http *s)
{
	int fd = MHD_quiesce_daemon(s->d);
	if (fd >= 0)
		close(fd);
}

void serve_http_stop(struct serve_http *s)
{
	if (!s)
		return;
	for (int i = 0; i < SERVE_DRAIN_S * 20; i++) {
		pthread_mutex_lock(&s->lock);
		int active = s->active;
		pthread_mutex_unlock(&s->lock);
		if (!active)
			break;
		nanosleep(&(struct timespec){ 0, 50 * 1000000L }, NULL);
	}
	MHD_stop_daemon(s->d); /* closes what is left, waits for the connections' threads */
	pthread_mutex_destroy(&s->lock);
	free(s);
}
