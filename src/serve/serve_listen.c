#include "serve/serve_listen.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool sockaddr_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
		return in6->sin6_addr.s6_addr[12] == 127;
	return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
}

static void format_addr(const struct sockaddr *sa, char *buf, size_t n)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(buf, n, "%s:%u", host, port);
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(buf, n, "[%s]:%u", host, port);
	}
}

/* The port after the last ':' of arg: 1..65535, digits only. */
static int parse_port(const char *s, unsigned *port)
{
	if (!*s || strlen(s) > 5)
		return -1;
	unsigned v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

/* Fills out from a numeric host (IPv4 or IPv6 without brackets). 0, or -1 if not numeric. */
static int numeric_host(const char *host, unsigned port, struct serve_listen *out)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&out->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->addr;
	memset(&out->addr, 0, sizeof(out->addr));
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		out->addrlen = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		out->addrlen = sizeof(*in6);
		return 0;
	}
	return -1;
}

/* A host name: accepted only if every address it resolves to is a loopback one (the first
 * is used). 0, or -1 with err. */
static int named_host(const char *host, unsigned port, struct serve_listen *out, char *err,
		      size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG };
	struct addrinfo *res = NULL;
	int r = getaddrinfo(host, NULL, &hints, &res);
	if (r) {
		snprintf(err, errlen, "cannot resolve '%s': %s", host, gai_strerror(r));
		return -1;
	}
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) ||
		    !sockaddr_loopback(a->ai_addr)) {
			char addr[80];
			format_addr(a->ai_addr, addr, sizeof(addr));
			char *colon = strrchr(addr, ':');
			if (colon)
				*colon = '\0';
			snprintf(err, errlen,
				 "'%s' resolves to %s, which is not a loopback address: to serve on "
				 "the network, give the address itself (--listen %s:%u)",
				 host, addr, addr, port);
			freeaddrinfo(res);
			return -1;
		}
	}
	memcpy(&out->addr, res->ai_addr, res->ai_addrlen);
	out->addrlen = res->ai_addrlen;
	if (res->ai_family == AF_INET)
		((struct sockaddr_in *)&out->addr)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&out->addr)->sin6_port = htons((uint16_t)port);
	freeaddrinfo(res);
	return 0;
}

int serve_listen_parse(const char *arg, struct serve_listen *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const char *colon = strrchr(arg, ':');
	if (!colon) {
		snprintf(err, errlen, "not ADDR:PORT (e.g. 127.0.0.1:%d)", SERVE_DEFAULT_PORT);
		return -1;
	}
	unsigned port;
	if (parse_port(colon + 1, &port)) {
		snprintf(err, errlen, "the port must be a number from 1 to 65535");
		return -1;
	}
	char host[256];
	size_t hlen = (size_t)(colon - arg);
	if (hlen == 0) {
		snprintf(err, errlen,
			 "names no address: give 127.0.0.1:%u for this machine only, or the "
			 "address to serve on (0.0.0.0:%u for every address)", port, port);
		return -1;
	}
	if (hlen >= sizeof(host)) {
		snprintf(err, errlen, "the address is too long");
		return -1;
	}
	memcpy(host, arg, hlen);
	host[hlen] = '\0';
	bool bracketed = host[0] == '[';
	if (bracketed) {
		if (hlen < 3 || host[hlen - 1] != ']') {
			snprintf(err, errlen, "an IPv6 address goes in brackets, [::1]:%u", port);
			return -1;
		}
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
		struct in6_addr a6;
		if (inet_pton(AF_INET6, host, &a6) != 1) {
			snprintf(err, errlen, "'%s' is not an IPv6 address", host);
			return -1;
		}
	} else if (strchr(host, ':')) {
		snprintf(err, errlen, "an IPv6 address goes in brackets, [%s]:%u", host, port);
		return -1;
	}
	if (numeric_host(host, port, out) && (bracketed || named_host(host, port, out, err, errlen)))
		return -1;
	out->loopback = sockaddr_loopback((const struct sockaddr *)&out->addr);
	format_addr((const struct sockaddr *)&out->addr, out->text, sizeof(out->text));
	return 0;
}

int serve_listen_open(const struct serve_listen *l, char *err, size_t errlen)
{
	int fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open a socket: %s", l->text, strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) || listen(fd, 64)) {
		int e = errno;
		if (e == EADDRINUSE)
			snprintf(err, errlen,
				 "%s: address already in use (another server listens there): "
				 "choose another port with --listen", l->text);
		else if (e == EADDRNOTAVAIL)
			snprintf(err, errlen, "%s: no interface of this machine has that address",
				 l->text);
		else
			snprintf(err, errlen, "%s: cannot listen: %s", l->text, strerror(e));
		close(fd);
		return -1;
	}
	return fd;
}
