/*
 * coupon.h - coupons (优惠券, SPEC §10): the coupons table, which this
 * module alone writes.  A member claims one from a coupon campaign (or one
 * of each at once, 一键领取); it is valid claim_days from its claim, never
 * past the campaign's end.
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
/* The account's coupons, newest first; status -1: all. */
enum kq_outcome	coupon_list_mine(struct db *, struct arena *, long long uin,
		    int status, struct pager *, struct coupon **, size_t *);

#endif
