/* test_request.c - query strings, bodies, cookies, paths: hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "request.h"

static struct arena a;

static int
setup(void **state)
{
	(void)state;
	arena_init(&a, 4096, 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&a);
	return 0;
}

static enum kq_outcome
parse(const char *s, struct params *p)
{
	return urlencoded_parse(&a, s, strlen(s), p);
}

static void
decodes_and_keeps_repeats(void **state)
{
	struct params p;
	(void)state;

	assert_int_equal(parse("a=1&b=x+y%20z&a=2&empty=&flag", &p), KQ_OK);
	assert_int_equal(p.n, 5);
	assert_string_equal(params_get(&p, "a"), "1");
	assert_string_equal(p.v[2].value, "2");
	assert_string_equal(params_get(&p, "b"), "x y z");
	assert_string_equal(params_get(&p, "empty"), "");
	assert_string_equal(params_get(&p, "flag"), "");
	assert_null(params_get(&p, "missing"));
	assert_int_equal(parse("name=%E5%8D%A1%E5%88%B8", &p), KQ_OK);
	assert_string_equal(params_get(&p, "name"), "卡券");
	assert_int_equal(parse("", &p), KQ_OK);
	assert_int_equal(p.n, 0);
	assert_int_equal(parse("&&a=1&", &p), KQ_OK);
	assert_int_equal(p.n, 1);
}

static void
rejects_malformed(void **state)
{
	static const char *bad[] = {
		"a=%", "a=%4", "a=%zz", "=1", "%00=1", "a%3Db=1",
		"a=%FF",		/* invalid UTF-8 */
		"a=%C0%AF",		/* overlong */
		"a=%ED%A0%80",		/* surrogate */
		"a=%00",		/* NUL in a value */
		"a=x%01y",		/* control character */
		"n<script>=1",
		NULL
	};
	struct params p;
	(void)state;

	for (const char **s = bad; *s != NULL; s++)
		if (parse(*s, &p) != KQ_BAD_REQUEST)
			fail_msg("accepted \"%s\"", *s);
}

static void
limits_hold(void **state)
{
	struct params	p;
	char		buf[MAX_PARAMS * 4 + 16], name[MAX_NAME + 8];
	size_t		o = 0;
	(void)state;

	for (int i = 0; i <= MAX_PARAMS; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "a=%d&", i % 10);
	assert_int_equal(urlencoded_parse(&a, buf, o, &p), KQ_TOO_LARGE);

	memset(name, 'n', MAX_NAME + 1);
	strcpy(name + MAX_NAME + 1, "=1");
	assert_int_equal(parse(name, &p), KQ_BAD_REQUEST);
	name[MAX_NAME] = '=';
	name[MAX_NAME + 1] = '\0';
	assert_int_equal(parse(name, &p), KQ_OK);
}

/* Walks every allocation of a parse: allocation N fails, for N = 0, 1, ...
 * until the parse needs no more than N.  Each failure must be reported as
 * KQ_UNAVAILABLE (never a crash, never a half-filled success), and the walk
 * must see failures before the first success. */
static void
out_of_memory_is_not_a_crash(void **state)
{
	struct params	p;
	enum kq_outcome	s;
	long		n, failures = 0;
	(void)state;

	for (n = 0; n < 1000; n++) {
		arena_reset(&a);
		a.fail_countdown = n;
		s = parse("a=1&b=2&c=%41%42&d=4", &p);
		if (s == KQ_OK)
			break;
		assert_int_equal(s, KQ_UNAVAILABLE);
		assert_int_equal(a.fail_countdown, 0);	/* it did fail */
		failures++;
	}
	a.fail_countdown = -1;
	assert_true(failures >= 5);	/* one per pair at least */
	assert_int_equal(s, KQ_OK);
	assert_int_equal(p.n, 4);
	assert_string_equal(params_get(&p, "c"), "AB");
}

static void
cookies(void **state)
{
	const char *h = "kq_pre=abc; kq_member=tok123;kq_flash=ok.logged_out ; x=1";
	(void)state;

	assert_string_equal(cookie_get(&a, h, "kq_member"), "tok123");
	assert_string_equal(cookie_get(&a, h, "kq_pre"), "abc");
	assert_string_equal(cookie_get(&a, h, "kq_flash"), "ok.logged_out");
	assert_null(cookie_get(&a, h, "kq_admin"));
	assert_null(cookie_get(&a, h, "kq"));		/* no prefix matches */
	assert_null(cookie_get(&a, NULL, "x"));
	assert_string_equal(cookie_get(&a, "a=", "a"), "");
}

