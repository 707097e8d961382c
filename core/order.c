/*
 * order.c - the orders table: creating, reading, and every change of an
 * order's state, each in one transaction with what it does to the voucher
 * (voucher.c), the card (pickup.c) and the provisioning request
 * (provision.c).
 *
 * A change locks the order row first (SELECT ... FOR UPDATE), reads its
 * effective status, and asks order_actions() whether it may happen: pay,
 * cancel, time-out and refund of one order serialise on that row, and the
 * rule is the one the pages show.
 */
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "audit.h"
#include "order.h"
#include "order_int.h"
#include "partner_charge.h"
#include "pickup.h"
#include "provision.h"

static const struct db_col order_cols[] = {
	DB_COL(struct order, id, "o.id"),
	DB_COL(struct order, uin, "o.uin"),
	DB_COL(struct order, card_id, "o.card_id"),
	DB_COL(struct order, voucher_id, "o.voucher_id"),
	DB_COL(struct order, product, "o.product"),
	DB_COL(struct order, billing, "o.billing"),
	DB_COL(struct order, scenario, "o.scenario"),
	DB_COL(struct order, description, "o.description"),
	DB_ENUM(struct order, status, ORDER_STATUS("o"), order_status_names),
	DB_ENUM(struct order, stored, "o.status", order_status_names),
	DB_ENUM(struct order, refund, "o.refund", refund_state_names),
	DB_COL(struct order, refund_reason, "o.refund_reason"),
	DB_COL(struct order, refund_note, "o.refund_note"),
	DB_COL(struct order, refund_requested_at, "o.refund_requested_at"),
	DB_COL(struct order, months, "o.months"),
	DB_COL(struct order, amount, "o.amount"),
	DB_COL(struct order, card_amount, "o.card_amount"),
	DB_COL(struct order, voucher_amount, "o.voucher_amount"),
	DB_COL(struct order, cash, "o.cash"),
	DB_COL(struct order, discount, "o.discount"),
	DB_COL(struct order, discount_campaign_id, "IFNULL(o.discount_campaign_id, 0)"),
	DB_COL(struct order, coupon_id, "IFNULL(o.coupon_id, 0)"),
	DB_COL(struct order, paid_cash, "o.paid_cash"),
	DB_COL(struct order, refunded_cash, "o.refunded_cash"),
	DB_COL(struct order, created_at, "o.created_at"),
	DB_COL(struct order, paid_at, "o.paid_at"),
	DB_COL(struct order, pay_by, "o.pay_by"),
	DB_END
};
static const struct db_col instance_cols[] = {
	DB_ENUM(struct order, instance, "p.status", instance_status_names),
	DB_COL(struct order, os, "p.os"),
	DB_COL(struct order, os_name, "COALESCE(lo.name, p.os)"),
	DB_COL(struct order, line_name, "l.name"),
	DB_COL(struct order, card_last4, "c.code_last4"),
	DB_COL(struct order, instance_ended, "p.ended_at"),
	DB_COL(struct order, discount_name, "IFNULL(dc.name, '')"),
	DB_COL(struct order, discount_code, "IFNULL(dc.code, '')"),
	DB_END
};
#define ORDER_FROM ORDER_FROM_INDEX("")
#define ORDER_FROM_INDEX(hint) \
    " FROM orders o" hint " LEFT JOIN provision_outbox p ON p.order_id = o.id" \
    " LEFT JOIN server_lines l ON l.code = p.line" \
    " LEFT JOIN line_os lo ON lo.line = p.line AND lo.code = p.os" \
    " LEFT JOIN pickup_cards c ON c.id = o.card_id" \
    " LEFT JOIN campaigns dc ON dc.id = o.discount_campaign_id"

static struct db_sel SQL_ORDER_GET = DB_SEL(
    "SELECT {cols}" ORDER_FROM " WHERE o.id = ? AND (? = 0 OR o.uin = ?)",
    DB_WHOLE(order_cols), DB_WHOLE(instance_cols));
static struct db_sel SQL_ORDER_LIST = DB_SEL(
    "SELECT {cols}" ORDER_FROM " WHERE o.uin = ?" PAGER_AFTER("o.id"),
    DB_WHOLE(order_cols), DB_WHOLE(instance_cols));
static const char SQL_ORDER_COUNT[] = PAGER_COUNT(" FROM orders WHERE uin = ?");
/* The backend's list reads, newest first, the index its filter names and
 * stops at the page (SPEC §9 Volume); STRAIGHT_JOIN keeps orders first.
 * A range of days is read on a time index (the days alone, a status's, a
 * refund state's), newest first in (time, id) order, unless an account's
 * orders (its own index) are asked for. */
