/*
 * coupon.h - coupons (优惠券, SPEC §10): the coupons table, which this
 * module alone writes, and discount_uses: the discount an order took.  A
 * member claims a coupon from a coupon campaign (or one of each at once,
 * 一键领取); it is valid claim_days from its claim, never past the
 * campaign's end.  Confirming an order freezes the coupon for it, or
 * reserves one use of a promo code (the campaign's limits, campaign.c);
 * paying uses it; a cancel or the payment window gives it back.
 */
#ifndef KQ_COUPON_H
#define KQ_COUPON_H

#include <time.h>

#include "base/arena.h"
#include "campaign.h"
#include "db/db.h"
#include "db/pager.h"
#include "state.h"

struct coupon {
	long long		 id, campaign_id, uin, order_id;
	enum coupon_status	 status;	/* effective */
	time_t			 valid_from, valid_to, created_at;
	struct campaign		 c;	/* its campaign: name and discount */
};

/* The account's available coupons for the order: those that fit first
 * (the most off, then the earliest expiry; c.off), then the others with
 * c.unfit; at most 50. */
enum kq_outcome	coupons_for_order(struct db *, struct arena *,
		    const struct discount_terms *, struct coupon **, size_t *);
/* One coupon of the account for the order, with c.unfit and c.off;
 * KQ_NOT_FOUND for another's. */
enum kq_outcome	coupon_for_order(struct db *, struct arena *,
		    const struct discount_terms *, long long id, struct coupon *);

/* Inside the order's transaction.  The discount c takes from the order
 * (a coupon: coupon_id, frozen for it now, KQ_DISCOUNT_NOT_APPLICABLE when
 * it no longer is available; a promo code: the use slot campaign_take()
 * gave). */
enum kq_outcome	discount_reserve(struct db *, const struct discount_terms *,
		    const struct campaign *, long long coupon_id, long long off,
		    int slot);
/* A promo code's use reserved as a step of the caller's CALL (no coupon). */
void		discount_reserve_step(struct db_step *, const struct discount_terms *,
		    const struct campaign *, long long off, int slot);
/* The order was paid: its coupon and use are used, counted. */
enum kq_outcome	discount_settle(struct db *, struct arena *, long long order_id);
/* The order was cancelled or timed out: its coupon is back (or expired),
 * its use released and a promo code's reserved use given back. */
enum kq_outcome	discount_release(struct db *, struct arena *, long long order_id);

/* One coupon of the campaign for uin; *id gets it.  KQ_NOT_FOUND for no
 * such coupon campaign or one outside the account's audience;
 * KQ_DISCOUNT_NOT_APPLICABLE (*why: disabled, expired, not_yet) when it
 * cannot be claimed now; KQ_CAMPAIGN_EXHAUSTED, KQ_CLAIM_LIMIT at the
 * limits, exactly (campaign_take()). */
enum kq_outcome	coupon_claim(struct db *, struct arena *, long long uin,
		    long long campaign_id, long long *id, enum discount_unfit *why);
/* One coupon of every campaign uin may claim now; *n gets how many. */
enum kq_outcome	coupons_claim_all(struct db *, struct arena *, long long uin,
		    int *n);
/* A campaign's uses (the orders that took it), newest first. */
struct discount_use {
	long long		 id, uin, order_id, coupon_id, amount;
	const char		*product, *product_name;
	enum use_status		 status;	/* effective */
	time_t			 created_at;
};
/* status -1: all; with pg->each, every one (uses.csv). */
enum kq_outcome	discount_uses(struct db *, struct arena *, long long campaign_id,
		    int status, struct pager *, struct discount_use **, size_t *);

/* The account's coupons, newest first; status -1: all. */
enum kq_outcome	coupon_list_mine(struct db *, struct arena *, long long uin,
		    int status, struct pager *, struct coupon **, size_t *);

#endif
