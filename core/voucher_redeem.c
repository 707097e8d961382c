/*
 * voucher_redeem.c - the look-up (with the caller's failure counts in the
 * same query) and the activation.
 */
#include "codekey.h"
#include "ratelimit.h"
#include "voucher_redeem.h"

struct redeem_row {
	struct attempts	 att;
	struct voucher	 v;
};

/* attempt_cols first: their placeholders come first */
static struct db_sel SQL_VOUCHER_BY_CODE = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM " WHERE v.code_hash IN (?, ?)",
    DB_PART(attempt_cols, struct redeem_row, att),
    DB_PART(voucher_cols, struct redeem_row, v));

/* Over the brute-force limits nothing else is told; an unknown code counts. */
static enum kq_outcome
redeemable(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, struct voucher *v)
{
	unsigned char		 h[2][CODE_HASH_LEN];
	struct db_arg		 args[ATTEMPT_NARGS + 2];
	struct redeem_row	 r;
	enum kq_outcome		 s;

	code_hashes(code, h[0], h[1]);
	attempt_args(args, "redeem", uin, ip);
	args[ATTEMPT_NARGS] = DB_BIN(h[0], CODE_HASH_LEN);
	args[ATTEMPT_NARGS + 1] = DB_BIN(h[1], CODE_HASH_LEN);
	s = db_select_one(db, a, &SQL_VOUCHER_BY_CODE, args, ATTEMPT_NARGS + 2,
	    &r, sizeof(r));
	if (s == KQ_NOT_FOUND) {
		if ((s = attempts_check(db, a, "redeem", uin, ip)) != KQ_OK)
			return s;
		(void)attempts_fail(db, "redeem", uin, ip);
		return KQ_CODE_UNKNOWN;
	}
	if (s != KQ_OK || (s = attempts_over(&r.att)) != KQ_OK)
		return s;
	*v = r.v;
	if ((s = vouchers_name_products(db, a, v, 1)) != KQ_OK)
		return s;
	switch (v->status) {
	case VS_UNACTIVATED:
		return KQ_OK;
	case VS_INVALIDATED:
	case VS_WITHDRAWN:
		return KQ_CODE_DISABLED;
	case VS_EXPIRED:
		return KQ_CODE_EXPIRED;
	default:
		return KQ_CODE_USED;
	}
}

enum kq_outcome
redeem_lookup(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, struct voucher *v)
{
	return redeemable(db, a, uin, ip, code, v);
}

enum kq_outcome
redeem_confirm(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, const char *code, long long *voucher_id)
{
	struct voucher	 v;
	const char	*actor;
	enum kq_outcome	 s;

	if ((actor = principal_actor(a, me)) == NULL)
		return KQ_UNAVAILABLE;
	/* most members have no failed attempt: one CALL, no look-up */
	if ((s = voucher_activate(db, me->uin, ip, code, 0, actor,
	    voucher_id)) != KQ_NOT_FOUND)
		return s;
	if ((s = redeemable(db, a, me->uin, ip, code, &v)) != KQ_OK)
		return s;
	return voucher_activate(db, me->uin, ip, code, 1, actor, voucher_id);
}