/* the time indexes last (by >= OL_TIME) */
enum { OL_ID, OL_UIN, OL_STATUS, OL_REFUND, OL_TIME, OL_STATUS_TIME,
	OL_REFUND_TIME, OL__MAX };
#define ORDER_FILTER \
    " WHERE (? = 0 OR o.uin = ?) AND (? = '' OR o.status = ?)" \
    " AND (? = '' OR o.refund = ?) AND" PAGER_DAYS("o.created_at")
#define ORDERS_READ(index, after) DB_SEL("SELECT STRAIGHT_JOIN {cols}" \
    ORDER_FROM_INDEX(" FORCE INDEX (" index ")") ORDER_FILTER after, \
    DB_WHOLE(order_cols), DB_WHOLE(instance_cols))
#define ORDERS_BY(index) ORDERS_READ(index, PAGER_AFTER("o.id"))
#define ORDERS_BY_TIME(index) \
    ORDERS_READ(index, PAGER_AFTER_TIME(o, orders, created_at))
#define ORDER_COUNT_BY(index) \
    PAGER_COUNT(" FROM orders o FORCE INDEX (" index ")" ORDER_FILTER)
static struct db_sel SQL_ORDER_LIST_ALL[OL__MAX] = {
	[OL_ID] = ORDERS_BY("PRIMARY"),
	[OL_UIN] = ORDERS_BY("k_orders_uin"),
	[OL_STATUS] = ORDERS_BY("k_orders_state"),
	[OL_REFUND] = ORDERS_BY("k_orders_refund"),
	[OL_TIME] = ORDERS_BY_TIME("k_orders_created"),
	[OL_STATUS_TIME] = ORDERS_BY_TIME("k_orders_state_time"),
	[OL_REFUND_TIME] = ORDERS_BY_TIME("k_orders_refund_time"),
};
static const char *const SQL_ORDER_COUNT_ALL[OL__MAX] = {
	[OL_ID] = ORDER_COUNT_BY("PRIMARY"),
	[OL_UIN] = ORDER_COUNT_BY("k_orders_uin"),
	[OL_STATUS] = ORDER_COUNT_BY("k_orders_state"),
	[OL_REFUND] = ORDER_COUNT_BY("k_orders_refund"),
	[OL_TIME] = ORDER_COUNT_BY("k_orders_created"),
	[OL_STATUS_TIME] = ORDER_COUNT_BY("k_orders_state_time"),
	[OL_REFUND_TIME] = ORDER_COUNT_BY("k_orders_refund_time"),
};
/* the index's own filter alone: counted from the index alone (its value,
 * then for a time index the days) */
static const char *const SQL_ORDER_COUNT_ONE[OL__MAX] = {
	[OL_UIN] = PAGER_COUNT(" FROM orders o FORCE INDEX (k_orders_uin)"
	    " WHERE o.uin = ?"),
	[OL_STATUS] = PAGER_COUNT(" FROM orders o FORCE INDEX (k_orders_state)"
	    " WHERE o.status = ?"),
	[OL_REFUND] = PAGER_COUNT(" FROM orders o FORCE INDEX (k_orders_refund)"
	    " WHERE o.refund = ?"),
	[OL_TIME] = PAGER_COUNT(" FROM orders o FORCE INDEX (k_orders_created)"
	    " WHERE" PAGER_DAYS("o.created_at")),
	[OL_STATUS_TIME] = PAGER_COUNT(" FROM orders o FORCE INDEX"
	    " (k_orders_state_time) WHERE o.status = ? AND"
	    PAGER_DAYS("o.created_at")),
	[OL_REFUND_TIME] = PAGER_COUNT(" FROM orders o FORCE INDEX"
	    " (k_orders_refund_time) WHERE o.refund = ? AND"
	    PAGER_DAYS("o.created_at")),
};
static struct db_sel SQL_ORDER_LOCK = DB_SEL(
    "SELECT {cols} FROM orders o WHERE o.id = ? AND (? = 0 OR o.uin = ?) FOR UPDATE",
    DB_WHOLE(order_cols));
/* Two statements, not one with "(? = 0 OR uin = ?)": the per-account one
 * runs before every change of the account's orders and must stay on its
 * index. */
