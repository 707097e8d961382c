/*
 * money.c - parsing and showing amounts.
 *
 * Money never touches floating point: input is parsed digit by digit into
 * cents, and output is formatted from the integer.  Thousands separators are
 * accepted only in their proper places, so "1,0000" is a typo, not ¥10,000.
 */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/money.h"

int
money_parse(const char *s, int64_t *cents)
{
	int64_t	 whole = 0, frac = 0;
	int	 digits = 0, group = -1, fdigits = 0;
	const char *p;

	if (s == NULL || *s == '\0')
		return -1;
	for (p = s; *p != '\0' && *p != '.'; p++) {
		if (*p == ',') {
			/* a comma needs 1-3 digits before it (first group)
			 * or exactly 3 (later groups) */
			if (digits == 0 || (group >= 0 && group != 3) ||
			    (group < 0 && digits > 3))
				return -1;
			group = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return -1;
		whole = whole * 10 + (*p - '0');
		if (whole > MONEY_MAX_CENTS / 100)
			return -1;
		digits++;
		if (group >= 0)
			group++;
	}
	if (digits == 0 || (group >= 0 && group != 3))
		return -1;
	if (*p == '.') {
		for (p++; *p != '\0'; p++) {
			if (*p < '0' || *p > '9' || ++fdigits > 2)
				return -1;
			frac = frac * 10 + (*p - '0');
		}
		if (fdigits == 0)
			return -1;
		if (fdigits == 1)
			frac *= 10;
	}
	whole = whole * 100 + frac;
	if (whole > MONEY_MAX_CENTS)
		return -1;
	*cents = whole;
	return 0;
}

void
money_format(int64_t cents, char *buf, size_t bufsz)
{
	/* written digit by digit, from the right: every amount of a page
	 * comes here (snprintf was a tenth of My Vouchers' time) */
	const char	*unit = i18n_current() == LANG_EN ? "CNY " : "¥";
	char		 out[MONEY_BUFSZ], *p = out + sizeof(out);
	uint64_t	 v;
	size_t		 n = 0, len;

	v = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	*--p = '\0';
	*--p = (char)('0' + v % 10);
	*--p = (char)('0' + v / 10 % 10);
	*--p = '.';
	v /= 100;
	do {
		if (n > 0 && n % 3 == 0)
			*--p = ',';
		*--p = (char)('0' + v % 10);
		n++;
	} while ((v /= 10) != 0);
	len = strlen(unit);
	p -= len;
	memcpy(p, unit, len);
	if (cents < 0)
		*--p = '-';
	len = (size_t)(out + sizeof(out) - p);
	if (len > bufsz) {
		if (bufsz > 0)
			*buf = '\0';
		return;
	}
	memcpy(buf, p, len);
}

void
money_plain(int64_t cents, char *buf, size_t bufsz)
{
	uint64_t v = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;

	snprintf(buf, bufsz, "%s%llu.%02llu", cents < 0 ? "-" : "",
	    (unsigned long long)(v / 100), (unsigned long long)(v % 100));
}
