/* test_clock.c - UTC in, display zone out; expiry dates; month arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/i18n.h"

static void
expiry_is_end_of_day_in_display_zone(void **state)
{
	char buf[CLOCK_BUFSZ];
	(void)state;

	/* 2027-06-30 23:59:59 in Asia/Shanghai is 15:59:59 UTC */
	clock_iso(clock_end_of_day(20270630), buf, sizeof(buf));
	assert_string_equal(buf, "2027-06-30T15:59:59Z");
	clock_display(1795389360, buf, sizeof(buf));	/* 2026-11-22 23:16 UTC */
	assert_string_equal(buf, "2026-11-23 07:16");
}

static void
months_keep_the_end_of_month(void **state)
{
	char buf[CLOCK_BUFSZ];
	(void)state;

	/* Jan 31 (Shanghai) + 1 month is the last day of February */
	clock_display(clock_add_months(1801360800, 1),	/* 2027-01-31 02:00 UTC */
	    buf, sizeof(buf));
	assert_string_equal(buf, "2027-02-28 10:00");
	clock_display(clock_add_months(1826244000, 14),	/* 2027-11-15 02:00 UTC */
	    buf, sizeof(buf));
	assert_string_equal(buf, "2029-01-15 10:00");
}

static void
iso_round_trip(void **state)
{
	char buf[CLOCK_BUFSZ];
	(void)state;

	clock_iso(1795389360, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-22T23:16:00Z");
	assert_int_equal(clock_parse_iso(buf), 1795389360);
	assert_int_equal(clock_parse_iso("2026-11-22 23:16"), -1);
	assert_int_equal(clock_parse_iso("2026-11-22T23:16:00Zx"), -1);
	assert_int_equal(clock_parse_iso(""), -1);
	clock_iso(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	clock_iso(1795389360, buf, 8);	/* too small: nothing, never a part */
	assert_string_equal(buf, "");
}

static void
words_in_each_language(void **state)
{
	char buf[CLOCK_BUFSZ];
	(void)state;

	clock_words(1795389360, 1, buf, sizeof(buf));	/* 2026-11-23 07:16 there */
	assert_string_equal(buf, "2026-11-23 07:16");
	clock_words(1795389360, 0, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-23");
	clock_display_date(1801360800, buf, sizeof(buf));
	assert_string_equal(buf, "2027-01-31");
	i18n_set(LANG_EN);
	clock_words(1795389360, 1, buf, sizeof(buf));
	assert_string_equal(buf, "23 Nov 2026 07:16");
	clock_words(1801360800, 0, buf, sizeof(buf));
	assert_string_equal(buf, "31 Jan 2027");
	i18n_set(LANG_ZH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expiry_is_end_of_day_in_display_zone),
		cmocka_unit_test(months_keep_the_end_of_month),
		cmocka_unit_test(iso_round_trip),
		cmocka_unit_test(words_in_each_language),
	};
	clock_init("Asia/Shanghai");
	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
