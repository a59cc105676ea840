/* Where `memmon serve` listens: --listen ADDR:PORT checked and turned into a socket
 * address. Loopback by default; a non-loopback address only when --listen names it as a
 * number (192.0.2.10:9433, 0.0.0.0:9433 for every address), never through a host name
 * that happens to resolve to one, nor through ":PORT" (which names no address). */
#ifndef MEMMON_SERVE_LISTEN_H
#define MEMMON_SERVE_LISTEN_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define SERVE_DEFAULT_PORT 9433
#define SERVE_DEFAULT_LISTEN "127.0.0.1:9433"

struct serve_listen {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool loopback;
	char text[80]; /* "127.0.0.1:9433", "[::1]:9433": for messages */
};

/* Parses "ADDR:PORT" (IPv4, [IPv6], or a host name that resolves only to loopback
 * addresses, such as localhost). 0, or -1 with why in err (a sentence without "memmon" or arg itself). */
int serve_listen_parse(const char *arg, struct serve_listen *out, char *err, size_t errlen);
/* A bound, listening TCP socket for l (SO_REUSEADDR, close-on-exec). The fd, or -1 with why
 * in err ("127.0.0.1:9433: address already in use ..."). */
int serve_listen_open(const struct serve_listen *l, char *err, size_t errlen);

#endif