static void
paths(void **state)
{
	(void)state;
	assert_true(path_acceptable("/user/vouchers/12"));
	assert_false(path_acceptable(""));
	assert_false(path_acceptable("user"));
	assert_false(path_acceptable("//evil"));
	assert_false(path_acceptable("/a/../b"));
	assert_false(path_acceptable("/a b"));
	assert_false(path_acceptable("/\xe5\x8d\xa1"));
}

/* A record of TYPE with CONTENT (clen bytes) at out; its length. */
static size_t
record(unsigned char *out, int type, const void *content, size_t clen)
{
	out[0] = 1;
	out[1] = (unsigned char)type;
	out[2] = 0;
	out[3] = 1;
	out[4] = (unsigned char)(clen >> 8);
	out[5] = (unsigned char)clen;
	out[6] = out[7] = 0;
	memcpy(out + 8, content, clen);
	return 8 + clen;
}

static void
fastcgi_records_are_screened(void **state)
{
	static unsigned char	buf[FCGI_SCREEN_CAP + 60100], filler[60000];
	static const unsigned char begin[8] = { 0, 1, 0 };
	/* "REQUEST_METHOD" = "GET" */
	static const unsigned char pair[] = "\x0e\x03REQUEST_METHODGET";
	/* a name length of 0x7fffffff: what made libfcgi assert */
	static const unsigned char huge[] = "\xff\xff\xff\xff\x03" "abc";
	size_t			n = 0, i;
	(void)state;

	n += record(buf + n, 1, begin, 8);
	n += record(buf + n, 4, pair, sizeof(pair) - 1);
	for (i = 0; i < n; i++)		/* every prefix waits for more */
		assert_int_equal(fcgi_screen(buf, i), FCGI_SCREEN_MORE);
	n += record(buf + n, 4, "", 0);
	assert_int_equal(fcgi_screen(buf, n), FCGI_SCREEN_OK);
	/* the body follows: whole only with the end of STDIN there too */
	i = n;
	n += record(buf + n, 5, "a=1", 3);
	assert_int_equal(fcgi_screen(buf, n - 1), FCGI_SCREEN_OK);
	assert_int_equal(fcgi_screen(buf, n), FCGI_SCREEN_OK);
	n += record(buf + n, 5, "", 0);
	assert_int_equal(fcgi_screen(buf, n - 1), FCGI_SCREEN_OK);
	assert_int_equal(fcgi_screen(buf, n), FCGI_SCREEN_WHOLE);
	assert_int_equal(fcgi_screen(buf, i + 8), FCGI_SCREEN_OK);

	n = record(buf, 1, begin, 8);
	n += record(buf + n, 4, huge, sizeof(huge) - 1);
	n += record(buf + n, 4, "", 0);
	assert_int_equal(fcgi_screen(buf, n), FCGI_SCREEN_BAD);

	/* a pair split across two PARAMS records is fine */
	n = record(buf, 1, begin, 8);
	n += record(buf + n, 4, pair, 5);
	n += record(buf + n, 4, pair + 5, sizeof(pair) - 1 - 5);
	n += record(buf + n, 4, "", 0);
	assert_int_equal(fcgi_screen(buf, n), FCGI_SCREEN_OK);

	/* PARAMS before BEGIN_REQUEST, a stray type, a wrong version */
	n = record(buf, 4, pair, sizeof(pair) - 1);
	assert_int_equal(fcgi_screen(buf, n), FCGI_SCREEN_BAD);
	n = record(buf, 1, begin, 8);
	n += record(buf + n, 5, "x", 1);
	assert_int_equal(fcgi_screen(buf, n), FCGI_SCREEN_BAD);
	buf[0] = 2;
	assert_int_equal(fcgi_screen(buf, n), FCGI_SCREEN_BAD);

	/* more params than we take, without waiting for all of them */
	n = record(buf, 1, begin, 8);
	while (n < FCGI_SCREEN_CAP)
		n += record(buf + n, 4, filler, sizeof(filler));
	assert_int_equal(fcgi_screen(buf, n), FCGI_SCREEN_BAD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_and_keeps_repeats),
		cmocka_unit_test(rejects_malformed),
		cmocka_unit_test(limits_hold),
		cmocka_unit_test(out_of_memory_is_not_a_crash),
		cmocka_unit_test(cookies),
		cmocka_unit_test(paths),
		cmocka_unit_test(fastcgi_records_are_screened),
	};
	return cmocka_run_group_tests_name("request", tests, setup, teardown);
}
