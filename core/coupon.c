/*
 * coupon.c - claiming coupons and reading an account's.
 *
 * A claim is one transaction: the campaign's limits (campaign_take(), the
 * database's conditional writes) and the coupon's row.  The look-up before
 * it only says why a claim cannot succeed; it decides nothing a race could
 * change, which the transaction's writes decide.
 */
#include <stddef.h>
#include <stdlib.h>

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

/* a coupon for an order: its own validity, then the campaign's rules */
static const struct db_col coupon_unfit_cols[] = {
	DB_ENUM(struct coupon, c.unfit, "CASE WHEN k.valid_to < UTC_TIMESTAMP()"
	    " THEN 'expired'" DU_DISABLED DU_ORDER " END AS unfit",
	    discount_unfit_names),
	DB_END
};
static const struct db_col coupon_terms_cols[] = {
	DB_ENUM(struct coupon, c.scope, "c.scope", voucher_scope_names),
	DB_COL(struct coupon, c.products, "c.products"),
	DB_COL(struct coupon, c.first_purchase, "c.first_purchase"),
	DB_ENUM(struct coupon, c.status, "c.status", campaign_status_names),
	DB_COL(struct coupon, c.valid_to, "c.valid_to"),
	DB_END
};
#define COUPONS_FOR_ORDER \
    " FROM coupons k FORCE INDEX (k_coupons_uin)" \
    " JOIN campaigns c ON c.id = k.campaign_id JOIN products p ON p.code = ?" \
    COUPON_FROZEN_JOIN " WHERE k.uin = ?"
static struct db_sel SQL_COUPONS_FOR_ORDER = DB_SEL("SELECT STRAIGHT_JOIN {cols}"
    COUPONS_FOR_ORDER " AND k.status = 'available' ORDER BY k.valid_to, k.id"
    " LIMIT 50", DB_WHOLE(coupon_unfit_cols), DB_WHOLE(coupon_cols),
    DB_WHOLE(coupon_terms_cols));
static struct db_sel SQL_COUPON_FOR_ORDER = DB_SEL("SELECT STRAIGHT_JOIN {cols}"
    COUPONS_FOR_ORDER " AND k.id = ?", DB_WHOLE(coupon_unfit_cols),
    DB_WHOLE(coupon_cols), DB_WHOLE(coupon_terms_cols));
/* stored available and within its validity */
static const char SQL_COUPON_FREEZE[] =
    "UPDATE coupons SET status = 'frozen', order_id = ? WHERE id = ?"
    " AND uin = ? AND status = 'available' AND valid_to >= UTC_TIMESTAMP()";
static const char SQL_COUPON_USED[] =
    "UPDATE coupons SET status = 'used' WHERE order_id = ? AND status = 'frozen'";
static const char SQL_COUPON_BACK[] =
    "UPDATE coupons SET status = IF(valid_to < UTC_TIMESTAMP(), 'expired',"
    " 'available'), order_id = NULL WHERE order_id = ? AND status = 'frozen'";
static const char SQL_USE_INSERT[] =
    "INSERT INTO discount_uses (campaign_id, uin, order_id, coupon_id, product,"
    " first_purchase, slot, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
struct use_row {
	long long	 campaign_id, uin, coupon_id;
	int		 slot;
};
static const struct db_col use_row_cols[] = {
	DB_COL(struct use_row, campaign_id, "campaign_id"),
	DB_COL(struct use_row, uin, "uin"),
	DB_COL(struct use_row, coupon_id, "IFNULL(coupon_id, 0)"),
	DB_COL(struct use_row, slot, "slot"),
	DB_END
};
static struct db_sel SQL_USE_LOCK = DB_SEL("SELECT {cols} FROM discount_uses"
    " WHERE order_id = ? AND status = 'reserved' FOR UPDATE",
    DB_WHOLE(use_row_cols));

/* A campaign's uses read its (campaign_id, id) index newest first and
 * stop at the page; used and reserved, the (campaign_id, status, id) range
 * stored so.  A reserved use of an order past its payment window is
 * released before the sweep writes it: the released list walks them all
 * (released ones are many: cancels and time-outs) and counts the stored
 * released ones and those few apart, each from its index range. */
static const struct db_col use_cols[] = {
	DB_COL(struct discount_use, id, "u.id"),
	DB_COL(struct discount_use, uin, "u.uin"),
	DB_COL(struct discount_use, order_id, "u.order_id"),
	DB_COL(struct discount_use, coupon_id, "IFNULL(u.coupon_id, 0)"),
	DB_COL(struct discount_use, amount, "u.amount"),
	DB_COL(struct discount_use, product, "u.product"),
	DB_COL(struct discount_use, product_name, "p.name"),
	DB_ENUM(struct discount_use, status, USE_STATUS, use_status_names),
	DB_COL(struct discount_use, created_at, "u.created_at"),
	DB_END
};
#define USES(index) " FROM discount_uses u FORCE INDEX (" index ")"
#define USES_ORDER	" JOIN orders uo ON uo.id = u.order_id"
#define USES_LIST(index, where) DB_SEL("SELECT STRAIGHT_JOIN {cols}" \
    USES(index) USES_ORDER " JOIN products p ON p.code = u.product" \
    " WHERE u.campaign_id = ?" where PAGER_AFTER("u.id"), DB_WHOLE(use_cols))
