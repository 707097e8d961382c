/*
 * order.h - orders (SPEC §4, §5): the orders table, which this module
 * alone writes.
 *
 * Orders come from the host billing system (kaquanctl order create) or from
 * a pick-up, which this module creates with the card's claim and the
 * provisioning request in one transaction.  An order is confirmed with one
 * voucher or none (frozen), paid (deducted; only the cash part is
 * invoiceable), cancelled or timed out past its payment window (what it
 * held is given back), or refunded (cash only).  With a discount (SPEC
 * §10: a coupon or a promo code, coupon.c) amount = discount + card part +
 * voucher part + cash.
 */
#ifndef KQ_ORDER_H
#define KQ_ORDER_H

#include <time.h>

#include "base/arena.h"
#include "auth.h"
#include "coupon.h"
#include "db/db.h"
#include "db/pager.h"
#include "state.h"
#include "voucher.h"

struct order {
	long long		 id, uin, card_id, voucher_id;
	const char		*product, *billing, *scenario, *description;
	enum order_status	 status;	/* effective */
	enum order_status	 stored;
	enum refund_state	 refund;
	const char		*refund_reason, *refund_note;
	time_t			 refund_requested_at;
	int			 months;
	long long		 amount, card_amount, voucher_amount, cash;
	/* SPEC §10: one discount at most, a coupon's or a promo code's */
	long long		 discount, discount_campaign_id, coupon_id;
	const char		*discount_name;	/* the campaign's, or "" */
	const char		*discount_code;	/* a promo code's, or "" */
	long long		 paid_cash;	/* what the gateway recorded paid */
	long long		 refunded_cash;	/* what a refund returned */
	time_t			 created_at, paid_at, pay_by;
	/* what a pick-up provisions (IS_NONE: nothing) */
	enum instance_status	 instance;
	const char		*os, *os_name, *line_name;
	const char		*card_last4;	/* its card's code's last four */
	time_t			 instance_ended;	/* ended or cancelled */
};

/* A pick-up order's description: this, then its batch's name. */
#define ORDER_PICKUP_DESC	"提货卡 "
/* The scenarios an order may have (SPEC §5), a pattern for the forms. */
#define ORDER_SCENARIOS	"purchase|renew|upgrade|bandwidth_upgrade|change_os|" \
	"trial_convert|register|first_year|transfer_in"

/* As the host billing system creates one; KQ_INVALID_FIELD for an unknown
 * product. */
enum kq_outcome	order_create(struct db *, long long uin, const char *product,
		    const char *billing, const char *scenario, long long amount,
		    int months, long long *id);
/* KQ_NOT_FOUND for an unknown id or another account's order; uin 0 (the
 * finance backend) reads any account's. */
enum kq_outcome	order_get(struct db *, struct arena *, long long uin, long long id,
		    struct order *);
enum kq_outcome	order_list(struct db *, struct arena *, long long uin,
		    struct pager *, struct order **, size_t *);
/* The finance backend's list: every account's orders, newest first. */
struct order_filter {
	long long		 uin;		/* 0: any */
	int			 status;	/* enum order_status (stored), -1: any */
	int			 refund;	/* enum refund_state, -1: any */
	long long		 from_ymd, to_ymd;	/* days made, 0: open */
};
enum kq_outcome	order_list_all(struct db *, struct arena *,
		    const struct order_filter *, struct pager *,
		    struct order **, size_t *);
/* The account's vouchers that fit the order after a discount of off
 * (SPEC §10: the voucher's minimum is checked on the price), best first
 * (SPEC §5); none unless the order can still be confirmed. */
enum kq_outcome	order_candidates(struct db *, struct arena *, const struct order *,
		    long long off, struct voucher **, size_t *);
/* The account's coupons for the order (coupons_for_order()); none unless
 * it can still be confirmed. */
enum kq_outcome	order_coupons(struct db *, struct arena *, const struct order *,
		    struct coupon **, size_t *);
