/*
 * approval_make.c - approving a request: the claim (approval.c's guarded
 * UPDATE) first, so a racing decision waits on the row and then finds it
 * decided, and nothing is made twice; then the owner makes the thing from
 * the payload it wrote, its cap not asked again; then the request records
 * what was made.  One transaction: a failure anywhere leaves the request
 * pending and nothing made.
 */
#include <string.h>

#include "approval_make.h"
#include "partner_voucher.h"
#include "pickup_batch.h"
#include "voucher_issue.h"

struct approve_ctx {
	const struct principal	*me;
	const char		*ip;
	long long		 id, result;
	enum request_kind	 kind;
	const char		*bad;
};

static enum kq_outcome
approve_txn(struct db *db, struct arena *a, void *arg)
{
	struct approve_ctx	*c = arg;
	struct approval_req		 r;
	enum kq_outcome		 s;

	if ((s = approval_claim(db, a, c->me, c->id, &r)) != KQ_OK)
		return s;
	c->kind = r.kind;
	switch (r.kind) {
	case RK_ISSUE:
		s = voucher_issue_approved(db, a, c->me, c->ip, r.payload,
		    &c->result, &c->bad);
		break;
	case RK_PARTNER_1:
		s = pv_issue_approved(db, a, c->me, c->ip, r.payload, &c->result,
		    &c->bad);
		break;
	case RK_BATCH:
		s = batch_create_approved(db, a, c->me, c->ip, r.payload,
		    &c->result, &c->bad);
		break;
	default:
		s = KQ_UNAVAILABLE;	/* a kind this build does not know */
	}
	if (s != KQ_OK)
		return s;
	return approval_made(db, c->me, c->ip, &r, c->result);
}

enum kq_outcome
approval_approve(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, long long id, enum request_kind *kind, long long *result,
    const char **bad)
{
	struct approve_ctx	c;
	enum kq_outcome		s;

	memset(&c, 0, sizeof(c));
	c.me = me;
	c.ip = ip;
	c.id = id;
	s = db_txn(db, a, approve_txn, &c);
	*kind = c.kind;
	*result = c.result;
	*bad = c.bad;
	return s;
}