static struct db_sel SQL_ORDERS_OVERDUE = DB_SEL(
    "SELECT {cols} FROM orders o WHERE " ORDER_OVERDUE("o")
    " ORDER BY o.id LIMIT 500", DB_WHOLE(order_cols));
static struct db_sel SQL_ORDERS_OVERDUE_OF = DB_SEL(
    "SELECT {cols} FROM orders o WHERE o.uin = ? AND " ORDER_OVERDUE("o")
    " ORDER BY o.id LIMIT 500", DB_WHOLE(order_cols));

static const char SQL_ORDER_NEW[] =
    "INSERT INTO orders (uin, product, billing, scenario, months, amount, cash,"
    " description, status) SELECT ?, p.code, ?, ?, ?, ?, ?, p.name, 'pending'"
    " FROM products p WHERE p.code = ?";
static const char SQL_PICKUP_ORDER_NEW[] =
    "INSERT INTO orders (uin, product, billing, scenario, months, amount,"
    " card_amount, cash, card_id, description, status, paid_at, pay_by)"
    " VALUES (?, ?, 'prepaid', 'purchase', ?, ?, ?, ?, ?, ?, ?,"
    " IF(? = 'paid', UTC_TIMESTAMP(), NULL),"
    " IF(? = 'paid', NULL, " PAYMENT_DEADLINE_SQL "))";
/* the cash due is what was paid: the gateway collected it (SPEC §7) */
static const char SQL_ORDER_PAID[] =
    "UPDATE orders SET status = 'paid', paid_at = UTC_TIMESTAMP(),"
    " paid_cash = cash WHERE id = ?";
/* a refund returns the cash paid, never more (SPEC §5, §7) */
static const char SQL_ORDER_REFUNDED[] =
    "UPDATE orders SET status = 'refunded', closed_at = UTC_TIMESTAMP(),"
    " refunded_cash = paid_cash WHERE id = ?";
static const char SQL_ORDER_CLOSE[] =
    "UPDATE orders SET status = ?, closed_at = UTC_TIMESTAMP() WHERE id = ?";
static const char SQL_REFUND_REQUEST[] =
    "UPDATE orders SET refund = 'requested', refund_reason = ?, refund_note = '',"
    " refund_requested_at = UTC_TIMESTAMP() WHERE id = ?";
static const char SQL_REFUND_DECIDE[] =
    "UPDATE orders SET refund = ?, refund_note = ? WHERE id = ?";

enum kq_outcome
order_create(struct db *db, long long uin, const char *product,
    const char *billing, const char *scenario, long long amount, int months,
    long long *id)
{
	struct db_arg	a[7] = { DB_INT(uin), DB_STR(billing), DB_STR(scenario),
			    DB_INT(months), DB_INT(amount), DB_INT(amount),
			    DB_STR(product) };
	uint64_t	n, newid;
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_ORDER_NEW, a, 7, &n, &newid)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_INVALID_FIELD;	/* no such product */
	*id = (long long)newid;
	return KQ_OK;
}

enum kq_outcome
order_get(struct db *db, struct arena *a, long long uin, long long id,
    struct order *o)
{
	struct db_arg args[3] = { DB_INT(id), DB_INT(uin), DB_INT(uin) };

	return db_select_one(db, a, &SQL_ORDER_GET, args, 3, o, sizeof(*o));
}

enum kq_outcome
order_list(struct db *db, struct arena *a, long long uin, struct pager *pg,
    struct order **out, size_t *n)
{
	struct db_arg args[5] = { DB_INT(uin) };

	return pager_select(db, a, &SQL_ORDER_LIST, SQL_ORDER_COUNT, args, 1, pg,
	    sizeof(**out), offsetof(struct order, id), out, n);
}

enum kq_outcome
order_list_all(struct db *db, struct arena *a, const struct order_filter *f,
    struct pager *pg, struct order **out, size_t *n)
{
	const char	*st = f->status >= 0 ? order_status_names[f->status] : "";
	const char	*rf = f->refund >= 0 ? refund_state_names[f->refund] : "";
	struct db_arg	 args[16] = { DB_INT(f->uin), DB_INT(f->uin), DB_STR(st),
			    DB_STR(st), DB_STR(rf), DB_STR(rf) }, one[5];
	int		 dated = f->from_ymd || f->to_ymd;
	int		 by, own, alone;

