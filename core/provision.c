/*
 * provision.c - writing and taking provisioning requests.
 */
#include "provision.h"

static const char SQL_OUTBOX_INSERT[] =
    "INSERT INTO provision_outbox (uin, order_id, product, line, os, cpu,"
    " memory_gb, disk_gb, bandwidth_mbps, months, status)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_OUTBOX_REQUEST[] =
    "UPDATE provision_outbox SET status = 'pending' WHERE order_id = ?"
    " AND status = 'held'";
/* ended_at first: MariaDB assigns left to right, so a later expression
 * would see the new status */
static const char SQL_OUTBOX_END[] =
    "UPDATE provision_outbox"
    " SET ended_at = IF(status = 'active', NULL, UTC_TIMESTAMP()),"
    " status = IF(status = 'active', 'stopping', 'cancelled')"
    " WHERE order_id = ? AND status IN ('held', 'pending', 'active')";
struct taken {
	long long	 id;
};
static const struct db_col taken_cols[] = {
	DB_COL(struct taken, id, "id"),
	DB_END
};
static struct db_sel SQL_OUTBOX_TAKE = DB_SEL(
    "SELECT {cols} FROM provision_outbox WHERE status IN ('pending', 'stopping')"
    " ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED", DB_WHOLE(taken_cols));
/* the host platform boots what is pending and stops what is stopping */
static const char SQL_OUTBOX_TAKEN[] =
    "UPDATE provision_outbox"
    " SET activated_at = IF(status = 'pending', UTC_TIMESTAMP(), activated_at),"
    " ended_at = IF(status = 'stopping', UTC_TIMESTAMP(), ended_at),"
    " status = IF(status = 'pending', 'active', 'ended')"
    " WHERE id = ? AND status IN ('pending', 'stopping')";

void
provision_step(struct db_step *st, long long uin, const struct batch *b,
    const char *os, int held)
{
	*st = (struct db_step){ SQL_OUTBOX_INSERT, "iksssiiiiis", {
	    DB_INT(uin), DB_STR(pickup_product_names[b->product]),
	    DB_STR(b->line), os ? DB_STR(os) : DB_NULL, DB_INT(b->cpu),
	    DB_INT(b->memory_gb), DB_INT(b->disk_gb), DB_INT(b->bandwidth_mbps),
	    DB_INT(b->months),
	    DB_STR(instance_status_names[held ? IS_HELD : IS_PENDING]) },
	    KQ_OK, 0 };
}

enum kq_status
provision_request(struct db *db, long long order_id)
{
	struct db_arg a = DB_INT(order_id);

	return db_exec(db, SQL_OUTBOX_REQUEST, &a, 1, NULL, NULL);
}

enum kq_status
provision_end(struct db *db, long long order_id)
{
	struct db_arg a = DB_INT(order_id);

	return db_exec(db, SQL_OUTBOX_END, &a, 1, NULL, NULL);
}

static enum kq_status
provision_txn(struct db *db, struct arena *a, void *arg)
{
	int		*n = arg;
	struct taken	*rows;
	struct db_arg	 x;
	enum kq_status	 s;
	size_t		 i, nrows;

	*n = 0;
	if ((s = db_select(db, a, &SQL_OUTBOX_TAKE, NULL, 0, sizeof(*rows), &rows,
	    &nrows)) != KQ_OK)
		return s;
	for (i = 0; i < nrows; i++) {
		x = DB_INT(rows[i].id);
		if ((s = db_exec(db, SQL_OUTBOX_TAKEN, &x, 1, NULL, NULL)) != KQ_OK)
			return s;
		(*n)++;
	}
	return KQ_OK;
}

enum kq_status
provision_run(struct db *db, struct arena *a, int *n)
{
	enum kq_status	s;
	int		batch;

	*n = 0;
	do {	/* 100 requests a transaction, until none is left */
		if ((s = db_txn(db, a, provision_txn, &batch)) != KQ_OK)
			return s;
		*n += batch;
	} while (batch > 0);
	return KQ_OK;
}
