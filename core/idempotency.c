/*
 * idempotency.c - Idempotency-Key claims and stored answers.
 */
#include <string.h>

#include "idempotency.h"

#define EXPIRED " created_at < UTC_TIMESTAMP() - INTERVAL 24 HOUR"

struct idem_row {
	const char	*hash, *state, *body;
	int		 status;
};
static const struct db_col idem_cols[] = {
	DB_COL(struct idem_row, hash, "request_hash"),
	DB_COL(struct idem_row, state, "state"),
	DB_COL(struct idem_row, status, "http_status"),
	DB_COL(struct idem_row, body, "COALESCE(response, '')"),
	DB_END
};
static struct db_sel SQL_IDEM_GET = DB_SEL(
    "SELECT {cols} FROM api_idempotency WHERE api_key = ? AND idem_key = ?",
    DB_WHOLE(idem_cols));

enum kq_status
idem_begin(struct db *db, struct arena *a, long long api_key, const char *key,
    const char *hash, struct idem_answer *ans)
{
	struct db_arg	args[3] = { DB_INT(api_key), DB_STR(key), DB_STR(hash) };
	struct idem_row	row;
	enum kq_status	s;

	memset(ans, 0, sizeof(*ans));
	/* an expired answer frees its key */
	if ((s = db_exec(db, "DELETE FROM api_idempotency WHERE api_key = ?"
	    " AND idem_key = ? AND" EXPIRED, args, 2, NULL, NULL)) != KQ_OK)
		return s;
	s = db_exec(db, "INSERT INTO api_idempotency (api_key, idem_key,"
	    " request_hash, state) VALUES (?, ?, ?, 'running')", args, 3, NULL, NULL);
	if (s == KQ_UNAVAILABLE && db_lost_race(db))
		s = KQ_CONFLICT;	/* Galera: another node's claim won */
	if (s == KQ_OK) {
		ans->claimed = 1;
		return KQ_OK;
	}
	if (s != KQ_CONFLICT)
		return s;
	if ((s = db_select_one(db, a, &SQL_IDEM_GET, args, 2, &row,
	    sizeof(row))) != KQ_OK)
		/* gone in between: its request ended in a 5xx; try again */
		return s == KQ_NOT_FOUND ? KQ_IDEMPOTENCY_BUSY : s;
	if (strcmp(row.hash, hash) != 0)
		return KQ_IDEMPOTENCY_MISMATCH;
	if (strcmp(row.state, "done") != 0)
		return KQ_IDEMPOTENCY_BUSY;
	ans->status = row.status;
	ans->body = row.body;
	return KQ_OK;
}

enum kq_status
idem_end(struct db *db, long long api_key, const char *key, int status,
    const char *body)
{
	struct db_arg args[4] = { DB_INT(status), DB_STR(body), DB_INT(api_key),
	    DB_STR(key) };

	if (status >= 500)
		return db_exec(db, "DELETE FROM api_idempotency WHERE api_key = ?"
		    " AND idem_key = ? AND state = 'running'", args + 2, 2, NULL, NULL);
	return db_exec(db, "UPDATE api_idempotency SET state = 'done',"
	    " http_status = ?, response = ? WHERE api_key = ? AND idem_key = ?",
	    args, 4, NULL, NULL);
}

enum kq_status
idem_sweep(struct db *db, unsigned long long *n)
{
	uint64_t	done = 0;
	enum kq_status	s;

	s = db_exec(db, "DELETE FROM api_idempotency WHERE" EXPIRED, NULL, 0,
	    &done, NULL);
	*n = done;
	return s;
}
