/*
 * approval.c - the approval_requests table: filing, the list and one
 * request, the claim of an approval and a rejection.
 *
 * Who wins a decision is the database's: approving and rejecting are each
 * an UPDATE of a row still pending, and only the one that changed it goes
 * on, inside the transaction that makes the thing (approval_make.c), so
 * two admins deciding at once give one decision and one set of vouchers
 * or cards.  The list reads queue_key's index (what waits first) or the
 * status's and stops at the page (SPEC §9 Volume).
 */
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "approval.h"
#include "audit.h"

static long long cap;	/* cents; 0: off */

static const struct db_col request_cols[] = {
	DB_COL(struct approval_req, id, "r.id"),
	DB_ENUM(struct approval_req, kind, "r.kind", request_kind_names),
	DB_ENUM(struct approval_req, status, "r.status", request_status_names),
	DB_COL(struct approval_req, subject_id, "r.subject_id"),
	DB_COL(struct approval_req, subject, "r.subject"),
	DB_COL(struct approval_req, count, "r.count"),
	DB_COL(struct approval_req, unit, "r.unit"),
	DB_COL(struct approval_req, amount, "r.amount"),
	DB_COL(struct approval_req, requested_kind, "r.requested_kind"),
	DB_COL(struct approval_req, requested_by, "r.requested_by"),
	DB_COL(struct approval_req, requested_login, "r.requested_login"),
	DB_COL(struct approval_req, decided_login, "r.decided_login"),
	DB_COL(struct approval_req, reason, "r.reason"),
	DB_COL(struct approval_req, result_id, "COALESCE(r.result_id, 0)"),
	DB_COL(struct approval_req, queue_key, "r.queue_key"),
	DB_COL(struct approval_req, created_at, "r.created_at"),
	DB_COL(struct approval_req, decided_at, "r.decided_at"),
	DB_END
};
static const struct db_col payload_cols[] = {
	DB_COL(struct approval_req, payload, "r.payload"),
	DB_END
};
/* what waits first, newest first, then the rest: 018_approvals.sql */
#define QUEUE_PENDING	"2199023255552"		/* 2^41 */
/* The page's ids are found in the queue's index alone, then their rows
 * (a deep page skipped 10,000 rows through random reads of the table:
 * 29 ms at volume, issue 27) */
static struct db_sel SQL_LIST_QUEUE = DB_SEL(
    "SELECT {cols} FROM (SELECT id FROM approval_requests"
    " FORCE INDEX (k_approvals_queue) WHERE queue_key > 0"
    PAGER_AFTER("queue_key") ") k JOIN approval_requests r ON r.id = k.id"
    " ORDER BY r.queue_key DESC", DB_WHOLE(request_cols));
static const char SQL_COUNT_QUEUE[] =
    PAGER_COUNT(" FROM approval_requests r WHERE r.queue_key > 0");
static struct db_sel SQL_LIST_STATUS = DB_SEL(
    "SELECT {cols} FROM approval_requests r FORCE INDEX (k_approvals_status)"
    " WHERE r.status = ?" PAGER_AFTER("r.id"), DB_WHOLE(request_cols));
static const char SQL_COUNT_STATUS[] =
    PAGER_COUNT(" FROM approval_requests r FORCE INDEX (k_approvals_status)"
    " WHERE r.status = ?");
static struct db_sel SQL_GET = DB_SEL(
    "SELECT {cols} FROM approval_requests r WHERE r.id = ?",
    DB_WHOLE(request_cols), DB_WHOLE(payload_cols));
static const char SQL_INSERT[] =
    "INSERT INTO approval_requests (kind, subject_id, subject, count, unit,"
    " amount, payload, requested_kind, requested_by, requested_login)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_QUEUE[] =
    "UPDATE approval_requests SET queue_key = " QUEUE_PENDING " + id"
    " WHERE id = ?";
/* the guard: a decision changes a pending request, once */
static const char SQL_DECIDE[] =
    "UPDATE approval_requests SET status = ?, decided_by = ?,"
    " decided_login = ?, reason = ?, decided_at = UTC_TIMESTAMP(),"
    " queue_key = id WHERE id = ? AND status = 'pending'";