/* What a promo code typed would take off the order (c->off) or why not
 * (c->unfit); an unknown or malformed code is a failed attempt with the
 * code limits of SPEC §2: KQ_PROMO_UNKNOWN, then KQ_RATE_LIMITED. */
enum kq_outcome	order_promo_preview(struct db *, struct arena *,
		    const struct order *, const char *code, const char *ip,
		    struct campaign *);
/* The account's vouchers that do not fit, with why (voucher.unfit); none
 * unless the order can still be confirmed. */
enum kq_outcome	order_unfit(struct db *, struct arena *, const struct order *,
		    struct voucher **, size_t *);
/* What a member confirms an order with: a voucher, and a coupon or a
 * promo code (never both: KQ_INVALID_FIELD on promo_code); 0 / NULL none. */
struct order_choice {
	long long		 voucher_id, coupon_id;
	const char		*promo_code;
	const char		*ip;		/* for the promo code's attempts */
	enum discount_unfit	 why;		/* out: KQ_DISCOUNT_NOT_APPLICABLE's */
};
/* Freezes the voucher and the coupon, or reserves the promo code's use
 * (exactly within its limits), for the order and confirms it. */
enum kq_outcome	order_confirm(struct db *, struct arena *, long long uin,
		    long long order_id, struct order_choice *);
/* Each KQ_ORDER_STATE unless order_actions() allows it.  Paying deducts the
 * voucher, records the cash as paid and requests what was held: this is
 * the payment gateway's callback (the signed API), the one way cash is
 * paid (SPEC §7); cancelling gives back the voucher and the card. */
enum kq_outcome	order_pay(struct db *, struct arena *, long long uin, long long id);
/* The member's pay: it completes the order alone only when nothing is due
 * in cash (the card, voucher and discount cover it); with cash due it is
 * KQ_CASH_DUE and *cash says how much, for the checkout, unless demo (the
 * demo and test stacks' demo_payments: the member's button stands in for
 * the gateway). */
enum kq_outcome	order_pay_member(struct db *, struct arena *, long long uin,
		    long long id, int demo, long long *cash);
enum kq_outcome	order_cancel(struct db *, struct arena *, long long uin, long long id);
/* The member asks for a refund (order_can_request_refund(), else
 * KQ_ORDER_STATE); reason is required (KQ_INVALID_FIELD). */
enum kq_outcome	order_refund_request(struct db *, struct arena *, long long uin,
		    long long id, const char *reason);
/* Finance refunds a paid order, asked for or not (SPEC §5: the cash only,
 * and never more than was recorded paid; the voucher amount stays spent;
 * the partner charge is marked refunded), or rejects an open request with
 * a reason; both audited. */
enum kq_outcome	order_refund(struct db *, struct arena *,
		    const struct principal *admin, const char *ip, long long id,
		    const char *note);
enum kq_outcome	order_refund_reject(struct db *, struct arena *,
		    const struct principal *admin, const char *ip, long long id,
		    const char *reason);
/* The host platform could not boot what a pick-up ordered (its request
 * is still 'pending' and leased to the API key who->id, else provision_fail()'s
 * status; not a paid pick-up: KQ_ORDER_STATE):
 * in one transaction the request is 'failed', the card is back to unused,
 * and the order cancelled (refunded when a cash part was paid); audited. */
enum kq_outcome	order_provision_failed(struct db *, struct arena *,
		    const struct principal *, const char *ip, long long id,
		    const char *reason);
/* Writes the time-out of orders past their payment window (all accounts
 * when uin is 0), giving back what they held; *n (may be NULL) gets the
 * count.  The sweep calls it, and every change of an account's orders
 * first: pages show the effective status without it. */
enum kq_outcome	orders_time_out(struct db *, struct arena *, long long uin, int *n);
/* The pick-up (seed 004): claims the card (code normalised) and creates its
 * order, paid by the card with a Windows surcharge due as cash, and the
 * provisioning request. */
enum kq_outcome	order_pickup(struct db *, struct arena *, const struct principal *,
		    const char *ip, const char *code, const char *os,
		    long long *order_id);

#endif