	pager_days(&args[6], f->from_ymd, f->to_ymd);
	if (f->uin)
		by = OL_UIN;
	else if (dated)
		by = f->refund >= 0 ? OL_REFUND_TIME : f->status >= 0 ?
		    OL_STATUS_TIME : OL_TIME;
	else
		by = f->refund >= 0 ? OL_REFUND : f->status >= 0 ? OL_STATUS :
		    OL_ID;
	/* the index's own filters alone are counted from it alone: its
	 * value (the second of its pair), then a time index's days */
	own = by == OL_ID ? -1 : by == OL_TIME ? 0 : 1;
	alone = (f->uin != 0) + (f->refund >= 0) + (f->status >= 0) == own &&
	    (by != OL_UIN || !dated);
	if (alone)
		pager_count_own(pg, one, !own ? NULL : &args[by == OL_UIN ? 1 :
		    by == OL_STATUS || by == OL_STATUS_TIME ? 3 : 5],
		    by >= OL_TIME ? &args[6] : NULL);
	pg->by_time = by >= OL_TIME;
	return pager_select(db, a, &SQL_ORDER_LIST_ALL[by], alone ?
	    SQL_ORDER_COUNT_ONE[by] : SQL_ORDER_COUNT_ALL[by], args, 10, pg,
	    sizeof(**out), offsetof(struct order, id), out, n);
}

enum kq_outcome
order_lock(struct db *db, struct arena *a, long long uin, long long id,
    struct order *o)
{
	struct db_arg args[3] = { DB_INT(id), DB_INT(uin), DB_INT(uin) };

	return db_select_one(db, a, &SQL_ORDER_LOCK, args, 3, o, sizeof(*o));
}

const char *
actor_of(char buf[ACTOR_BUFSZ], long long uin)
{
	if (uin == 0)
		return "kaquanctl sweep";
	snprintf(buf, ACTOR_BUFSZ, "member:%lld", uin);
	return buf;
}

/* Gives back what an unpaid order held: its voucher, its card, its
 * provisioning request. */
static enum kq_outcome
order_release(struct db *db, struct arena *a, const struct order *o,
    const char *actor)
{
	enum kq_outcome s;

	if (o->voucher_id && (s = voucher_release(db, o->voucher_id, o->id,
	    actor)) != KQ_OK)
		return s;
	if (o->discount_campaign_id && (s = discount_release(db, a, o->id)) != KQ_OK)
		return s;
	if (o->card_id && (s = card_release(db, o->card_id, o->id)) != KQ_OK)
		return s;
	return provision_end(db, o->id);
}

static enum kq_outcome
order_close(struct db *db, const struct order *o, enum order_status to)
{
	struct db_arg a[2] = { DB_STR(order_status_names[to]), DB_INT(o->id) };

	return db_exec(db, SQL_ORDER_CLOSE, a, 2, NULL, NULL);
}

enum change { PAY, MEMBER_PAY, CANCEL, TIME_OUT, REFUND, REFUND_REQUEST,
	REFUND_REJECT, PROVISION_FAILED };

struct change_ctx {
	long long		 uin, id;	/* uin 0: the system or finance */
	enum change		 what;
	const struct principal	*admin;		/* REFUND, REFUND_REJECT,
						   PROVISION_FAILED */
	const char		*ip, *text;	/* the reason or note */
	long long		 cash;		/* MEMBER_PAY: what is due */
};

/* Whether the change may happen to order o now. */
static int
change_allowed(const struct change_ctx *c, const struct order *o)
{
	switch (c->what) {
	case PAY:
	case MEMBER_PAY:
		return order_actions(o->status) & OA_PAY;
	case CANCEL:
		return order_actions(o->status) & OA_CANCEL;
	case TIME_OUT:	/* an effective status not yet written */
		return o->status != o->stored;
	case REFUND:
		return order_actions(o->status) & OA_REFUND;
	case REFUND_REQUEST:
		return order_can_request_refund(o->status, o->refund, o->cash);
	case REFUND_REJECT:
		return order_can_reject_refund(o->status, o->refund);
	case PROVISION_FAILED:	/* and its request still to boot */
		return o->card_id && o->status == OS_PAID;
	}
	return 0;
}

/* Finance's refund decision, written and audited. */
static enum kq_outcome
refund_decide(struct db *db, const struct change_ctx *c, enum refund_state to)
{
	struct db_arg	a[3] = { DB_STR(refund_state_names[to]),
			    DB_STR(c->text ? c->text : ""), DB_INT(c->id) };
	char		target[32];
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_REFUND_DECIDE, a, 3, NULL, NULL)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "order:%lld", c->id);
	return audit_write(db, c->admin, to == RF_APPROVED ? "order.refund" :
	    "order.refund.reject", target, c->text, c->ip);
}

