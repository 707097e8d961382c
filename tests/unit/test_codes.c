/* test_codes.c - check digits catch typos; generated codes verify. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "base/codes.h"

static void
damm_known_value(void **state)
{
	(void)state;
	/* Damm's worked example: 572 → check digit 4 */
	assert_int_equal(damm_digit("572", 3), 4);
	assert_int_equal(damm_digit("5724", 4), 0);
}

static void
vcode_roundtrip_and_typos(void **state)
{
	char c[VCODE_LEN + 1], n[VCODE_LEN + 1], d[VCODE_LEN + 3], t[VCODE_LEN + 1];
	(void)state;

	for (int i = 0; i < 200; i++) {
		assert_int_equal(vcode_generate(c), 0);
		assert_int_equal(strlen(c), VCODE_LEN);
		assert_int_equal(vcode_normalize(c, n), 0);
		vcode_display(c, d);
		assert_int_equal(strlen(d), VCODE_LEN + 2);
		assert_int_equal(vcode_normalize(d, n), 0);
		assert_string_equal(n, c);
		/* every single-digit change is caught */
		for (int p = 0; p < VCODE_LEN; p++) {
			memcpy(t, c, sizeof(t));
			t[p] = (char)('0' + (t[p] - '0' + 1 + i % 9) % 10);
			assert_int_equal(vcode_normalize(t, n), -1);
		}
		/* every adjacent transposition of different digits too */
		for (int p = 0; p + 1 < VCODE_LEN; p++) {
			if (c[p] == c[p + 1])
				continue;
			memcpy(t, c, sizeof(t));
			t[p] = c[p + 1];
			t[p + 1] = c[p];
			assert_int_equal(vcode_normalize(t, n), -1);
		}
	}
	assert_int_equal(vcode_normalize("12345", n), -1);
	assert_int_equal(vcode_normalize("1234567890123456789", n), -1);
	assert_int_equal(vcode_normalize("12345678901234567a", n), -1);
}

static void
card_roundtrip_and_folding(void **state)
{
	char c[CARD_LEN + 1], n[CARD_LEN + 1], d[CARD_LEN + 4], t[CARD_LEN + 8];
	(void)state;

	for (int i = 0; i < 200; i++) {
		assert_int_equal(card_generate(c), 0);
		assert_int_equal(strlen(c), CARD_LEN);
		card_display(c, d);
		assert_int_equal(d[4], '-');
		assert_int_equal(card_normalize(d, n), 0);
		assert_string_equal(n, c);
		/* lower case and spaces are the same code */
		for (int p = 0; p < CARD_LEN; p++)
			t[p] = (char)(c[p] >= 'A' ? c[p] + 32 : c[p]);
		t[CARD_LEN] = ' ';
		t[CARD_LEN + 1] = '\0';
		assert_int_equal(card_normalize(t, n), 0);
		assert_string_equal(n, c);
		/* a changed symbol is caught */
		memcpy(t, c, CARD_LEN + 1);
		t[i % CARD_LEN] = t[i % CARD_LEN] == 'Z' ? 'Y' : 'Z';
		assert_int_equal(card_normalize(t, n), -1);
	}
}

static void
card_reads_i_l_o(void **state)
{
	char c[CARD_LEN + 1], n[CARD_LEN + 1], t[CARD_LEN + 1];
	(void)state;

	/* build a code containing 1 and 0, then type I, L and O instead */
	memcpy(c, "1100ABCDEFGHJKM", 15);
	c[15] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[luhn32_symbol(c, 15)];
	c[16] = '\0';
	memcpy(t, c, sizeof(t));
	t[0] = 'I'; t[1] = 'l'; t[2] = 'O'; t[3] = 'o';
	assert_int_equal(card_normalize(t, n), 0);
	assert_string_equal(n, c);
	assert_int_equal(card_normalize("UUUU-UUUU-UUUU-UUUU", n), -1);	/* U is not Crockford */
	assert_int_equal(card_normalize("ABC", n), -1);
}

static void
random_hex_differs(void **state)
{
	char a[65], b[65];
	(void)state;

	assert_int_equal(random_hex(a, 32), 0);
	assert_int_equal(random_hex(b, 32), 0);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(damm_known_value),
		cmocka_unit_test(vcode_roundtrip_and_typos),
		cmocka_unit_test(card_roundtrip_and_folding),
		cmocka_unit_test(card_reads_i_l_o),
		cmocka_unit_test(random_hex_differs),
	};
	return cmocka_run_group_tests_name("codes", tests, NULL, NULL);
}
