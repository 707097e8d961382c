/* test_form.c - field tables give typed values or name the bad field. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/codes.h"
#include "web/form.h"
#include "request.h"

static struct arena a;

static const struct option colours[] = {
	{ "red", "红" }, { "a.b", "点" }, { "green", "绿" }, { NULL, NULL }
};
enum { F_LABEL, F_COUNT, F_PRICE, F_VALID_TO, F_PRODUCTS, F_COLOUR, F__MAX };
static const struct field fields[F__MAX] = {
	[F_LABEL] = { .name = "label", .type = FT_TEXT, .maxlen = 10 },
	[F_COUNT] = { .name = "count", .type = FT_INT, .required = 1, .min = 1,
	  .max = 100000 },
	[F_PRICE] = { .name = "price", .type = FT_MONEY, .required = 1 },
	[F_VALID_TO] = { .name = "valid_to", .type = FT_DATE },
	[F_PRODUCTS] = { .name = "products", .type = FT_TEXT, .repeated = 1,
	  .pattern = "[a-z_]{1,32}" },
	[F_COLOUR] = { .name = "colour", .type = FT_OPTION, .options = colours },
};
static const struct form_def form = FORM_DEF(fields);

static enum kq_outcome
parse_with(const struct form_def *d, const char *body, struct form *f)
{
	struct params p;

	assert_int_equal(urlencoded_parse(&a, body, strlen(body), &p), KQ_OK);
	return form_parse(&a, d, &p, f);
}

static enum kq_outcome
run(const char *body, struct form *f)
{
	return parse_with(&form, body, f);
}

static void
typed_values(void **state)
{
	struct form f;
	(void)state;

	assert_int_equal(run("label=%E9%A6%99%E6%B8%AF&count=100&price=1%2C299.5"
	    "&valid_to=2028-02-29&products=cvm&products=redis", &f), KQ_OK);
	assert_null(f.bad);
	assert_string_equal(f.v[F_LABEL].s, "香港");
	assert_int_equal(f.v[F_COUNT].i, 100);
	assert_int_equal(f.v[F_PRICE].i, 129950);
	assert_int_equal(f.v[F_VALID_TO].i, 20280229);
	assert_int_equal(f.v[F_PRODUCTS].nlist, 2);
	assert_string_equal(f.v[F_PRODUCTS].list[1], "redis");
	assert_string_equal(form_join(&a, &f, F_PRODUCTS), "cvm,redis");
	assert_true(f.v[F_LABEL].present);
	assert_false(f.v[F_COLOUR].present);
	assert_int_equal(form_int(&f, F_COLOUR, -1), -1);
}

/* SPEC §2: no bidi overrides, isolates, zero widths or other invisible
 * format characters, and no C1 controls, in any text field */
static void
text_refuses_invisible_format_characters(void **state)
{
	static const char *bad[] = {
		"%E2%80%AE",		/* U+202E RIGHT-TO-LEFT OVERRIDE */
		"%E2%80%AA",		/* U+202A LEFT-TO-RIGHT EMBEDDING */
		"%E2%81%A6",		/* U+2066 LEFT-TO-RIGHT ISOLATE */
		"%E2%81%A9",		/* U+2069 POP DIRECTIONAL ISOLATE */
		"%E2%80%8B",		/* U+200B ZERO WIDTH SPACE */
		"%E2%80%8F",		/* U+200F RIGHT-TO-LEFT MARK */
		"%EF%BB%BF",		/* U+FEFF BOM */
		"%E2%80%A8",		/* U+2028 LINE SEPARATOR */
		"%C2%85",		/* U+0085 NEXT LINE (C1) */
		"%C2%AD",		/* U+00AD SOFT HYPHEN */
		"%F3%A0%80%81",		/* U+E0001 LANGUAGE TAG */
	};
	char		body[128];
	struct form	f;
	size_t		i;
	(void)state;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "count=1&price=1&label=ab%scd", bad[i]);
		assert_int_equal(run(body, &f), KQ_INVALID_FIELD);
		assert_string_equal(f.bad, "label");
	}
	/* what names are made of passes: CJK, accents, punctuation, emoji */
	assert_int_equal(run("count=1&price=1&label=%E4%BA%91%C3%A9%EF%BC%88%F0%9F%9A%80%EF%BC%89",
	    &f), KQ_OK);
}

/* SPEC §7: a single-line field refuses every control character, tab, CR
 * and LF included; a multi-line one takes LF alone, CR LF becoming LF */
