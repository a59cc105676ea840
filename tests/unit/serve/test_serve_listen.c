/* --listen: which addresses are accepted, which refused and why, and what a busy port says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "serve/serve_listen.h"

static void accepted(const char *arg, const char *text, bool loopback)
{
	struct serve_listen l;
	char err[256] = "";
	if (serve_listen_parse(arg, &l, err, sizeof(err)))
		fail_msg("'%s' refused: %s", arg, err);
	assert_string_equal(l.text, text);
	assert_int_equal(l.loopback, loopback);
}

static void refused(const char *arg, const char *why)
{
	struct serve_listen l;
	char err[256] = "";
	assert_int_equal(serve_listen_parse(arg, &l, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fail_msg("'%s': expected '%s' in '%s'", arg, why, err);
}

static void test_loopback(void **state)
{
	accepted("127.0.0.1:9433", "127.0.0.1:9433", true);
	accepted("127.5.6.7:1", "127.5.6.7:1", true);
	accepted("[::1]:65535", "[::1]:65535", true);
	/* localhost: 127.0.0.1 or ::1, whichever the resolver gives first */
	struct serve_listen l;
	char err[256] = "";
	assert_int_equal(serve_listen_parse("localhost:9100", &l, err, sizeof(err)), 0);
	assert_true(l.loopback);
	assert_true(!strcmp(l.text, "127.0.0.1:9100") || !strcmp(l.text, "[::1]:9100"));
	/* inet_aton's short form, resolved by getaddrinfo: loopback, so accepted */
	accepted("127.1:9100", "127.0.0.1:9100", true);
}

static void test_named_non_loopback(void **state)
{
	/* numbers name the address: accepted, and marked as not loopback */
	accepted("0.0.0.0:9433", "0.0.0.0:9433", false);
	accepted("192.0.2.10:80", "192.0.2.10:80", false);
	accepted("[::]:9433", "[::]:9433", false);
	accepted("[2001:db8::1]:9433", "[2001:db8::1]:9433", false);
}

static void test_refused(void **state)
{
	refused(":9433", "names no address");
	refused("9433", "not ADDR:PORT");
	refused("", "not ADDR:PORT");
	refused("127.0.0.1:", "the port must be a number from 1 to 65535");
	refused("127.0.0.1:0", "from 1 to 65535");
	refused("127.0.0.1:65536", "from 1 to 65535");
	refused("127.0.0.1:-1", "from 1 to 65535");
	refused("127.0.0.1:80x", "from 1 to 65535");
	refused("127.0.0.1:000080", "from 1 to 65535");
	refused("::1:9433", "an IPv6 address goes in brackets, [::1]:9433");
	refused("[::1:9433", "brackets");
	refused("[127.0.0.1]:9433", "'127.0.0.1' is not an IPv6 address");
	/* a name that resolves to a non-loopback address is not that address named */
	refused("10.1:9433", "'10.1' resolves to 10.0.0.1, which is not a loopback address");
	refused("10.1:9433", "--listen 10.0.0.1:9433");
	refused("no-such-host.invalid:9433", "cannot resolve 'no-such-host.invalid'");
}

static void test_port_in_use(void **state)
{
	struct serve_listen l;
	char err[256] = "";
	assert_int_equal(serve_listen_parse("127.0.0.1:1", &l, err, sizeof(err)), 0);
	((struct sockaddr_in *)&l.addr)->sin_port = 0; /* any free port */
	int fd = serve_listen_open(&l, err, sizeof(err));
	assert_true(fd >= 0);
	struct sockaddr_in got;
	socklen_t len = sizeof(got);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&got, &len), 0);
	((struct sockaddr_in *)&l.addr)->sin_port = got.sin_port;
	snprintf(l.text, sizeof(l.text), "127.0.0.1:%u", ntohs(got.sin_port));
	assert_int_equal(serve_listen_open(&l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "address already in use"));
	assert_non_null(strstr(err, l.text));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback), cmocka_unit_test(test_named_non_loopback),
		cmocka_unit_test(test_refused), cmocka_unit_test(test_port_in_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
