/* test_form.c - field tables give typed values or name the bad field. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "codes.h"
#include "form.h"
#include "request.h"

static struct arena a;

static const struct field fields[] = {
	{ .name = "label", .type = FT_TEXT, .maxlen = 10 },
	{ .name = "count", .type = FT_INT, .required = 1, .min = 1, .max = 100000 },
	{ .name = "price", .type = FT_MONEY, .required = 1 },
	{ .name = "valid_to", .type = FT_DATE },
	{ .name = "products", .type = FT_TEXT, .repeated = 1, .pattern = "[a-z_]{1,32}" },
};
#define NF (sizeof(fields) / sizeof(fields[0]))

static enum kq_status
run(const char *body, struct form *f)
{
	struct params p;

	assert_int_equal(urlencoded_parse(&a, body, strlen(body), &p), KQ_OK);
	return form_parse(&a, fields, NF, &p, f);
}

static void
typed_values(void **state)
{
	struct form f;
	(void)state;

	assert_int_equal(run("label=%E9%A6%99%E6%B8%AF&count=100&price=1%2C299.5"
	    "&valid_to=2028-02-29&products=cvm&products=redis", &f), KQ_OK);
	assert_null(f.bad);
	assert_string_equal(form_get(&f, "label")->s, "香港");
	assert_int_equal(form_get(&f, "count")->i, 100);
	assert_int_equal(form_get(&f, "price")->i, 129950);
	assert_int_equal(form_get(&f, "valid_to")->i, 20280229);
	assert_int_equal(form_get(&f, "products")->nlist, 2);
	assert_string_equal(form_get(&f, "products")->list[1], "redis");
	assert_false(form_get(&f, "label")->present == 0);
}

static void
names_the_bad_field_and_keeps_raw(void **state)
{
	struct form f;
	(void)state;

	assert_int_equal(run("count=0&price=10", &f), KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "count");
	assert_string_equal(form_get(&f, "count")->raw, "0");

	assert_int_equal(run("count=5&price=1.234", &f), KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "price");
	assert_string_equal(form_get(&f, "price")->raw, "1.234");

	assert_int_equal(run("count=5&price=1&valid_to=2027-02-29", &f), KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "valid_to");

	assert_int_equal(run("count=5&price=1&label=12345678901", &f), KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "label");

	assert_int_equal(run("price=1", &f), KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "count");

	assert_int_equal(run("count=5&price=1&products=cvm&products=DROP", &f),
	    KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "products");

	assert_int_equal(run("count=99999999999999999999&price=1", &f),
	    KQ_INVALID_FIELD);
}

static void
codes_fail_with_their_own_status(void **state)
{
	static const struct field cf[] = {
		{ .name = "code", .type = FT_VCODE, .required = 1 },
		{ .name = "card", .type = FT_CARD },
	};
	struct params	p;
	struct form	f;
	char		code[VCODE_LEN + 1], card[CARD_LEN + 1], body[200];
	(void)state;

	vcode_generate(code);
	card_generate(card);
	snprintf(body, sizeof(body), "code=%.6s+%.6s-%.6s&card=%s", code,
	    code + 6, code + 12, card);
	urlencoded_parse(&a, body, strlen(body), &p);
	assert_int_equal(form_parse(&a, cf, 2, &p, &f), KQ_OK);
	assert_string_equal(form_get(&f, "code")->s, code);
	assert_string_equal(form_get(&f, "card")->s, card);

	/* a typo in the last digit fails the check digit */
	snprintf(body, sizeof(body), "code=%.17s%c", code,
	    code[17] == '9' ? '0' : code[17] + 1);
	urlencoded_parse(&a, body, strlen(body), &p);
	assert_int_equal(form_parse(&a, cf, 2, &p, &f), KQ_CODE_FORMAT);
	urlencoded_parse(&a, "code=abc", 8, &p);
	assert_int_equal(form_parse(&a, cf, 2, &p, &f), KQ_CODE_FORMAT);
	snprintf(body, sizeof(body), "code=%s&card=ZZZZ", code);
	urlencoded_parse(&a, body, strlen(body), &p);
	assert_int_equal(form_parse(&a, cf, 2, &p, &f), KQ_CARD_FORMAT);
}

static void
pattern_limits_reject(void **state)
{
	/* catastrophic backtracking hits the match limit: a rejection */
	static const char evil[] = "(a+)+$";
	static const struct field ef[] = {
		{ .name = "x", .type = FT_TEXT, .pattern = evil, .maxlen = 100000 },
	};
	struct params	 p;
	struct form	 f;
	char		 body[5000];
	(void)state;

	strcpy(body, "x=");
	memset(body + 2, 'a', 4000);
	strcpy(body + 4002, "b");
	urlencoded_parse(&a, body, strlen(body), &p);
	assert_int_equal(form_parse(&a, ef, 1, &p, &f), KQ_INVALID_FIELD);
}

static void
bad_pattern_is_reported(void **state)
{
	static const char broken[] = "([a-z";
	static const struct field bf[] = {
		{ .name = "x", .type = FT_TEXT, .pattern = broken },
	};
	char err[200];
	(void)state;

	assert_int_equal(form_compile(bf, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "([a-z"));
	assert_int_equal(form_compile(fields, NF, err, sizeof(err)), 0);
}

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
	form_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typed_values),
		cmocka_unit_test(names_the_bad_field_and_keeps_raw),
		cmocka_unit_test(codes_fail_with_their_own_status),
		cmocka_unit_test(pattern_limits_reject),
		cmocka_unit_test(bad_pattern_is_reported),
	};
	return cmocka_run_group_tests_name("form", tests, setup, teardown);
}
