/*
 * report.h - the finance reports (SPEC §11): voucher liability, cost and
 * breakage, orders by how they were paid, pickup cards.
 *
 * The month reports read report_months, which this module alone writes:
 * report_rollup() (kaquanctl sweep) adds what the ledgers and the orders
 * changed since its marks, a chunk a transaction, so a page reads a row a
 * month and never the ledgers' history.  The cards report reads the
 * batches and their kept counts as they are now.
 */
#ifndef KQ_REPORT_H
#define KQ_REPORT_H

#include <time.h>

#include "base/arena.h"
#include "db/db.h"
#include "state.h"

/* The figures a month row carries; the names are report_months' columns
 * and the pages' fields. */
enum report_measure {
	RM_AVAILABLE, RM_FROZEN,			/* liability */
	RM_ISSUED, RM_ACTIVATED, RM_DEDUCTED, RM_BREAKAGE, RM_DISCOUNTS,
	RM_PARTNER_PLATFORM, RM_PARTNER_OWN,		/* cost */
	RM_AMOUNT, RM_CARD, RM_VOUCHER, RM_DISCOUNT, RM_CASH,
	RM_REFUNDED,					/* orders */
	RM__MAX
};
extern const char *const report_measure_names[];

/* What a month row is about: everything, or one template (its id), one
 * partner (its UIN) or one product (its code). */
enum report_dim { RD_ALL, RD_TEMPLATE, RD_PARTNER, RD_PRODUCT, RD__MAX };
extern const char *const report_dim_names[];

#define REPORT_MONTHS_MAX	120	/* a range's months */
#define REPORT_CHUNK		1000	/* source rows a rollup transaction */

struct report_month {
	int		 month;			/* yyyymm in display_tz */
	long long	 m[RM__MAX];		/* cents */
};

/* yyyymm of t in display_tz; and the month after / before m. */
int		 report_month_of(time_t);
int		 report_month_next(int);
int		 report_month_add(int, int months);

/*
 * One row per month from..to (yyyymm), zero where nothing happened, for
 * the rows of dim/key (key NULL: RD_ALL).  With liability, available and
 * frozen are the balances at each month's end (the changes of every month
 * before summed), else the month's own figures.  Reads a row per month.
 */
enum kq_outcome	report_months(struct db *, struct arena *, enum report_dim,
		    const char *key, int from, int to, int liability,
		    struct report_month **, size_t *n);
/* The time everything before which is rolled up (the pages' "as of"); 0
 * before the first rollup. */
enum kq_outcome	report_as_of(struct db *, time_t *);

/*
 * Rolls up every source row older than lag seconds that the marks have
 * not reached: REPORT_CHUNK rows a transaction, each with its source's
 * mark, so a rollup stopped anywhere goes on where its last commit left
 * and counts nothing twice.  *rows (may be NULL) gets the rows read.
 */
enum kq_outcome	report_rollup(struct db *, int lag, long long *rows);
/* Tests only (kaquanctl, KAQUAN_FAULT=rollup:ROWS:N): chunks of ROWS
 * source rows, and the process killed in its N-th chunk before it
 * commits. */
extern int	report_fault_chunk, report_fault_kill;

/* The cards report (SPEC §11): each batch as it is now, and the sums per
 * product. */
struct report_batch {
	long long	 id, price;
	const char	*label, *name;
	int		 product;		/* enum pickup_product */
	long long	 made, used, unused;
	long long	 expiring[3];		/* within 30, 60, 90 days */
	long long	 outstanding;		/* price × usable unused */
};
#define REPORT_BATCHES_MAX	1000	/* the newest */
struct report_cards {
	struct report_batch	*batches;
	size_t			 n;
	struct report_batch	 products[PP__MAX];
};
/* product: an enum pickup_product or -1. */
enum kq_outcome	report_cards(struct db *, struct arena *, int product,
		    struct report_cards *);

/* The admin home's figures (SPEC §11): liability now, this month's cost
 * (deducted + discounts) and breakage, as of the last rollup. */
struct report_headline {
	long long	 liability, cost, breakage;
	time_t		 as_of;
};
enum kq_outcome	report_headline(struct db *, struct arena *,
		    struct report_headline *);

#endif
