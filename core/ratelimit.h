/*
 * ratelimit.h - brute-force limits on code guessing (SPEC §2).
 *
 * Failed attempts with unknown codes are rows in the database, so every
 * worker on every host counts the same: more than 5 per account or 20 per
 * client IP in 15 minutes and further attempts get KQ_RATE_LIMITED until the
 * window has passed.
 */
#ifndef KQ_RATELIMIT_H
#define KQ_RATELIMIT_H

#include "arena.h"
#include "db.h"

#define RL_PER_ACCOUNT	5
#define RL_PER_IP	20
#define RL_WINDOW_MIN	15

/* kind: "pickup" or "redeem".  KQ_OK or KQ_RATE_LIMITED. */
enum kq_status	attempts_check(struct db *, struct arena *, const char *kind,
		    long long uin, const char *ip);
enum kq_status	attempts_fail(struct db *, const char *kind, long long uin,
		    const char *ip);

#endif