static enum kq_outcome
change_txn(struct db *db, struct arena *a, void *arg)
{
	struct change_ctx	*c = arg;
	struct db_arg		 x = DB_INT(c->id);
	char			 buf[ACTOR_BUFSZ];
	const char		*actor = actor_of(buf, c->uin);
	struct order		 o;
	enum kq_outcome		 s;

	if ((s = order_lock(db, a, c->uin, c->id, &o)) != KQ_OK)
		return s;
	if (!change_allowed(c, &o))
		return KQ_ORDER_STATE;
	switch (c->what) {
	case MEMBER_PAY:
		/* SPEC §7: cash is paid only through the gateway */
		if (o.cash > 0) {
			c->cash = o.cash;
			return KQ_CASH_DUE;
		}
		/* FALLTHROUGH */
	case PAY:
		if ((s = db_exec(db, SQL_ORDER_PAID, &x, 1, NULL, NULL)) != KQ_OK)
			return s;
		if (o.voucher_id && (s = voucher_deduct(db, a, o.voucher_id, o.id,
		    o.voucher_amount, actor)) != KQ_OK)
			return s;
		if (o.discount_campaign_id &&
		    (s = discount_settle(db, a, o.id)) != KQ_OK)
			return s;
		/* SPEC §6: a partner's customer makes the partner's charge, for
		 * the price after the platform's discount (§10); a pick-up was
		 * paid to the platform by its card */
		if (!o.card_id && (s = charge_write(db, a, &(struct charge_order){
		    o.id, o.uin, o.amount - o.discount, o.voucher_id, o.product,
		    o.billing, o.scenario }, actor)) != KQ_OK)
			return s;
		return provision_request(db, o.id);
	case CANCEL:
	case TIME_OUT:
		if ((s = order_close(db, &o, OS_CANCELLED)) != KQ_OK)
			return s;
		return order_release(db, a, &o, actor);
	case REFUND:
		/* SPEC §5: cash only; the voucher amount stays spent, the card
		 * stays used, and what the order provisioned ends */
		if ((s = db_exec(db, SQL_ORDER_REFUNDED, &x, 1, NULL, NULL)) != KQ_OK ||
		    (s = charge_refund(db, o.id)) != KQ_OK ||
		    (s = provision_end(db, o.id)) != KQ_OK)
			return s;
		return refund_decide(db, c, RF_APPROVED);
	case REFUND_REJECT:
		return refund_decide(db, c, RF_REJECTED);
	case REFUND_REQUEST: {
		struct db_arg r[2] = { DB_STR(c->text), DB_INT(o.id) };

		return db_exec(db, SQL_REFUND_REQUEST, r, 2, NULL, NULL);
	}
	case PROVISION_FAILED: {
		char target[32];

		/* the card back; a cash part paid (a Windows surcharge) refunded */
		if ((s = provision_fail(db, o.id, c->admin->id)) != KQ_OK ||
		    (s = card_release(db, o.card_id, o.id)) != KQ_OK ||
		    (s = o.paid_cash > 0 ? db_exec(db, SQL_ORDER_REFUNDED, &x, 1,
		    NULL, NULL) : order_close(db, &o, OS_CANCELLED)) != KQ_OK ||
		    (o.paid_cash > 0 &&
		    (s = refund_decide(db, c, RF_APPROVED)) != KQ_OK))
			return s;
		snprintf(target, sizeof(target), "order:%lld", o.id);
		return audit_write(db, c->admin, "provision.failed", target,
		    c->text, c->ip);
	}
	}
	return KQ_OK;
}

static enum kq_outcome
order_change_ctx(struct db *db, struct arena *a, struct change_ctx *c)
{
	enum kq_outcome s;

	/* what the account's timed-out orders held is given back first */
	if (c->uin != 0 && (s = orders_time_out(db, a, c->uin, NULL)) != KQ_OK)
		return s;
	return db_txn(db, a, change_txn, c);
}

static enum kq_outcome
order_change(struct db *db, struct arena *a, long long uin, long long id,
    enum change what)
{
	struct change_ctx c = { uin, id, what, NULL, NULL, NULL };

	return order_change_ctx(db, a, &c);
}

enum kq_outcome
order_pay(struct db *db, struct arena *a, long long uin, long long id)
{
	return order_change(db, a, uin, id, PAY);
}

