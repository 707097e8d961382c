/*
 * overview.h - the counts the two home pages open with (issue 9).  Reads
 * only; each table is written by its own module.
 */
#ifndef KQ_OVERVIEW_H
#define KQ_OVERVIEW_H

#include "base/arena.h"
#include "db/db.h"
#include "report.h"
#include "state.h"

/* A member's usable vouchers: how many, their balance, how many of them
 * end within SOON_DAYS (state.h); orders waiting for the member; coupon
 * campaigns to claim (SPEC §10, up to CAMPAIGNS_CLAIMABLE_MAX). */
struct member_overview {
	long long	 vouchers, balance, expiring, orders_open, claimable;
};

/* What waits for finance: partner applications to review, refund
 * requests, normal batches ending within SOON_DAYS, the unused
 * cards of usable batches, active campaigns ending within
 * SOON_DAYS and the discounts orders took today (SPEC §10: uses
 * reserved since the start of the day in display_tz, paid or not); and
 * the approval requests waiting for a second admin and the reports'
 * headline figures (SPEC §11). */
struct admin_overview {
	long long		 reviews, refunds, batches_ending, cards_unused;
	long long		 campaigns_ending, uses_today, approvals;
	struct report_headline	 figures;
};

enum kq_outcome	member_overview(struct db *, struct arena *, long long uin,
		    struct member_overview *);
enum kq_outcome	admin_overview(struct db *, struct arena *,
		    struct admin_overview *);

#endif