/* by the status asked + 1: 0 is all of them */
static struct db_sel SQL_USES[] = {
	[0] = USES_LIST("k_uses_campaign", ""),
	[DUS_RESERVED + 1] = USES_LIST("k_uses_campaign_status",
	    " AND u.status = 'reserved' AND NOT " USE_OVERDUE),
	[DUS_USED + 1] = USES_LIST("k_uses_campaign_status",
	    " AND u.status = 'used'"),
	[DUS_RELEASED + 1] = USES_LIST("k_uses_campaign",
	    " AND (u.status = 'released' OR " USE_OVERDUE ")"),
};
static const char *const SQL_USES_COUNT[] = {
	[0] = PAGER_COUNT(USES("k_uses_campaign") " WHERE u.campaign_id = ?"),
	[DUS_RESERVED + 1] = PAGER_COUNT(USES("k_uses_campaign_status") USES_ORDER
	    " WHERE u.campaign_id = ? AND u.status = 'reserved' AND NOT "
	    USE_OVERDUE),
	[DUS_USED + 1] = PAGER_COUNT(USES("k_uses_campaign_status")
	    " WHERE u.campaign_id = ? AND u.status = 'used'"),
	[DUS_RELEASED + 1] = "SELECT (" PAGER_COUNT(USES("k_uses_campaign_status")
	    " WHERE u.campaign_id = ? AND u.status = 'released'") ") + ("
	    PAGER_COUNT(USES("k_uses_campaign_status") USES_ORDER
	    " WHERE u.campaign_id = ? AND " USE_OVERDUE) ")",
};
static const char SQL_USE_STATUS[] =
    "UPDATE discount_uses SET status = ? WHERE order_id = ?";

/* the coupons' order for an order: fitting ones first, the most off, then
 * the earliest expiry (the SQL's order, kept by a stable tie) */
