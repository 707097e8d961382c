/*
 * order.h - a member's orders: reading, paying the cash part, cancelling.
 *
 * Orders come from the host billing system (kaquanctl order create) or from
 * a pick-up.  amount = card part + voucher part + cash; only the cash part
 * is invoiceable (SPEC §5).
 */
#ifndef KQ_ORDER_H
#define KQ_ORDER_H

#include <time.h>

#include "arena.h"
#include "db.h"
#include "pickup.h"

struct order {
	long long	 id, uin, card_id;
	const char	*product, *billing, *scenario, *description, *status;
	int		 months;
	long long	 amount, card_amount, voucher_amount, cash;
	time_t		 created_at, paid_at, pay_by;
	long long	 voucher_id;
	/* the instance a pick-up provisions, if any */
	const char	*instance_status, *os, *line_name;
	const char	*card_code;
};

/* KQ_NOT_FOUND for an unknown id or another account's order; uin 0 (the
 * finance backend) reads any account's. */
enum kq_status	order_get(struct db *, struct arena *, long long uin, long long id,
		    struct order *);
enum kq_status	order_list(struct db *, struct arena *, long long uin,
		    struct page_info *, struct order **, size_t *);
/* Pays a confirmed or awaiting_payment order inside its payment window:
 * the voucher is deducted, the cash is due (the demo has no payment
 * gateway: this is the gateway's callback).  KQ_ORDER_STATE otherwise. */
enum kq_status	order_pay(struct db *, long long uin, long long id);
/* Cancels an unpaid order; the voucher and pickup card it held become
 * usable again. */
enum kq_status	order_cancel(struct db *, long long uin, long long id);
/* Refunds the cash of a paid order; the voucher amount is not returned. */
enum kq_status	order_refund(struct db *, long long uin, long long id);
/* Cancels orders past their payment window (all accounts when uin is 0),
 * releasing what they held; *n (may be NULL) gets the count. */
enum kq_status	orders_time_out(struct db *, long long uin, int *n);

#endif