enum kq_outcome
order_pay_member(struct db *db, struct arena *a, long long uin, long long id,
    int demo, long long *cash)
{
	struct change_ctx	c = { uin, id, demo ? PAY : MEMBER_PAY, NULL, NULL,
				    NULL, 0 };
	enum kq_outcome		s;

	s = order_change_ctx(db, a, &c);
	*cash = c.cash;
	return s;
}

enum kq_outcome
order_cancel(struct db *db, struct arena *a, long long uin, long long id)
{
	return order_change(db, a, uin, id, CANCEL);
}

enum kq_outcome
order_refund_request(struct db *db, struct arena *a, long long uin,
    long long id, const char *reason)
{
	struct change_ctx c = { uin, id, REFUND_REQUEST, NULL, NULL, reason };

	if (reason == NULL || *reason == '\0')
		return KQ_INVALID_FIELD;
	return order_change_ctx(db, a, &c);
}

enum kq_outcome
order_refund(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long id, const char *note)
{
	struct change_ctx c = { 0, id, REFUND, admin, ip, note };

	return order_change_ctx(db, a, &c);
}

enum kq_outcome
order_provision_failed(struct db *db, struct arena *a,
    const struct principal *who, const char *ip, long long id,
    const char *reason)
{
	struct change_ctx c = { 0, id, PROVISION_FAILED, who, ip, reason };

	return order_change_ctx(db, a, &c);
}

enum kq_outcome
order_refund_reject(struct db *db, struct arena *a,
    const struct principal *admin, const char *ip, long long id,
    const char *reason)
{
	struct change_ctx c = { 0, id, REFUND_REJECT, admin, ip, reason };

	if (reason == NULL || *reason == '\0')
		return KQ_INVALID_FIELD;
	return order_change_ctx(db, a, &c);
}

enum kq_outcome
orders_time_out(struct db *db, struct arena *a, long long uin, int *count)
{
	struct db_arg	 arg = DB_INT(uin);
	struct order	*rows;
	enum kq_outcome	 s;
	size_t		 i, n;
	int		 done = 0;

	s = uin ? db_select(db, a, &SQL_ORDERS_OVERDUE_OF, &arg, 1, sizeof(*rows),
	    &rows, &n) : db_select(db, a, &SQL_ORDERS_OVERDUE, NULL, 0,
	    sizeof(*rows), &rows, &n);
	for (i = 0; s == KQ_OK && i < n; i++) {
		struct change_ctx c = { 0, rows[i].id, TIME_OUT };

		s = db_txn(db, a, change_txn, &c);
		if (s == KQ_ORDER_STATE) {	/* paid or cancelled meanwhile */
			s = KQ_OK;
			continue;
		}
		done += s == KQ_OK;
	}
	if (count != NULL)
		*count = done;
	return s;
}

/*
 * The order is written first so the claim can carry its id: the claim is
 * the single-use check, and a request that loses it rolls the order back.
 * One CALL for them all, because pick-ups must sustain thousands a second.
 */
static struct db_proc PROC_PICKUP = DB_PROC("pickup");

enum kq_outcome
order_pickup(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, const char *code, const char *os, long long *order_id)
{
	struct pickup_claim	 k;
	struct db_step		 st[2 + CARD_CLAIM_STEPS];
	const struct batch	*b = &k.batch;
	const char		*status;
	char			 desc[200];
	enum kq_outcome		 s;

	if ((s = pickup_check(db, a, me->uin, ip, code, os, &k)) != KQ_OK)
		return s;
	status = order_status_names[k.surcharge > 0 ?
	    OS_AWAITING_PAYMENT : OS_PAID];
	snprintf(desc, sizeof(desc), ORDER_PICKUP_DESC "%s", b->name);
	st[0] = (struct db_step){ SQL_PICKUP_ORDER_NEW, "isiiiiissss", {
	    DB_INT(me->uin), DB_STR(pickup_product_names[b->product]),
	    DB_INT(b->months), DB_INT(b->price + k.surcharge),
	    DB_INT(b->price), DB_INT(k.surcharge), DB_INT(k.card_id),
	    DB_STR(desc), DB_STR(status), DB_STR(status), DB_STR(status) },
	    KQ_OK, 1 };
	card_claim_steps(&st[1], &k, me->uin);
	/* an order with cash due is provisioned when it is paid */
	provision_step(&st[1 + CARD_CLAIM_STEPS], me->uin, b, k.os,
	    k.surcharge > 0);
	return db_proc_run(db, &PROC_PICKUP, st, 2 + CARD_CLAIM_STEPS, order_id);
}
