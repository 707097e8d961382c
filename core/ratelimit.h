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

/* Two columns, the account's and the IP's failures in the window, for a
 * query that wants them beside other columns; binds uin, kind, ip, kind. */
#define ATTEMPT_COUNTS \
    "(SELECT COUNT(*) FROM failed_attempts WHERE uin = ? AND kind = ?" \
    "  AND created_at > UTC_TIMESTAMP() - INTERVAL 15 MINUTE)," \
    " (SELECT COUNT(*) FROM failed_attempts WHERE client_ip = ? AND kind = ?" \
    "  AND created_at > UTC_TIMESTAMP() - INTERVAL 15 MINUTE)"

/* KQ_RATE_LIMITED when the counts are over the limits. */
enum kq_status	attempts_over(long long per_account, long long per_ip);
/* kind: "pickup" or "redeem".  KQ_OK or KQ_RATE_LIMITED. */
enum kq_status	attempts_check(struct db *, struct arena *, const char *kind,
		    long long uin, const char *ip);
enum kq_status	attempts_fail(struct db *, const char *kind, long long uin,
		    const char *ip);

#endif
