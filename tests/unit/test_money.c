/* test_money.c - amounts in, amounts out. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/i18n.h"
#include "base/money.h"

static void
parse_accepts(void **state)
{
	int64_t c;
	(void)state;

	assert_int_equal(money_parse("1000", &c), 0);	assert_int_equal(c, 100000);
	assert_int_equal(money_parse("1000.5", &c), 0);	assert_int_equal(c, 100050);
	assert_int_equal(money_parse("1,000.50", &c), 0); assert_int_equal(c, 100050);
	assert_int_equal(money_parse("0.01", &c), 0);	assert_int_equal(c, 1);
	assert_int_equal(money_parse("12,345,678.9", &c), 0); assert_int_equal(c, 1234567890);
	assert_int_equal(money_parse("100000000", &c), 0); assert_int_equal(c, MONEY_MAX_CENTS);
}

static void
parse_rejects(void **state)
{
	static const char *bad[] = {
		"", "-1", "1.234", "100000000.01", "1,0000", ",100", "1,00",
		"1.", ".5", "abc", "1e3", " 1", "1 ", "0x10", "1,000,00",
		"99999999999999999999", "1..2", "+5", NULL
	};
	int64_t c;
	(void)state;

	for (const char **p = bad; *p != NULL; p++)
		if (money_parse(*p, &c) != -1)
			fail_msg("accepted \"%s\"", *p);
}

static void
format_groups(void **state)
{
	char b[MONEY_BUFSZ];
	(void)state;

	money_format(100000, b, sizeof(b));	assert_string_equal(b, "¥1,000.00");
	money_format(5, b, sizeof(b));		assert_string_equal(b, "¥0.05");
	money_format(123456789, b, sizeof(b));	assert_string_equal(b, "¥1,234,567.89");
	money_format(-150, b, sizeof(b));	assert_string_equal(b, "-¥1.50");
	money_format(0, b, sizeof(b));		assert_string_equal(b, "¥0.00");
	money_format(99999, b, sizeof(b));	assert_string_equal(b, "¥999.99");
	money_format(INT64_MAX, b, sizeof(b));
	assert_string_equal(b, "¥92,233,720,368,547,758.07");
	money_format(INT64_MIN + 1, b, sizeof(b));
	assert_string_equal(b, "-¥92,233,720,368,547,758.07");
	money_format(100, b, 4);		assert_string_equal(b, "");
	i18n_set(LANG_EN);
	money_format(123456789, b, sizeof(b));	assert_string_equal(b, "CNY 1,234,567.89");
	money_format(-1, b, sizeof(b));		assert_string_equal(b, "-CNY 0.01");
	i18n_set(LANG_ZH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_accepts),
		cmocka_unit_test(parse_rejects),
		cmocka_unit_test(format_groups),
	};
	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
