/*
 * idempotency.c - Idempotency-Key claims and stored answers.
 */
#include <string.h>

#include "idempotency.h"

#define EXPIRED " created_at < UTC_TIMESTAMP() - INTERVAL 24 HOUR"

struct idem_row {
	const char	*hash, *state, *body;
	int		 status, expired;
};
static const struct db_col idem_cols[] = {
	DB_COL(struct idem_row, hash, "request_hash"),
	DB_COL(struct idem_row, state, "state"),
	DB_COL(struct idem_row, status, "http_status"),
	DB_COL(struct idem_row, body, "COALESCE(response, '')"),
	DB_COL(struct idem_row, expired, EXPIRED),
	DB_END
};
/* a locking read: the row as committed now, not as the transaction's
 * snapshot saw it (shared: the requests that wait on one key read it
 * together; an exclusive read would deadlock them) */
static struct db_sel SQL_IDEM_GET = DB_SEL(
    "SELECT {cols} FROM api_idempotency WHERE api_key = ? AND idem_key = ?"
    " LOCK IN SHARE MODE", DB_WHOLE(idem_cols));
static const char SQL_IDEM_CLAIM[] =
    "INSERT INTO api_idempotency (api_key, idem_key, request_hash, state)"
    " VALUES (?, ?, ?, 'running')";
static const char SQL_IDEM_RECLAIM[] =
    "UPDATE api_idempotency SET request_hash = ?, state = 'running',"
    " http_status = 0, response = NULL, created_at = UTC_TIMESTAMP()"
    " WHERE api_key = ? AND idem_key = ? AND" EXPIRED;
static const char SQL_IDEM_STORE[] =
    "UPDATE api_idempotency SET state = 'done', http_status = ?, response = ?"
    " WHERE api_key = ? AND idem_key = ?";
static const char SQL_IDEM_SWEEP[] =
    "DELETE FROM api_idempotency WHERE" EXPIRED " LIMIT 1000";

enum kq_outcome
idem_claim(struct db *db, struct arena *a, long long api_key, const char *key,
    const char *hash, struct idem_answer *ans)
{
	struct db_arg	args[3] = { DB_INT(api_key), DB_STR(key), DB_STR(hash) };
	struct idem_row	row;
	enum kq_outcome	s;

	memset(ans, 0, sizeof(*ans));
	/* a concurrent request with this key holds it: this waits for its
	 * transaction, then finds its answer */
	s = db_exec(db, SQL_IDEM_CLAIM, args, 3, NULL, NULL);
	if (s == KQ_UNAVAILABLE && db_timed_out(db))
		return KQ_IDEMPOTENCY_BUSY;
	if (s == KQ_OK) {
		ans->claimed = 1;
		return KQ_OK;
	}
	if (s != KQ_CONFLICT)
		return s;
	if ((s = db_select_one(db, a, &SQL_IDEM_GET, args, 2, &row,
	    sizeof(row))) != KQ_OK)
		/* gone in between: expired and forgotten; try again */
		return s == KQ_NOT_FOUND ? KQ_IDEMPOTENCY_BUSY : s;
	if (row.expired) {	/* the key is free again (two who find it so
				 * deadlock here: one runs again) */
		struct db_arg	re[3] = { DB_STR(hash), DB_INT(api_key),
				    DB_STR(key) };
		uint64_t	n = 0;

		if ((s = db_exec(db, SQL_IDEM_RECLAIM, re, 3, &n, NULL)) != KQ_OK)
			return s;
		if (n != 1)
			return KQ_IDEMPOTENCY_BUSY;
		ans->claimed = 1;
		return KQ_OK;
	}
	if (strcmp(row.hash, hash) != 0)
		return KQ_IDEMPOTENCY_MISMATCH;
	if (strcmp(row.state, "done") != 0)	/* an older release's claim */
		return KQ_IDEMPOTENCY_BUSY;
	ans->status = row.status;
	ans->body = row.body;
	return KQ_OK;
}

enum kq_outcome
idem_store(struct db *db, long long api_key, const char *key, int status,
    const char *body)
{
	struct db_arg args[4] = { DB_INT(status), DB_STR(body), DB_INT(api_key),
	    DB_STR(key) };

	return db_exec(db, SQL_IDEM_STORE, args, 4, NULL, NULL);
}

enum kq_outcome
idem_sweep(struct db *db, unsigned long long *n)
{
	return db_exec_chunked(db, SQL_IDEM_SWEEP, NULL, 0, n);
}
