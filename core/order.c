/*
 * order.c - orders seen from the member's side.
 *
 * State changes are conditional UPDATEs on the current status, so two
 * racing requests cannot both pay, or pay and cancel, the same order.
 */
#include <string.h>

#include "clock.h"
#include "order.h"
#include "voucher.h"

#define ORDER_COLS \
    "o.id, o.uin, IFNULL(o.card_id, 0), o.product, o.billing, o.scenario," \
    " o.description, o.status, o.months, o.amount, o.card_amount," \
    " o.voucher_amount, o.cash, o.created_at, o.paid_at, p.status, p.os, l.name," \
    " c.code, o.pay_by, IFNULL(o.voucher_id, 0)"
#define ORDER_FROM \
    " FROM orders o LEFT JOIN provision_outbox p ON p.order_id = o.id" \
    " LEFT JOIN server_lines l ON l.code = p.line" \
    " LEFT JOIN pickup_cards c ON c.id = o.card_id"

static const char SQL_ORDER_GET[] =
    "SELECT " ORDER_COLS ORDER_FROM " WHERE o.id = ? AND (? = 0 OR o.uin = ?)";
static const char SQL_ORDER_LIST[] =
    "SELECT " ORDER_COLS ORDER_FROM " WHERE o.uin = ?"
    " ORDER BY o.id DESC LIMIT ? OFFSET ?";
static const char SQL_ORDER_COUNT[] =
    "SELECT COUNT(*) FROM orders WHERE uin = ?";
static const char SQL_ORDER_STATE[] =
    "SELECT status, IFNULL(card_id, 0), IFNULL(voucher_id, 0), voucher_amount"
    " FROM orders WHERE id = ? AND (? = 0 OR uin = ?) FOR UPDATE";
/* Paying is refused once the payment window has passed, sweep or not. */
static const char SQL_ORDER_PAY[] =
    "UPDATE orders SET status = 'paid', paid_at = UTC_TIMESTAMP()"
    " WHERE id = ? AND status IN ('confirmed', 'awaiting_payment')"
    " AND (pay_by IS NULL OR pay_by >= UTC_TIMESTAMP())";
static const char SQL_ORDER_CANCEL[] =
    "UPDATE orders SET status = 'cancelled', closed_at = UTC_TIMESTAMP()"
    " WHERE id = ? AND status IN ('pending', 'confirmed', 'awaiting_payment')";
static const char SQL_ORDER_TIME_OUT[] =
    "UPDATE orders SET status = 'cancelled', closed_at = UTC_TIMESTAMP()"
    " WHERE id = ? AND status IN ('confirmed', 'awaiting_payment')"
    " AND pay_by < UTC_TIMESTAMP()";
static const char SQL_ORDER_REFUND[] =
    "UPDATE orders SET status = 'refunded', closed_at = UTC_TIMESTAMP()"
    " WHERE id = ? AND status = 'paid'";
/* Two statements, not one with "(? = 0 OR uin = ?)": the per-account one
 * runs on every voucher page and must stay on its index. */
static const char SQL_ORDERS_OVERDUE[] =
    "SELECT id FROM orders WHERE status IN ('confirmed', 'awaiting_payment')"
    " AND pay_by < UTC_TIMESTAMP() ORDER BY id LIMIT 500";
static const char SQL_ORDERS_OVERDUE_OF[] =
    "SELECT id FROM orders WHERE uin = ? AND status IN ('confirmed',"
    " 'awaiting_payment') AND pay_by < UTC_TIMESTAMP() ORDER BY id LIMIT 500";
static const char SQL_OUTBOX_REQUEST[] =
    "UPDATE provision_outbox SET status = 'pending' WHERE order_id = ?"
    " AND status = 'held'";
static const char SQL_CARD_RELEASE[] =
    "UPDATE pickup_cards SET status = 'unused', uin = NULL, used_at = NULL,"
    " order_id = NULL WHERE id = ? AND order_id = ? AND status = 'used'";
static const char SQL_OUTBOX_CANCEL[] =
    "UPDATE provision_outbox SET status = 'cancelled' WHERE order_id = ?"
    " AND status IN ('held', 'pending')";

static void
order_fill(struct order *o, const struct db_result *r, size_t i)
{
	o->id = db_cell_int(r, i, 0);
	o->uin = db_cell_int(r, i, 1);
	o->card_id = db_cell_int(r, i, 2);
	o->product = db_cell(r, i, 3);
	o->billing = db_cell(r, i, 4);
	o->scenario = db_cell(r, i, 5);
	o->description = db_cell(r, i, 6);
	o->status = db_cell(r, i, 7);
	o->months = (int)db_cell_int(r, i, 8);
	o->amount = db_cell_int(r, i, 9);
	o->card_amount = db_cell_int(r, i, 10);
	o->voucher_amount = db_cell_int(r, i, 11);
	o->cash = db_cell_int(r, i, 12);
	o->created_at = clock_parse_utc(db_cell(r, i, 13));
	o->paid_at = db_cell(r, i, 14) ? clock_parse_utc(db_cell(r, i, 14)) : 0;
	o->instance_status = db_cell(r, i, 15);
	o->os = db_cell(r, i, 16);
	o->line_name = db_cell(r, i, 17);
	o->card_code = db_cell(r, i, 18);
	o->pay_by = db_cell(r, i, 19) ? clock_parse_utc(db_cell(r, i, 19)) : 0;
	o->voucher_id = db_cell_int(r, i, 20);
}

enum kq_status
order_get(struct db *db, struct arena *a, long long uin, long long id,
    struct order *o)
{
	struct db_arg	 args[3] = { DB_INT(id), DB_INT(uin), DB_INT(uin) };
	struct db_result r;
	enum kq_status	 s;

