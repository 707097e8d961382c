/*
 * lookup.h - the backend's one search box (issue 9): what a typed string
 * names — a voucher by its redemption code or number, a pickup card by
 * its code, an order by its number, an account by its UIN.
 */
#ifndef KQ_LOOKUP_H
#define KQ_LOOKUP_H

#include "db/db.h"

/* Each 0 when nothing of that kind matched. */
struct lookup {
	long long	 voucher_id;	/* by code, or a number that is a voucher's */
	long long	 card_id;
	long long	 order_id;
	long long	 uin;		/* an account's */
	int		 hits;
};

/* KQ_OK (hits may be 0); KQ_UNAVAILABLE. */
enum kq_outcome	lookup(struct db *, const char *q, struct lookup *);

#endif
