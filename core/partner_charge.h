/*
 * partner_charge.h - partner charges (代付账单行, SPEC §6): the
 * partner_charges table, which this module alone writes.
 *
 * When a partner's customer pays an order, the partner owes the platform
 * the same amount: the charge is written in the payment's transaction,
 * offset by the partner voucher partner_voucher.c picks, the rest cash.  A
 * refund of the customer's order marks it refunded (cash only, SPEC §5).
 */
#ifndef KQ_PARTNER_CHARGE_H
#define KQ_PARTNER_CHARGE_H

#include <time.h>

#include "base/arena.h"
#include "db/db.h"
#include "db/pager.h"
#include "state.h"

struct charge {
	long long		 id, customer_uin, order_id, voucher_id;
	long long		 amount, voucher_amount, cash;
	const char		*product, *product_name, *billing, *scenario;
	enum charge_status	 status;
	time_t			 created_at;
};

struct cfilter {
	long long	 partner;
	long long	 customer;		/* 0: any */
	long long	 from_ymd, to_ymd;	/* 0: open; days in display_tz */
};

/* The paid order a charge is written for. */
struct charge_order {
	long long	 id, uin, amount;
	long long	 voucher_id;	/* the customer's voucher, or 0 */
	const char	*product, *billing, *scenario;
};

enum kq_outcome	charge_list(struct db *, struct arena *, const struct cfilter *,
		    struct pager *, struct charge **, size_t *);
/* Every charge the filter selects, oldest first, streamed (charges.csv). */
enum kq_outcome	charge_each(struct db *, const struct cfilter *,
		    int (*fn)(void *, const struct charge *), void *ctx);

/* Inside the payment's transaction: nothing when the account has no
 * partner. */
enum kq_outcome	charge_write(struct db *, struct arena *,
		    const struct charge_order *, const char *actor);
/* Inside the refund's transaction. */
enum kq_outcome	charge_refund(struct db *, long long order_id);

#endif
