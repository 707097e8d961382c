/*
 * outcome.h - the one enum of outcomes.
 *
 * Core functions return a kq_outcome; its members are the SPEC §8 error codes
 * plus the few outcomes that are not the user's doing (not found, bad request,
 * unavailable).  outcome.c maps each to its HTTP status, machine code and the
 * message a person reads, so no handler invents its own.
 */
#ifndef KQ_OUTCOME_H
#define KQ_OUTCOME_H

enum kq_outcome {
	KQ_OK = 0,
	KQ_CODE_FORMAT,
	KQ_CODE_UNKNOWN,
	KQ_CODE_USED,
	KQ_CODE_EXPIRED,
	KQ_CODE_DISABLED,
	KQ_CARD_FORMAT,
	KQ_CARD_UNKNOWN,
	KQ_CARD_USED,
	KQ_CARD_EXPIRED,
	KQ_CARD_DISABLED,
	KQ_OS_REQUIRED,
	KQ_OS_INVALID,
	KQ_RATE_LIMITED,
	KQ_CSRF,
	KQ_FORBIDDEN,
	KQ_INVALID_FIELD,
	KQ_TEMPLATE_LOCKED,
	KQ_VOUCHER_NOT_APPLICABLE,
	KQ_ORDER_STATE,
	KQ_LOGIN_FAILED,
	KQ_REVIEW_STATE,	/* SPEC §6: the application is not pending */
	KQ_VOUCHER_STATE,	/* SPEC §6: withdraw / invalidate refused */
	KQ_NOT_FOUND,
	KQ_METHOD,
	KQ_BAD_REQUEST,
	KQ_TOO_LARGE,
	KQ_CONFLICT,		/* a unique key already taken (CLI, admin forms) */
	KQ_UNAVAILABLE,		/* database down, out of memory: try again */
	KQ_BUSY,		/* every password-hash slot taken: try again */
	KQ_UNAUTHORIZED,	/* the API: no, a bad or a stale signature */
	KQ_IDEMPOTENCY_MISMATCH, /* the API: a key reused for another request */
	KQ_IDEMPOTENCY_BUSY,	/* the API: the key's first request still runs */
	KQ_IDEMPOTENCY_REQUIRED, /* the API: a POST without an Idempotency-Key */
	KQ_REPLAYED,		/* the API: a POST's signature seen before */
	KQ_NOT_LEASED,		/* the API: an acknowledgement without the lease */
	KQ_CASH_DUE,		/* a member's pay with cash due: the checkout's */
	KQ_PROMO_UNKNOWN,	/* SPEC §10: no such promo code (a failed attempt) */
	KQ_DISCOUNT_NOT_APPLICABLE, /* SPEC §10: with a reason (discount_unfit) */
	KQ_CAMPAIGN_EXHAUSTED,	/* SPEC §10: the campaign's total limit reached */
	KQ_CLAIM_LIMIT,		/* SPEC §10: the account's per_account reached */
	KQ_APPROVAL_PENDING,	/* SPEC §11: not made, waiting for a second admin */
	KQ_OUTCOME__MAX
};

int		 kq_http_status(enum kq_outcome);
const char	*kq_code(enum kq_outcome);
const char	*kq_message(enum kq_outcome);
/* The status whose code is CODE, or KQ_OUTCOME__MAX. */
enum kq_outcome	 kq_outcome_from_code(const char *code);

#endif
