/*
 * approval.h - two-person approval (maker-checker, SPEC §11): the
 * approval_requests table, which this module alone writes.
 *
 * A voucher issue, a Type I partner voucher or a pickup batch whose total
 * exceeds approval_cap is not made: its owning module asks approval_needed()
 * (the one copy of the rule) and, above the cap, files a request here with
 * its typed input as a payload only it reads back.  A second admin approves
 * (approval_make.c: the request is claimed and the owner makes the thing in
 * one transaction) or any admin who may write rejects it with a reason.
 */
#ifndef KQ_APPROVAL_H
#define KQ_APPROVAL_H

#include <jansson.h>
#include <time.h>

#include "base/arena.h"
#include "db/db.h"
#include "db/pager.h"
#include "principal.h"
#include "state.h"

/* The configuration's approval_cap (cents; 0: off), set once at start. */
void		approval_set_cap(long long cents);
/* Whether count × unit (cents) exceeds the cap: 1 (a product that
 * overflows 64 bits does), else 0; *total gets the product (INT64_MAX when
 * it overflows). */
int		approval_needed(long long count, long long unit, long long *total);

/* An owner's input as its payload: j (taken, freed) written compactly into
 * the arena; NULL when out of memory. */
char		*approval_payload(struct arena *, json_t *j);

/* What an owner files: what is asked, for the pages, and its input. */
struct approval_new {
	enum request_kind	 kind;
	long long		 subject_id;	/* template id, partner uin, 0 */
	const char		*subject;	/* its name */
	long long		 count, unit, amount;
	const char		*payload;	/* the owner's JSON */
};

struct approval_req {
	long long		 id, subject_id, count, unit, amount, result_id;
	long long		 requested_by, queue_key;
	enum request_kind	 kind;
	enum request_status	 status;
	const char		*subject, *payload, *requested_kind;
	const char		*requested_login, *decided_login, *reason;
	time_t			 created_at, decided_at;
};

/* Files a pending request for me (an admin or an API key); audited.
 * KQ_APPROVAL_PENDING with *id the request's: what the owner returns. */
enum kq_outcome	approval_request(struct db *, struct arena *,
		    const struct principal *me, const char *ip,
		    const struct approval_new *, long long *id);
/* The requests, what waits first (newest first), then the rest, newest
 * first; status an enum request_status (only those, newest first) or -1.
 * The payload is not read. */
enum kq_outcome	approval_list(struct db *, struct arena *, int status,
		    struct pager *, struct approval_req **, size_t *);
enum kq_outcome	approval_get(struct db *, struct arena *, long long id,
		    struct approval_req *);
/* One entry of a request's input (its payload, a flat JSON object): a
 * number or a text, for its page. */
struct approval_term {
	const char	*key, *text;	/* text: a string's, else NULL */
	long long	 num;
};
/* The entries of r's payload, in no promised order; KQ_UNAVAILABLE when
 * it does not parse (or out of memory). */
enum kq_outcome	approval_terms(struct arena *, const struct approval_req *r,
		    struct approval_term **, size_t *);
/* The entry named key, or NULL. */
const struct approval_term *approval_term(const struct approval_term *, size_t n,
		    const char *key);
/* How many wait (bounded like a list's count: PAGER_COUNTED at most), for
 * the admin home. */
enum kq_outcome	approval_pending_count(struct db *, long long *n);
/* Whether me may approve r: it waits, and me did not ask for it.  The
 * page's forms; approval_claim() decides. */
int		approval_may_approve(const struct approval_req *,
		    const struct principal *me);

/* reason required (KQ_INVALID_FIELD); KQ_REVIEW_STATE unless pending.
 * Audited. */
enum kq_outcome	approval_reject(struct db *, struct arena *,
		    const struct principal *me, const char *ip, long long id,
		    const char *reason);
/* Inside the approving transaction: marks request id approved by me, the
 * database deciding who wins (one affected row of a pending request), and
 * reads it into *r.  KQ_FORBIDDEN when me asked for it, KQ_REVIEW_STATE
 * when it no longer waits. */
enum kq_outcome	approval_claim(struct db *, struct arena *,
		    const struct principal *me, long long id, struct approval_req *r);
/* Inside the same transaction, once the owner made it: what was made
 * (result_id), audited. */
enum kq_outcome	approval_made(struct db *, const struct principal *me,
		    const char *ip, const struct approval_req *r, long long result_id);

#endif
