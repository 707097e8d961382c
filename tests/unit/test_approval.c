/* test_approval.c - the cap's rule (SPEC §11): above it, not at it; off at
 * 0; a product that overflows 64 bits is above any cap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "approval.h"

static void
above_not_at(void **state)
{
	long long total;

	(void)state;
	approval_set_cap(100000000);
	assert_int_equal(approval_needed(1000, 100000, &total), 0);
	assert_true(total == 100000000);
	assert_int_equal(approval_needed(1001, 100000, &total), 1);
	assert_true(total == 100100000);
	assert_int_equal(approval_needed(1, 100000001, &total), 1);
	assert_int_equal(approval_needed(0, 100000001, &total), 0);
}

static void
off_at_zero(void **state)
{
	long long total;

	(void)state;
	approval_set_cap(0);
	assert_int_equal(approval_needed(100000, 10000000000LL, &total), 0);
	assert_true(total == 1000000000000000LL);
	approval_set_cap(-5);		/* read as off, never as "all" */
	assert_int_equal(approval_needed(2, 1, &total), 0);
}

static void
overflow_is_above(void **state)
{
	long long total;

	(void)state;
	approval_set_cap(5000000);
	assert_int_equal(approval_needed(INT64_MAX / 2, 3, &total), 1);
	assert_true(total == INT64_MAX);
	assert_int_equal(approval_needed(1LL << 40, 1LL << 40, &total), 1);
	approval_set_cap(0);
	assert_int_equal(approval_needed(1LL << 40, 1LL << 40, &total), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(above_not_at),
		cmocka_unit_test(off_at_zero),
		cmocka_unit_test(overflow_is_above),
	};
	return cmocka_run_group_tests_name("approval", tests, NULL, NULL);
}
