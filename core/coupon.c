/*
 * coupon.c - claiming coupons and reading an account's.
 *
 * A claim is one transaction: the campaign's limits (campaign_take(), the
 * database's conditional writes) and the coupon's row.  The look-up before
 * it only says why a claim cannot succeed; it decides nothing a race could
 * change, which the transaction's writes decide.
 */
#include <stddef.h>

#include "coupon.h"

static const struct db_col coupon_cols[] = {
	DB_COL(struct coupon, id, "k.id"),
	DB_COL(struct coupon, campaign_id, "k.campaign_id"),
	DB_COL(struct coupon, uin, "k.uin"),
	DB_COL(struct coupon, order_id, "k.order_id"),
	DB_ENUM(struct coupon, status, COUPON_STATUS, coupon_status_names),
	DB_COL(struct coupon, valid_from, "k.valid_from"),
	DB_COL(struct coupon, valid_to, "k.valid_to"),
	DB_COL(struct coupon, created_at, "k.created_at"),
	DB_COL(struct coupon, c.id, "c.id"),
	DB_COL(struct coupon, c.name, "c.name"),
	DB_ENUM(struct coupon, c.discount, "c.discount", discount_type_names),
	DB_COL(struct coupon, c.amount_off, "c.amount_off"),
	DB_COL(struct coupon, c.percent_off, "c.percent_off"),
	DB_COL(struct coupon, c.cap, "c.cap"),
	DB_COL(struct coupon, c.min_amount, "c.min_amount"),
	DB_END
};

/* My Coupons reads the account's (uin, id) index newest first and stops
 * at the page; a status reads the stored statuses it may come from */
static struct db_sel SQL_COUPONS_MINE = DB_SEL("SELECT STRAIGHT_JOIN {cols}"
    " FROM coupons k FORCE INDEX (k_coupons_mine)"
    " JOIN campaigns c ON c.id = k.campaign_id" COUPON_FROZEN_JOIN
    " WHERE k.uin = ? AND (? = '' OR " COUPON_STATUS " = ?)" PAGER_AFTER("k.id"),
    DB_WHOLE(coupon_cols));
static const char SQL_COUPONS_MINE_COUNT[] = PAGER_COUNT(
    " FROM coupons k FORCE INDEX (k_coupons_mine)" COUPON_FROZEN_JOIN
    " WHERE k.uin = ? AND (? = '' OR " COUPON_STATUS " = ?)");
static const char SQL_COUPON_INSERT[] =
    "INSERT INTO coupons (campaign_id, uin, valid_from, valid_to)"
    " SELECT c.id, ?, UTC_TIMESTAMP(), LEAST(c.valid_to,"
    " UTC_TIMESTAMP() + INTERVAL c.claim_days DAY) FROM campaigns c"
    " WHERE c.id = ?";

struct claim_ctx {
	const struct campaign	*c;
	long long		 uin, id;
};

static enum kq_outcome
claim_txn(struct db *db, struct arena *a, void *arg)
{
	struct claim_ctx	*x = arg;
	struct db_arg		 args[2] = { DB_INT(x->uin), DB_INT(x->c->id) };
	uint64_t		 id;
	int			 slot;
	enum kq_outcome		 s;

	(void)a;
	if ((s = db_exec(db, SQL_COUPON_INSERT, args, 2, NULL, &id)) != KQ_OK)
		return s;
	x->id = (long long)id;
	return campaign_take(db, x->c, x->uin, &slot);
}

/* What a claim of c (looked up for the account) gets instead of a coupon. */
static enum kq_outcome
claim_refusal(const struct campaign *c)
{
	switch (c->unfit) {
	case DU_FITS:
		return KQ_OK;
	case DU_AUDIENCE:	/* SPEC §10: answered as unknown */
		return KQ_NOT_FOUND;
	case DU_EXHAUSTED:
		return KQ_CAMPAIGN_EXHAUSTED;
	case DU_ACCOUNT_LIMIT:
		return KQ_CLAIM_LIMIT;
	default:
		return KQ_DISCOUNT_NOT_APPLICABLE;
	}
}

static enum kq_outcome
claim(struct db *db, struct arena *a, long long uin, const struct campaign *c,
    long long *id)
{
	struct claim_ctx	x = { c, uin, 0 };
	enum kq_outcome		s;

	if ((s = db_txn(db, a, claim_txn, &x)) == KQ_OK)
		*id = x.id;
	return s;
}

enum kq_outcome
coupon_claim(struct db *db, struct arena *a, long long uin, long long campaign_id,
    long long *id, enum discount_unfit *why)
{
	struct campaign	c;
	enum kq_outcome	s;

	*id = 0;
	*why = DU_FITS;
	if ((s = campaign_for_claim(db, a, campaign_id, uin, &c)) != KQ_OK)
		return s;
	if ((s = claim_refusal(&c)) != KQ_OK) {
		*why = c.unfit;
		return s;
	}
	return claim(db, a, uin, &c, id);
}

enum kq_outcome
coupons_claim_all(struct db *db, struct arena *a, long long uin, int *n)
{
	struct campaign	*c;
	size_t		 i, nc;
	long long	 id;
	enum kq_outcome	 s;

	*n = 0;
	if ((s = campaigns_claimable(db, a, uin, &c, &nc)) != KQ_OK)
		return s;
	for (i = 0; i < nc; i++) {
		s = claim(db, a, uin, &c[i], &id);
		/* one taken by others meanwhile is not claimed, the rest are */
		if (s == KQ_CAMPAIGN_EXHAUSTED || s == KQ_CLAIM_LIMIT)
			continue;
		if (s != KQ_OK)
			return s;
		(*n)++;
	}
	return KQ_OK;
}

enum kq_outcome
coupon_list_mine(struct db *db, struct arena *a, long long uin, int status,
    struct pager *pg, struct coupon **out, size_t *n)
{
	const char	*st = status >= 0 ? coupon_status_names[status] : "";
	struct db_arg	 args[7] = { DB_INT(uin), DB_STR(st), DB_STR(st) };

	return pager_select(db, a, &SQL_COUPONS_MINE, SQL_COUPONS_MINE_COUNT, args,
	    3, pg, sizeof(**out), offsetof(struct coupon, id), out, n);
}
