/*
 * partner_charge.c - the partner_charges table: the charge written with a
 * customer's payment, its refund, and the partner's lists.
 */
#include <stddef.h>
#include <string.h>

#include "base/clock.h"
#include "partner_charge.h"
#include "partner_voucher.h"

static const struct db_col charge_cols[] = {
	DB_COL(struct charge, id, "ch.id"),
	DB_COL(struct charge, customer_uin, "ch.customer_uin"),
	DB_COL(struct charge, order_id, "ch.order_id"),
	DB_COL(struct charge, voucher_id, "ch.voucher_id"),
	DB_COL(struct charge, amount, "ch.amount"),
	DB_COL(struct charge, voucher_amount, "ch.voucher_amount"),
	DB_COL(struct charge, cash, "ch.cash"),
	DB_COL(struct charge, product, "ch.product"),
	DB_COL(struct charge, product_name, "p.name"),
	DB_COL(struct charge, billing, "ch.billing"),
	DB_COL(struct charge, scenario, "ch.scenario"),
	DB_ENUM(struct charge, status, "ch.status", charge_status_names),
	DB_COL(struct charge, created_at, "ch.created_at"),
	DB_END
};
#define CHARGES \
    " FROM partner_charges ch JOIN products p ON p.code = ch.product" \
    " WHERE ch.partner_uin = ? AND (? = 0 OR ch.customer_uin = ?)" \
    " AND (? IS NULL OR ch.created_at >= ?) AND (? IS NULL OR ch.created_at <= ?)"
#define CHARGE_ARGS	7	/* filter_args() */
static struct db_sel SQL_CHARGE_LIST = DB_SEL(
    "SELECT {cols}" CHARGES PAGER_AFTER("ch.id"),
    DB_WHOLE(charge_cols));
static const char SQL_CHARGE_COUNT[] = PAGER_COUNT(CHARGES);
/* a partner's, or a customer's, with no dates: from the index alone */
static const char SQL_CHARGE_COUNT_ONE[] = PAGER_COUNT(" FROM partner_charges ch"
    " FORCE INDEX (k_charges_customer) WHERE ch.partner_uin = ?"
    " AND (? = 0 OR ch.customer_uin = ?)");
static struct db_sel SQL_CHARGE_ALL = DB_SEL(
    "SELECT {cols}" CHARGES " ORDER BY ch.id", DB_WHOLE(charge_cols));

/* The account's partner and the order's associated Type II, when the
 * partner's switch asks for it first (SPEC §6). */
struct payer {
	long long	partner, prefer;
};
static const struct db_col payer_cols[] = {
	DB_COL(struct payer, partner, "pa.uin"),
	DB_COL(struct payer, prefer,
	    "IF(pa.associated_first = 1, IFNULL((SELECT v.partner_voucher_id"
	    " FROM vouchers v WHERE v.id = ? AND v.purpose = 'trial'"
	    " AND v.partner_uin = pa.uin), 0), 0)"),
	DB_END
};
static struct db_sel SQL_PAYER = DB_SEL(
    "SELECT {cols} FROM accounts a JOIN accounts pa ON pa.uin = a.reseller_uin"
    " AND pa.partner = 1 WHERE a.uin = ?", DB_WHOLE(payer_cols));
static const char SQL_CHARGE_INSERT[] =
    "INSERT INTO partner_charges (partner_uin, customer_uin, order_id, product,"
    " billing, scenario, amount, voucher_id, voucher_amount, cash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_CHARGE_REFUND[] =
    "UPDATE partner_charges SET status = 'refunded', refunded_at = UTC_TIMESTAMP()"
    " WHERE order_id = ? AND status = 'charged'";

static void
filter_args(const struct cfilter *f, struct db_arg *a)
{
	a[0] = DB_INT(f->partner);
	a[1] = a[2] = DB_INT(f->customer);
	/* from the start of the first day to the end of the last */
	a[3] = a[4] = f->from_ymd ?
	    DB_TIME(clock_start_of_day(f->from_ymd)) : DB_NULL;
	a[5] = a[6] = f->to_ymd ? DB_TIME(clock_end_of_day(f->to_ymd)) : DB_NULL;
}

enum kq_outcome
charge_list(struct db *db, struct arena *a, const struct cfilter *f,
    struct pager *pg, struct charge **out, size_t *n)
{
	struct db_arg args[CHARGE_ARGS + 4];

	filter_args(f, args);
	if (!f->from_ymd && !f->to_ymd)
		pager_count_args(pg, args, 3);
	return pager_select(db, a, &SQL_CHARGE_LIST, !f->from_ymd && !f->to_ymd ?
	    SQL_CHARGE_COUNT_ONE : SQL_CHARGE_COUNT, args, CHARGE_ARGS, pg,
	    sizeof(**out), offsetof(struct charge, id), out, n);
}

struct each_ctx {
	int	(*fn)(void *, const struct charge *);
	void	*ctx;
};

static int
each_row(void *arg, const void *row)
{
	struct each_ctx *c = arg;

	return c->fn(c->ctx, row);
}

enum kq_outcome
charge_each(struct db *db, const struct cfilter *f,
    int (*fn)(void *, const struct charge *), void *ctx)
{
	struct db_arg	args[CHARGE_ARGS];
	struct charge	row;
	struct each_ctx	c = { fn, ctx };

	filter_args(f, args);
	return db_select_each(db, &SQL_CHARGE_ALL, args, CHARGE_ARGS, &row,
	    each_row, &c);
}

enum kq_outcome
charge_write(struct db *db, struct arena *a, const struct charge_order *o,
    const char *actor)
{
	struct db_arg	x[10] = { DB_INT(o->voucher_id), DB_INT(o->uin) };
	struct pv_terms	t;
	struct payer	p;
	long long	vid, part;
	enum kq_outcome	s;

	s = db_select_one(db, a, &SQL_PAYER, x, 2, &p, sizeof(p));
	if (s == KQ_NOT_FOUND)
		return KQ_OK;	/* not a partner's customer: one bill */
	if (s != KQ_OK)
		return s;
	memset(&t, 0, sizeof(t));
	t.partner = p.partner;
	t.customer = o->uin;
	t.order_id = o->id;
	t.amount = o->amount;
	t.product = o->product;
	t.billing = o->billing;
	t.prefer = p.prefer;
	if ((s = pv_deduct(db, a, &t, actor, &vid, &part)) != KQ_OK)
		return s;
	x[0] = DB_INT(p.partner);
	x[1] = DB_INT(o->uin);
	x[2] = DB_INT(o->id);
	x[3] = DB_STR(o->product);
	x[4] = DB_STR(o->billing);
	x[5] = DB_STR(o->scenario);
	x[6] = DB_INT(o->amount);
	x[7] = vid ? DB_INT(vid) : DB_NULL;
	x[8] = DB_INT(part);
	x[9] = DB_INT(o->amount - part);
	return db_exec(db, SQL_CHARGE_INSERT, x, 10, NULL, NULL);
}

enum kq_outcome
charge_refund(struct db *db, long long order_id)
{
	struct db_arg x = DB_INT(order_id);

	return db_exec(db, SQL_CHARGE_REFUND, &x, 1, NULL, NULL);
}