static void
lines_only_where_a_field_has_them(void **state)
{
	static const struct field lf[] = {
		{ .name = "reason", .type = FT_TEXT, .multiline = 1 },
	};
	static const struct form_def ld = FORM_DEF(lf);
	static const char *controls[] = { "%09", "%0D", "%0A", "%0D%0A" };
	char		 body[64], err[200];
	struct form	 f;
	size_t		 i;
	(void)state;

	assert_int_equal(form_compile(&ld, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		snprintf(body, sizeof(body), "count=1&price=1&label=a%sb", controls[i]);
		assert_int_equal(run(body, &f), KQ_INVALID_FIELD);
		assert_string_equal(f.bad, "label");
	}
	assert_int_equal(parse_with(&ld, "reason=one%0D%0Atwo%0Athree", &f), KQ_OK);
	assert_string_equal(f.v[0].s, "one\ntwo\nthree");
	assert_string_equal(f.v[0].raw, "one\r\ntwo\nthree");	/* re-shown as typed */
	assert_int_equal(parse_with(&ld, "reason=one%0Dtwo", &f), KQ_INVALID_FIELD);
	assert_int_equal(parse_with(&ld, "reason=one%09two", &f), KQ_INVALID_FIELD);
}

static void
options_are_the_values_and_give_the_index(void **state)
{
	struct form f;
	(void)state;

	assert_int_equal(run("count=1&price=1&colour=green", &f), KQ_OK);
	assert_int_equal(f.v[F_COLOUR].i, 2);
	assert_int_equal(run("count=1&price=1&colour=a.b", &f), KQ_OK);
	assert_int_equal(f.v[F_COLOUR].i, 1);
	/* a metacharacter in a value is literal, and nothing else passes */
	assert_int_equal(run("count=1&price=1&colour=axb", &f), KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "colour");
	assert_int_equal(run("count=1&price=1&colour=redd", &f), KQ_INVALID_FIELD);
	assert_int_equal(run("count=1&price=1&colour=re", &f), KQ_INVALID_FIELD);
}

static void
names_the_bad_field_and_keeps_raw(void **state)
{
	struct form f;
	(void)state;

	assert_int_equal(run("count=0&price=10", &f), KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "count");
	assert_string_equal(f.v[F_COUNT].raw, "0");

	assert_int_equal(run("count=5&price=1.234", &f), KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "price");
	assert_string_equal(f.v[F_PRICE].raw, "1.234");

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
	static const struct form_def cd = FORM_DEF(cf);
	struct params	p;
	struct form	f;
	char		code[VCODE_LEN + 1], card[CARD_LEN + 1], body[200];
	(void)state;

	vcode_generate(code);
	card_generate(card);
	assert_int_equal(form_compile(&cd, body, sizeof(body)), 0);
	snprintf(body, sizeof(body), "code=%.6s+%.6s-%.6s&card=%s", code,
	    code + 6, code + 12, card);
	urlencoded_parse(&a, body, strlen(body), &p);
	assert_int_equal(form_parse(&a, &cd, &p, &f), KQ_OK);
	assert_string_equal(f.v[0].s, code);
	assert_string_equal(f.v[1].s, card);

	/* a typo in the last digit fails the check digit */
	snprintf(body, sizeof(body), "code=%.17s%c", code,
	    code[17] == '9' ? '0' : code[17] + 1);
	urlencoded_parse(&a, body, strlen(body), &p);
	assert_int_equal(form_parse(&a, &cd, &p, &f), KQ_CODE_FORMAT);
	urlencoded_parse(&a, "code=abc", 8, &p);
	assert_int_equal(form_parse(&a, &cd, &p, &f), KQ_CODE_FORMAT);
	snprintf(body, sizeof(body), "code=%s&card=ZZZZ", code);
	urlencoded_parse(&a, body, strlen(body), &p);
	assert_int_equal(form_parse(&a, &cd, &p, &f), KQ_CARD_FORMAT);
}

static void
pattern_limits_reject(void **state)
{
	/* The first branch backtracks exponentially; the second matches.  Under
	 * pcre2's default limits (10,000,000) an 18-letter value still matches;
	 * under ours (MATCH_LIMIT) it is a rejection, not a crash, not a hang. */
	static const char evil[] = "(?:(a+)+$|.*)";
	static const struct field ef[] = {
		{ .name = "x", .type = FT_TEXT, .pattern = evil, .maxlen = 100 },
	};
	static const struct form_def ed = FORM_DEF(ef);
	struct form	 f;
	char		 err[200];
	(void)state;

	assert_int_equal(form_compile(&ed, err, sizeof(err)), 0);
	assert_int_equal(parse_with(&ed, "x=aaaaaaaaaab", &f), KQ_OK);
	assert_int_equal(parse_with(&ed, "x=aaaaaaaaaaaaaaaaaab", &f), KQ_INVALID_FIELD);
	assert_string_equal(f.bad, "x");
}

static void
bad_pattern_is_reported(void **state)
{
	static const char broken[] = "([a-z";
	static const struct field bf[] = {
		{ .name = "x", .type = FT_TEXT, .pattern = broken },
	};
	static const struct form_def bd = FORM_DEF(bf);
	static const struct field nameless[] = { { .type = FT_TEXT } };
	static const struct form_def nd = FORM_DEF(nameless);
	char err[200];
	(void)state;

	assert_int_equal(form_compile(&bd, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "([a-z"));
	assert_non_null(strstr(err, "field x"));
	/* a hole in a form's enum is a start-up error, not a NULL at run time */
	assert_int_equal(form_compile(&nd, err, sizeof(err)), -1);
}

static int
setup(void **state)
{
	char err[200];
	(void)state;
	arena_init(&a, 4096, 0);
	return form_compile(&form, err, sizeof(err));
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
		cmocka_unit_test(text_refuses_invisible_format_characters),
		cmocka_unit_test(lines_only_where_a_field_has_them),
		cmocka_unit_test(options_are_the_values_and_give_the_index),
		cmocka_unit_test(names_the_bad_field_and_keeps_raw),
		cmocka_unit_test(codes_fail_with_their_own_status),
		cmocka_unit_test(pattern_limits_reject),
		cmocka_unit_test(bad_pattern_is_reported),
	};
	return cmocka_run_group_tests_name("form", tests, setup, teardown);
}
