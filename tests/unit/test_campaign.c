/* test_campaign.c - what a discount takes off (SPEC §10), and promo codes
 * as typed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "campaign.h"

static void
amount_off(void **state)
{
	struct campaign c = { .discount = DT_AMOUNT, .amount_off = 1000 };
	(void)state;

	assert_int_equal(discount_of(&c, 15000), 1000);
	assert_int_equal(discount_of(&c, 800), 800);	/* never past the order */
	assert_int_equal(discount_of(&c, 0), 0);
}

static void
percent_off(void **state)
{
	struct campaign c = { .discount = DT_PERCENT, .percent_off = 15 };
	(void)state;

	assert_int_equal(discount_of(&c, 10000), 1500);
	assert_int_equal(discount_of(&c, 999), 149);	/* 149.85: rounded down */
	assert_int_equal(discount_of(&c, 1), 0);
	/* no overflow where amount × percent would be past int64 */
	assert_int_equal(discount_of(&c, 9000000000000000000LL),
	    1350000000000000000LL);
	c.cap = 500;
	assert_int_equal(discount_of(&c, 10000), 500);
	assert_int_equal(discount_of(&c, 2000), 300);
}

static void
codes_typed(void **state)
{
	char b[33];
	(void)state;

	assert_int_equal(promo_code_normalise(" spring - 2027 ", b, sizeof(b)), 0);
	assert_string_equal(b, "SPRING-2027");
	assert_int_equal(promo_code_normalise("AB1", b, sizeof(b)), -1);
	assert_int_equal(promo_code_normalise("SPRING_2027", b, sizeof(b)), -1);
	assert_int_equal(promo_code_normalise("春季", b, sizeof(b)), -1);
	assert_int_equal(promo_code_normalise(
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", b, sizeof(b)), -1);	/* 33 */
	assert_int_equal(promo_code_normalise(
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", b, sizeof(b)), 0);	/* 32 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(amount_off),
		cmocka_unit_test(percent_off),
		cmocka_unit_test(codes_typed),
	};
	return cmocka_run_group_tests_name("campaign", tests, NULL, NULL);
}
