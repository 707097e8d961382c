/*
 * lookup.c - reads only; each table is written by its own module.
 *
 * A code is tried only when it is well formed (its check holds), so a
 * search costs at most one indexed read per kind.
 */
#include <stdlib.h>
#include <string.h>

#include "codekey.h"
#include "base/codes.h"
#include "lookup.h"

/* by the code's keyed hash, under the current or the previous key */
static const char SQL_VOUCHER_BY_CODE[] =
    "SELECT id FROM vouchers WHERE code_hash IN (?, ?)";
static const char SQL_VOUCHER_BY_ID[] = "SELECT id FROM vouchers WHERE id = ?";
static const char SQL_CARD_BY_CODE[] =
    "SELECT id FROM pickup_cards WHERE code_hash IN (?, ?)";
static const char SQL_ORDER_BY_ID[] = "SELECT id FROM orders WHERE id = ?";
static const char SQL_ACCOUNT[] = "SELECT uin FROM accounts WHERE uin = ?";

/* One indexed read; *out stays 0 when there is no row. */
static enum kq_outcome
find_args(struct db *db, const char *sql, const struct db_arg *args,
    size_t nargs, long long *out, int *hits)
{
	enum kq_outcome s = db_scalar(db, sql, args, nargs, out);

	if (s == KQ_NOT_FOUND) {
		*out = 0;
		return KQ_OK;
	}
	if (s == KQ_OK)
		(*hits)++;
	return s;
}

static enum kq_outcome
find(struct db *db, const char *sql, struct db_arg arg, long long *out,
    int *hits)
{
	return find_args(db, sql, &arg, 1, out, hits);
}

/* A code's row, by its look-up hashes. */
static enum kq_outcome
find_code(struct db *db, const char *sql, const char *code, long long *out,
    int *hits)
{
	unsigned char	h[2][CODE_HASH_LEN];
	struct db_arg	a[2];

	code_hashes(code, h[0], h[1]);
	a[0] = DB_BIN(h[0], CODE_HASH_LEN);
	a[1] = DB_BIN(h[1], CODE_HASH_LEN);
	return find_args(db, sql, a, 2, out, hits);
}

/* A number of 1 to 18 digits ("#12" and spaces allowed); 0 otherwise. */
static long long
number_of(const char *q)
{
	char		*end;
	long long	 n;

	while (*q == ' ' || *q == '#')
		q++;
	if (*q < '0' || *q > '9' || strlen(q) > 18)
		return 0;
	n = strtoll(q, &end, 10);
	while (*end == ' ')
		end++;
	return *end == '\0' && n > 0 ? n : 0;
}

enum kq_outcome
lookup(struct db *db, const char *q, struct lookup *l)
{
	char		 vcode[VCODE_LEN + 1], card[CARD_LEN + 1];
	long long	 n = number_of(q);
	enum kq_outcome	 s = KQ_OK;

	memset(l, 0, sizeof(*l));
	if (vcode_normalize(q, vcode) == 0)
		s = find_code(db, SQL_VOUCHER_BY_CODE, vcode, &l->voucher_id,
		    &l->hits);
	else if (n > 0)
		s = find(db, SQL_VOUCHER_BY_ID, DB_INT(n), &l->voucher_id, &l->hits);
	if (s == KQ_OK && card_normalize(q, card) == 0)
		s = find_code(db, SQL_CARD_BY_CODE, card, &l->card_id, &l->hits);
	if (s == KQ_OK && n > 0)
		s = find(db, SQL_ORDER_BY_ID, DB_INT(n), &l->order_id, &l->hits);
	if (s == KQ_OK && n > 0)
		s = find(db, SQL_ACCOUNT, DB_INT(n), &l->uin, &l->hits);
	return s;
}