static const char SQL_RESULT[] =
    "UPDATE approval_requests SET result_id = ? WHERE id = ?";

void
approval_set_cap(long long cents)
{
	cap = cents > 0 ? cents : 0;
}

int
approval_needed(long long count, long long unit, long long *total)
{
	if (__builtin_mul_overflow(count, unit, total)) {
		*total = INT64_MAX;
		return cap > 0;
	}
	return cap > 0 && *total > cap;
}

char *
approval_payload(struct arena *a, json_t *j)
{
	char *text, *copy;

	if (j == NULL)
		return NULL;
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (text == NULL)
		return NULL;
	copy = arena_strdup(a, text);
	free(text);
	return copy;
}

/* "approval:ID" and what it asks, in the audit log. */
static enum kq_outcome
audit_request(struct db *db, const struct principal *me, const char *action,
    const char *ip, long long id, const char *detail)
{
	char target[40];

	snprintf(target, sizeof(target), "approval:%lld", id);
	return audit_write(db, me, action, target, detail, ip);
}

struct request_ctx {
	const struct principal		*me;
	const char			*ip;
	const struct approval_new	*n;
	long long			 id;
};

static enum kq_outcome
request_txn(struct db *db, struct arena *a, void *arg)
{
	struct request_ctx		*c = arg;
	const struct approval_new	*n = c->n;
	struct db_arg			 x[10];
	char				 detail[96];
	uint64_t			 id;
	enum kq_outcome			 s;

	(void)a;
	x[0] = DB_STR(request_kind_names[n->kind]);
	x[1] = DB_INT(n->subject_id);
	x[2] = DB_STR(n->subject);
	x[3] = DB_INT(n->count);
	x[4] = DB_INT(n->unit);
	x[5] = DB_INT(n->amount);
	x[6] = DB_STR(n->payload);
	x[7] = DB_STR(principal_kind_names[c->me->kind]);
	x[8] = DB_INT(c->me->id);
	x[9] = DB_STR(c->me->login);
	if ((s = db_exec(db, SQL_INSERT, x, 10, NULL, &id)) != KQ_OK)
		return s;
	c->id = (long long)id;
	x[0] = DB_INT(c->id);
	if ((s = db_exec(db, SQL_QUEUE, x, 1, NULL, NULL)) != KQ_OK)
		return s;
	snprintf(detail, sizeof(detail), "%s %lld x %lld = %lld",
	    request_kind_names[n->kind], n->count, n->unit, n->amount);
	return audit_request(db, c->me, "approval.request", c->ip, c->id, detail);
}

enum kq_outcome
approval_request(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, const struct approval_new *n, long long *id)
{
	struct request_ctx	c = { me, ip, n, 0 };
	enum kq_outcome		s;

	if ((s = db_txn(db, a, request_txn, &c)) != KQ_OK)
		return s;
	*id = c.id;
	return KQ_APPROVAL_PENDING;
}

enum kq_outcome
approval_list(struct db *db, struct arena *a, int status, struct pager *pg,
    struct approval_req **out, size_t *n)
{
	struct db_arg args[5];

	if (status < 0)
		return pager_select(db, a, &SQL_LIST_QUEUE, SQL_COUNT_QUEUE, args,
		    0, pg, sizeof(**out), offsetof(struct approval_req, queue_key),
		    out, n);
	args[0] = DB_STR(request_status_names[status]);
	return pager_select(db, a, &SQL_LIST_STATUS, SQL_COUNT_STATUS, args, 1,
	    pg, sizeof(**out), offsetof(struct approval_req, id), out, n);
}

enum kq_outcome
approval_get(struct db *db, struct arena *a, long long id, struct approval_req *r)
{
	struct db_arg arg = DB_INT(id);

	return db_select_one(db, a, &SQL_GET, &arg, 1, r, sizeof(*r));
}

enum kq_outcome
approval_terms(struct arena *a, const struct approval_req *r,
    struct approval_term **out, size_t *n)
{
	json_t		*j, *v;
	const char	*key;
	enum kq_outcome	 s = KQ_OK;