	/* an order past its payment window shows as cancelled, sweep or not */
	if (uin && (s = orders_time_out(db, uin, NULL)) != KQ_OK)
		return s;
	if ((s = db_query(db, a, SQL_ORDER_GET, args, 3, &r)) != KQ_OK)
		return s;
	if (r.nrows == 0)
		return KQ_NOT_FOUND;
	order_fill(o, &r, 0);
	return KQ_OK;
}

enum kq_status
order_list(struct db *db, struct arena *a, long long uin, struct page_info *pg,
    struct order **out, size_t *n)
{
	struct db_arg	 args[3] = { DB_INT(uin) };
	struct db_result r;
	enum kq_status	 s;
	size_t		 i;

	if ((s = orders_time_out(db, uin, NULL)) != KQ_OK)
		return s;
	if ((s = page_query(db, a, SQL_ORDER_COUNT, SQL_ORDER_LIST, args, 1, pg,
	    &r)) != KQ_OK)
		return s;
	if ((*out = arena_zalloc(a, (r.nrows + 1) * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < r.nrows; i++)
		order_fill(&(*out)[i], &r, i);
	*n = r.nrows;
	return KQ_OK;
}

enum change { PAY, CANCEL, TIME_OUT, REFUND };

struct change_ctx {
	long long	 uin, id;	/* uin 0: the system (sweep) */
	enum change	 what;
};

static const char *change_sql[] = {
	SQL_ORDER_PAY, SQL_ORDER_CANCEL, SQL_ORDER_TIME_OUT, SQL_ORDER_REFUND
};

/* Gives back what an unpaid order held: its voucher, its card, its
 * provisioning request. */
static enum kq_status
order_release(struct db *db, long long id, long long card_id,
    long long voucher_id, const char *actor)
{
	struct db_arg	a[2] = { DB_INT(id) };
	enum kq_status	s;

	if (voucher_id && (s = voucher_release(db, voucher_id, id, actor)) != KQ_OK)
		return s;
	if (card_id) {
		struct db_arg ca[2] = { DB_INT(card_id), DB_INT(id) };
		if ((s = db_exec(db, SQL_CARD_RELEASE, ca, 2, NULL, NULL)) != KQ_OK)
			return s;
	}
	return db_exec(db, SQL_OUTBOX_CANCEL, a, 1, NULL, NULL);
}

static enum kq_status
change_txn(struct db *db, void *arg)
{
	struct change_ctx	*c = arg;
	struct db_arg		 args[3] = { DB_INT(c->id), DB_INT(c->uin), DB_INT(c->uin) };
	struct db_result	 r;
	struct arena		 a;
	enum kq_status		 s;
	long long		 card_id = 0, voucher_id = 0, voucher_amount = 0;
	uint64_t		 n;
	char			 actor[64];

	/* lock the order row first: pay, cancel and time-out serialise on it */
	arena_init(&a, 1024, 0);
	s = db_query(db, &a, SQL_ORDER_STATE, args, 3, &r);
	if (s == KQ_OK && r.nrows == 0)
		s = KQ_NOT_FOUND;
	if (s == KQ_OK) {
		card_id = db_cell_int(&r, 0, 1);
		voucher_id = db_cell_int(&r, 0, 2);
		voucher_amount = db_cell_int(&r, 0, 3);
	}
	arena_free(&a);
	if (s != KQ_OK)
		return s;
	if ((s = db_exec(db, change_sql[c->what], args, 1, &n, NULL)) != KQ_OK)
		return s;
	if (n != 1)
		return KQ_ORDER_STATE;
	if (c->uin)
		snprintf(actor, sizeof(actor), "member:%lld", c->uin);
	else
		snprintf(actor, sizeof(actor), "kaquanctl sweep");
	switch (c->what) {
	case PAY:
		if (voucher_id && (s = voucher_deduct(db, voucher_id, c->id,
		    voucher_amount, actor)) != KQ_OK)
			return s;
		return db_exec(db, SQL_OUTBOX_REQUEST, args, 1, NULL, NULL);
	case CANCEL:
	case TIME_OUT:
		return order_release(db, c->id, card_id, voucher_id, actor);
	case REFUND:
		/* SPEC §5: cash only; the voucher amount stays spent */
		return KQ_OK;
	}
	return KQ_OK;
}

static enum kq_status
order_change(struct db *db, long long uin, long long id, enum change what)
{
	struct change_ctx c = { uin, id, what };

	return db_txn(db, change_txn, &c);
}

enum kq_status
order_pay(struct db *db, long long uin, long long id)
{
	return order_change(db, uin, id, PAY);
}

enum kq_status
order_cancel(struct db *db, long long uin, long long id)
{
	return order_change(db, uin, id, CANCEL);
}

enum kq_status
order_refund(struct db *db, long long uin, long long id)
{
	return order_change(db, uin, id, REFUND);
}

enum kq_status
orders_time_out(struct db *db, long long uin, int *count)
{
	struct db_arg	 arg = DB_INT(uin);
	struct db_result r;
	struct arena	 a;
	enum kq_status	 s;
	size_t		 i;
	int		 n = 0;

	arena_init(&a, 4096, 0);
	s = uin ? db_query(db, &a, SQL_ORDERS_OVERDUE_OF, &arg, 1, &r) :
	    db_query(db, &a, SQL_ORDERS_OVERDUE, NULL, 0, &r);
	for (i = 0; s == KQ_OK && i < r.nrows; i++) {
		s = order_change(db, 0, db_cell_int(&r, i, 0), TIME_OUT);
		if (s == KQ_ORDER_STATE) {	/* paid or cancelled meanwhile */
			s = KQ_OK;
			continue;
		}
		n += s == KQ_OK;
	}
	arena_free(&a);
	if (count != NULL)
		*count = n;
	return s;
}
