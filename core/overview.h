/*
 * overview.h - the counts the two home pages open with (issue 9).  Reads
 * only; each table is written by its own module.
 */
#ifndef KQ_OVERVIEW_H
#define KQ_OVERVIEW_H

#include "base/arena.h"
#include "db/db.h"

#define OVERVIEW_SOON_DAYS	30

/* A member's usable vouchers: how many, their balance, how many of them
 * end within OVERVIEW_SOON_DAYS; orders waiting for the member. */
struct member_overview {
	long long	 vouchers, balance, expiring, orders_open;
};

/* What waits for finance: partner applications to review, refund
 * requests, normal batches ending within OVERVIEW_SOON_DAYS, and the
 * unused cards of usable batches. */
struct admin_overview {
	long long	 reviews, refunds, batches_ending, cards_unused;
};

enum kq_outcome	member_overview(struct db *, struct arena *, long long uin,
		    struct member_overview *);
enum kq_outcome	admin_overview(struct db *, struct arena *,
		    struct admin_overview *);

#endif
