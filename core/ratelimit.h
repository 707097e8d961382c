/*
 * ratelimit.h - brute-force limits on code guessing (SPEC §2).
 *
 * Failed attempts with unknown codes are rows in the database, so every
 * worker on every host counts the same: more than RL_PER_ACCOUNT per account
 * or RL_PER_IP per client IP in RL_WINDOW_MIN minutes and further attempts
 * get KQ_RATE_LIMITED until the window has passed.  The IP limit is
 * RL_PER_IP_CLEAN for an account with no failure of its own in the window:
 * many customers share an office's or a carrier's NAT address.
 *
 * Failed logins are counted the same way (per login and per IP, the same
 * limits, table failed_logins), checked before any password is hashed.
 * There the login takes the account's place: a login with no failure of
 * its own is held back by its IP only at RL_PER_IP_CLEAN.
 *
 * A look-up that is checked on every attempt (a card, a code) reads the
 * counts in its own query, saving a round trip: it adds attempt_cols as the
 * *first* part of its db_sel (their placeholders then come first) and
 * starts its arguments with attempt_args().
 *
 * A change can skip the look-up for a caller with no failure at all in the
 * window, whom no limit holds back: its statement ends its WHERE with
 * ATTEMPTS_NONE, whose placeholders (db_step letters ATTEMPT_TYPES) take
 * attempt_args(), and it changes nothing for a caller with failures, who
 * then takes the look-up and the limits.  The limits are not written twice.
 * In a change's transaction (REPEATABLE READ) those reads lock the ranges
 * of failed_attempts they scanned until it commits: a failure being
 * recorded there meanwhile waits that long, and cannot deadlock with it
 * (the recording is a statement of its own and holds nothing it needs).
 */
#ifndef KQ_RATELIMIT_H
#define KQ_RATELIMIT_H

#include "base/arena.h"
#include "db/db.h"
#include "state.h"

#define RL_PER_ACCOUNT	5
#define RL_PER_IP	20
#define RL_PER_IP_CLEAN	100
#define RL_WINDOW_MIN	15

#define RL_IN_WINDOW \
    " AND created_at > UTC_TIMESTAMP() - INTERVAL " STR(RL_WINDOW_MIN) " MINUTE)"
#define ATTEMPTS_NONE \
    " AND NOT EXISTS (SELECT 1 FROM failed_attempts WHERE uin = ? AND kind = ?" \
    RL_IN_WINDOW \
    " AND NOT EXISTS (SELECT 1 FROM failed_attempts WHERE client_ip = ?" \
    " AND kind = ?" RL_IN_WINDOW
#define ATTEMPT_TYPES	"iaaa"

struct attempts {
	long long	 account, ip;	/* failures in the window */
};

extern const struct db_col attempt_cols[];	/* fills a struct attempts */
#define ATTEMPT_NARGS	4
/* Fills the first ATTEMPT_NARGS arguments for attempt_cols. */
void		attempt_args(struct db_arg *, const char *kind, long long uin,
		    const char *ip);

/* KQ_RATE_LIMITED when the counts are over the limits. */
enum kq_outcome	attempts_over(const struct attempts *);
/* kind: "pickup" or "redeem".  KQ_OK or KQ_RATE_LIMITED. */
enum kq_outcome	attempts_check(struct db *, struct arena *, const char *kind,
		    long long uin, const char *ip);
enum kq_outcome	attempts_fail(struct db *, const char *kind, long long uin,
		    const char *ip);

/* realm: "member" or "admin".  KQ_OK or KQ_RATE_LIMITED. */
enum kq_outcome	login_attempts_check(struct db *, struct arena *,
		    const char *realm, const char *login, const char *ip);
enum kq_outcome	login_attempts_fail(struct db *, const char *realm,
		    const char *login, const char *ip);
/* A login succeeded: its own failures are forgotten (its IP's are not). */
enum kq_outcome	login_attempts_clear(struct db *, const char *realm,
		    const char *login);

#endif
