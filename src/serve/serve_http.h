/* The HTTP side of `memmon serve` (libmicrohttpd, a thread per connection): routes
 * GET /, /metrics and /debug/pprof/heap to the server's handlers, answers 404 for any
 * other path, 405 for any other method, 400 for bad query arguments. */
#ifndef MEMMON_SERVE_HTTP_H
#define MEMMON_SERVE_HTTP_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A response a handler made: body (malloc'd, the server frees it), its type, a status. */
struct serve_reply {
	unsigned status;
	const char *content_type;
	char *body;
	size_t len;
	const char *disposition; /* Content-Disposition, or NULL */
};

struct serve_handlers {
	void *ctx;
	/* /metrics: fills r (status 200, or 500 with why). */
	void (*metrics)(void *ctx, struct serve_reply *r);
	/* /debug/pprof/heap with its checked arguments: pid exists, seconds in range. */
	void (*heap)(void *ctx, pid_t pid, int seconds, struct serve_reply *r);
};

#define SERVE_HEAP_DEFAULT_SECONDS 10
#define SERVE_HEAP_MAX_SECONDS 300

struct serve_http;
/* Serves on the listening socket fd (taken over) until serve_http_stop. NULL, with why
 * on stderr, if libmicrohttpd cannot start. */
struct serve_http *serve_http_start(int fd, bool ipv6, const struct serve_handlers *h);
/* Stops accepting connections; those open are still served. */
void serve_http_quiesce(struct serve_http *s);
/* Waits up to 10 s for the requests being answered, then stops. */
void serve_http_stop(struct serve_http *s);

/* A text reply with a formatted body (for errors and the index). */
void serve_reply_text(struct serve_reply *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