	*n = 0;
	if ((j = json_loads(r->payload, 0, NULL)) == NULL || !json_is_object(j) ||
	    (*out = arena_zalloc(a, (json_object_size(j) + 1) *
	    sizeof(**out))) == NULL) {
		json_decref(j);
		return KQ_UNAVAILABLE;
	}
	json_object_foreach(j, key, v) {
		struct approval_term *t = &(*out)[*n];

		if ((t->key = arena_strdup(a, key)) == NULL ||
		    (json_is_string(v) &&
		    (t->text = arena_strdup(a, json_string_value(v))) == NULL)) {
			s = KQ_UNAVAILABLE;
			break;
		}
		if (json_is_integer(v))
			t->num = (long long)json_integer_value(v);
		(*n)++;
	}
	json_decref(j);
	return s;
}

const struct approval_term *
approval_term(const struct approval_term *t, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].key, key) == 0)
			return &t[i];
	return NULL;
}

enum kq_outcome
approval_pending_count(struct db *db, long long *n)
{
	struct db_arg arg = DB_STR(request_status_names[RS_PENDING]);

	return db_scalar(db, SQL_COUNT_STATUS, &arg, 1, n);
}

/* Whether me filed r (an API key and an admin may share an id). */
static int
asked_by(const struct approval_req *r, const struct principal *me)
{
	return r->requested_by == me->id &&
	    strcmp(r->requested_kind, principal_kind_names[me->kind]) == 0;
}

int
approval_may_approve(const struct approval_req *r, const struct principal *me)
{
	return r->status == RS_PENDING && !asked_by(r, me);
}

/* The decision on request id, if it is still pending (else
 * KQ_REVIEW_STATE: another decision won). */
static enum kq_outcome
decide(struct db *db, const struct principal *me, long long id,
    enum request_status to, const char *reason)
{
	struct db_arg	x[5];
	uint64_t	n;
	enum kq_outcome	s;

	x[0] = DB_STR(request_status_names[to]);
	x[1] = DB_INT(me->id);
	x[2] = DB_STR(me->login);
	x[3] = reason != NULL ? DB_STR(reason) : DB_NULL;
	x[4] = DB_INT(id);
	if ((s = db_exec(db, SQL_DECIDE, x, 5, &n, NULL)) != KQ_OK)
		return s;
	return n == 1 ? KQ_OK : KQ_REVIEW_STATE;
}

enum kq_outcome
approval_claim(struct db *db, struct arena *a, const struct principal *me,
    long long id, struct approval_req *r)
{
	enum kq_outcome s;

	if ((s = approval_get(db, a, id, r)) != KQ_OK)
		return s;
	if (asked_by(r, me))	/* SPEC §11: never the one who asked */
		return KQ_FORBIDDEN;
	return decide(db, me, id, RS_APPROVED, NULL);
}

enum kq_outcome
approval_made(struct db *db, const struct principal *me, const char *ip,
    const struct approval_req *r, long long result_id)
{
	struct db_arg	x[2] = { DB_INT(result_id), DB_INT(r->id) };
	char		detail[96];
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_RESULT, x, 2, NULL, NULL)) != KQ_OK)
		return s;
	snprintf(detail, sizeof(detail), "%s:%lld %lld",
	    request_kind_names[r->kind], result_id, r->amount);
	return audit_request(db, me, "approval.approve", ip, r->id, detail);
}

struct reject_ctx {
	const struct principal	*me;
	const char		*ip;
	long long		 id;
	const char		*reason;
};

static enum kq_outcome
reject_txn(struct db *db, struct arena *a, void *arg)
{
	struct reject_ctx	*c = arg;
	struct approval_req		 r;
	enum kq_outcome		 s;

	if ((s = approval_get(db, a, c->id, &r)) != KQ_OK ||
	    (s = decide(db, c->me, c->id, RS_REJECTED, c->reason)) != KQ_OK)
		return s;
	return audit_request(db, c->me, "approval.reject", c->ip, c->id,
	    c->reason);
}

enum kq_outcome
approval_reject(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, long long id, const char *reason)
{
	struct reject_ctx c = { me, ip, id, reason };

	if (reason == NULL || *reason == '\0')
		return KQ_INVALID_FIELD;
	return db_txn(db, a, reject_txn, &c);
}