static int
coupon_rank(const void *pa, const void *pb)
{
	const struct coupon *a = pa, *b = pb;

	if ((a->c.unfit == DU_FITS) != (b->c.unfit == DU_FITS))
		return a->c.unfit == DU_FITS ? -1 : 1;
	if (a->c.off != b->c.off)
		return a->c.off > b->c.off ? -1 : 1;
	if (a->valid_to != b->valid_to)
		return a->valid_to < b->valid_to ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static void
coupon_args(struct db_arg *args, const struct discount_terms *t)
{
	discount_terms_args(args, t);
	args[DU_ORDER_ARGS] = DB_STR(t->product);
	args[DU_ORDER_ARGS + 1] = DB_INT(t->uin);
}

enum kq_outcome
coupons_for_order(struct db *db, struct arena *a, const struct discount_terms *t,
    struct coupon **out, size_t *n)
{
	struct db_arg	args[DU_ORDER_ARGS + 2];
	size_t		i;
	enum kq_outcome	s;

	coupon_args(args, t);
	if ((s = db_select(db, a, &SQL_COUPONS_FOR_ORDER, args, DU_ORDER_ARGS + 2,
	    sizeof(**out), out, n)) != KQ_OK)
		return s;
	for (i = 0; i < *n; i++)
		(*out)[i].c.off = (*out)[i].c.unfit == DU_FITS ?
		    discount_of(&(*out)[i].c, t->amount) : 0;
	qsort(*out, *n, sizeof(**out), coupon_rank);
	return KQ_OK;
}

enum kq_outcome
coupon_for_order(struct db *db, struct arena *a, const struct discount_terms *t,
    long long id, struct coupon *k)
{
	struct db_arg	args[DU_ORDER_ARGS + 3];
	enum kq_outcome	s;

	coupon_args(args, t);
	args[DU_ORDER_ARGS + 2] = DB_INT(id);
	if ((s = db_select_one(db, a, &SQL_COUPON_FOR_ORDER, args,
	    DU_ORDER_ARGS + 3, k, sizeof(*k))) != KQ_OK)
		return s;
	/* frozen for another order or used: spent, as far as this order goes */
	if (k->c.unfit == DU_FITS && k->status != CP_AVAILABLE)
		k->c.unfit = k->status == CP_EXPIRED ? DU_EXPIRED : DU_EXHAUSTED;
	k->c.off = k->c.unfit == DU_FITS ? discount_of(&k->c, t->amount) : 0;
	return KQ_OK;
}

void
discount_reserve_step(struct db_step *st, const struct discount_terms *t,
    const struct campaign *c, long long off, int slot)
{
	*st = (struct db_step){ SQL_USE_INSERT, "iiiisiii", { DB_INT(c->id),
	    DB_INT(t->uin), DB_INT(t->order_id), DB_NULL, DB_STR(t->product),
	    DB_INT(c->first_purchase), DB_INT(slot), DB_INT(off) }, KQ_OK, 0 };
}

enum kq_outcome
discount_reserve(struct db *db, const struct discount_terms *t,
    const struct campaign *c, long long coupon_id, long long off, int slot)
{
	struct db_arg	a[8];
	uint64_t	n;
	enum kq_outcome	s;

	if (coupon_id) {
		a[0] = DB_INT(t->order_id);
		a[1] = DB_INT(coupon_id);
		a[2] = DB_INT(t->uin);
		if ((s = db_exec(db, SQL_COUPON_FREEZE, a, 3, &n, NULL)) != KQ_OK)
			return s;
		if (n != 1)	/* frozen for another order meanwhile */
			return KQ_DISCOUNT_NOT_APPLICABLE;
	}
	a[0] = DB_INT(c->id);
	a[1] = DB_INT(t->uin);
	a[2] = DB_INT(t->order_id);
	a[3] = coupon_id ? DB_INT(coupon_id) : DB_NULL;
	a[4] = DB_STR(t->product);
	a[5] = DB_INT(c->first_purchase);
	a[6] = DB_INT(slot);
	a[7] = DB_INT(off);
	return db_exec(db, SQL_USE_INSERT, a, 8, NULL, NULL);
}

/* The order's reserved use, locked; KQ_NOT_FOUND when it has none. */
static enum kq_outcome
use_lock(struct db *db, struct arena *a, long long order_id, struct use_row *u)
{
	struct db_arg x = DB_INT(order_id);

	return db_select_one(db, a, &SQL_USE_LOCK, &x, 1, u, sizeof(*u));
}

static enum kq_outcome
use_status(struct db *db, long long order_id, const char *to)
{
	struct db_arg a[2] = { DB_STR(to), DB_INT(order_id) };

	return db_exec(db, SQL_USE_STATUS, a, 2, NULL, NULL);
}

enum kq_outcome
discount_settle(struct db *db, struct arena *a, long long order_id)
{
	struct use_row	u;
	struct db_arg	x = DB_INT(order_id);
	enum kq_outcome	s;

	if ((s = use_lock(db, a, order_id, &u)) != KQ_OK)
		return s == KQ_NOT_FOUND ? KQ_ORDER_STATE : s;
	if ((u.coupon_id && (s = db_exec(db, SQL_COUPON_USED, &x, 1, NULL,
	    NULL)) != KQ_OK) || (s = use_status(db, order_id, "used")) != KQ_OK)
		return s;
	return campaign_count_use(db, u.campaign_id, order_id);
}

enum kq_outcome
discount_release(struct db *db, struct arena *a, long long order_id)
{
	struct use_row	u;
	struct db_arg	x = DB_INT(order_id);
	enum kq_outcome	s;

	if ((s = use_lock(db, a, order_id, &u)) != KQ_OK)
		return s == KQ_NOT_FOUND ? KQ_OK : s;	/* nothing held */
	if ((s = use_status(db, order_id, "released")) != KQ_OK)
		return s;
	if (u.coupon_id)	/* a coupon's claim stays counted: it is back */
		return db_exec(db, SQL_COUPON_BACK, &x, 1, NULL, NULL);
	return campaign_give_back(db, u.campaign_id, u.slot, u.uin);
}

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

/* Claims are as busy as redemptions: the coupon and the counts are one
 * CALL; a spread limit's full slot, a transaction that tries the rest. */
static struct db_proc PROC_CLAIM_LIMITED = DB_PROC("claim_limited");
static struct db_proc PROC_CLAIM = DB_PROC("claim");

static enum kq_outcome
claim(struct db *db, struct arena *a, long long uin, const struct campaign *c,
    long long *id)
{
	struct claim_ctx	x = { c, uin, 0 };
	struct db_step		st[1 + CAMPAIGN_TAKE_STEPS];
	int			slot;
	enum kq_outcome		s;

	st[0] = (struct db_step){ SQL_COUPON_INSERT, "ii", { DB_INT(uin),
	    DB_INT(c->id) }, KQ_NOT_FOUND, 1 };
	campaign_take_steps(&st[1], c, uin, &slot);
	s = db_proc_run(db, c->total_limit > 0 ? &PROC_CLAIM_LIMITED : &PROC_CLAIM,
	    st, 1 + CAMPAIGN_TAKE_STEPS, id);
	if (s != KQ_CAMPAIGN_EXHAUSTED || !campaign_spread(c))
		return s;
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
discount_uses(struct db *db, struct arena *a, long long campaign_id, int status,
    struct pager *pg, struct discount_use **out, size_t *n)
{
	struct db_arg	args[1 + 4] = { DB_INT(campaign_id) };
	struct db_arg	twice[2] = { DB_INT(campaign_id), DB_INT(campaign_id) };

	if (status < -1 || status >= DUS__MAX)
		status = -1;
	if (status == DUS_RELEASED)
		pager_count_args(pg, twice, 2);
	return pager_select(db, a, &SQL_USES[status + 1], SQL_USES_COUNT[status + 1],
	    args, 1, pg, sizeof(**out), offsetof(struct discount_use, id), out, n);
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
