/*
 * order.c - orders seen from the member's side.
 *
 * State changes are conditional UPDATEs on the current status, so two
 * racing requests cannot both pay, or pay and cancel, the same order.
 */
#include <string.h>

#include "clock.h"
#include "order.h"

#define ORDER_COLS \
    "o.id, o.uin, IFNULL(o.card_id, 0), o.product, o.billing, o.scenario," \
    " o.description, o.status, o.months, o.amount, o.card_amount," \
    " o.voucher_amount, o.cash, o.created_at, o.paid_at, p.status, p.os, l.name," \
    " c.code"
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
    "SELECT status, IFNULL(card_id, 0) FROM orders WHERE id = ? AND uin = ?"
    " FOR UPDATE";
static const char SQL_ORDER_PAY[] =
    "UPDATE orders SET status = 'paid', paid_at = UTC_TIMESTAMP()"
    " WHERE id = ? AND uin = ? AND status = 'awaiting_payment'";
static const char SQL_ORDER_CANCEL[] =
    "UPDATE orders SET status = 'cancelled', closed_at = UTC_TIMESTAMP()"
    " WHERE id = ? AND uin = ?"
    " AND status IN ('pending', 'confirmed', 'awaiting_payment')";
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
}

enum kq_status
order_get(struct db *db, struct arena *a, long long uin, long long id,
    struct order *o)
{
	struct db_arg	 args[3] = { DB_INT(id), DB_INT(uin), DB_INT(uin) };
	struct db_result r;
	enum kq_status	 s;

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

struct change_ctx {
	long long	 uin, id;
	int		 pay;
};

static enum kq_status
change_txn(struct db *db, void *arg)
{
	struct change_ctx	*c = arg;
	struct db_arg		 args[2] = { DB_INT(c->id), DB_INT(c->uin) };
	struct db_result	 r;
	struct arena		 a;
	enum kq_status		 s;
	long long		 card_id;
	uint64_t		 n;

	/* lock the order row first: pay and cancel serialise on it */
	arena_init(&a, 1024, 0);
	s = db_query(db, &a, SQL_ORDER_STATE, args, 2, &r);
	card_id = s == KQ_OK && r.nrows ? db_cell_int(&r, 0, 1) : 0;
	if (s == KQ_OK && r.nrows == 0)
		s = KQ_NOT_FOUND;
	arena_free(&a);
	if (s != KQ_OK)
		return s;
	if ((s = db_exec(db, c->pay ? SQL_ORDER_PAY : SQL_ORDER_CANCEL, args, 2,
	    &n, NULL)) != KQ_OK)
		return s;
	if (n != 1)
		return KQ_ORDER_STATE;
	if (c->pay)
		return db_exec(db, SQL_OUTBOX_REQUEST, args, 1, NULL, NULL);
	if (card_id) {
		struct db_arg ca[2] = { DB_INT(card_id), DB_INT(c->id) };
		if ((s = db_exec(db, SQL_CARD_RELEASE, ca, 2, NULL, NULL)) != KQ_OK)
			return s;
	}
	return db_exec(db, SQL_OUTBOX_CANCEL, args, 1, NULL, NULL);
}

enum kq_status
order_pay(struct db *db, long long uin, long long id)
{
	struct change_ctx c = { uin, id, 1 };

	return db_txn(db, change_txn, &c);
}

enum kq_status
order_cancel(struct db *db, long long uin, long long id)
{
	struct change_ctx c = { uin, id, 0 };

	return db_txn(db, change_txn, &c);
}
