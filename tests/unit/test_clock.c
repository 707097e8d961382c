/* test_clock.c - UTC in, display zone out; expiry dates; month arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "clock.h"

static void
parses_database_times(void **state)
{
	(void)state;
	assert_int_equal(clock_parse_utc("2026-11-22 23:16:00"), 1795389360);
	assert_int_equal(clock_parse_utc("2026-11-22"), 1795305600);
	assert_int_equal(clock_parse_utc("bad"), -1);
	assert_int_equal(clock_parse_utc("2026-1x-22 00:00:00"), -1);
	assert_int_equal(clock_parse_utc(NULL), -1);
}

static void
expiry_is_end_of_day_in_display_zone(void **state)
{
	char buf[CLOCK_BUFSZ];
	(void)state;

	/* 2027-06-30 23:59:59 in Asia/Shanghai is 15:59:59 UTC */
	clock_iso(clock_end_of_day(20270630), buf, sizeof(buf));
	assert_string_equal(buf, "2027-06-30T15:59:59Z");
	clock_display(clock_parse_utc("2026-11-22 23:16:00"), buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-23 07:16");
}

static void
months_keep_the_end_of_month(void **state)
{
	char buf[CLOCK_BUFSZ];
	(void)state;

	/* Jan 31 (Shanghai) + 1 month is the last day of February */
	clock_display(clock_add_months(clock_parse_utc("2027-01-31 02:00:00"), 1),
	    buf, sizeof(buf));
	assert_string_equal(buf, "2027-02-28 10:00");
	clock_display(clock_add_months(clock_parse_utc("2027-11-15 02:00:00"), 14),
	    buf, sizeof(buf));
	assert_string_equal(buf, "2029-01-15 10:00");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_database_times),
		cmocka_unit_test(expiry_is_end_of_day_in_display_zone),
		cmocka_unit_test(months_keep_the_end_of_month),
	};
	clock_init("Asia/Shanghai");
	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
