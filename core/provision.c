/*
 * provision.c - writing and taking provisioning requests.
 */
#include "provision.h"
#include "state.h"

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
/* to boot or to stop, and not leased to a consumer */
#define OUTBOX_OPEN \
    " status IN ('pending', 'stopping') AND (taken_at IS NULL" \
    " OR taken_at < UTC_TIMESTAMP() - INTERVAL " STR(PROVISION_LEASE_MIN) " MINUTE)"
static struct db_sel SQL_OUTBOX_TAKE = DB_SEL(
    "SELECT {cols} FROM provision_outbox WHERE" OUTBOX_OPEN
    " ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED", DB_WHOLE(taken_cols));
static const struct db_col outbox_cols[] = {
	DB_COL(struct outbox_row, id, "id"),
	DB_COL(struct outbox_row, uin, "uin"),
	DB_COL(struct outbox_row, order_id, "order_id"),
	DB_COL(struct outbox_row, product, "product"),
	DB_COL(struct outbox_row, line, "line"),
	DB_COL(struct outbox_row, os, "os"),
	DB_COL(struct outbox_row, cpu, "cpu"),
	DB_COL(struct outbox_row, memory_gb, "memory_gb"),
	DB_COL(struct outbox_row, disk_gb, "disk_gb"),
	DB_COL(struct outbox_row, bandwidth_mbps, "bandwidth_mbps"),
	DB_COL(struct outbox_row, months, "months"),
	DB_ENUM(struct outbox_row, status, "status", instance_status_names),
	DB_COL(struct outbox_row, created_at, "created_at"),
	DB_COL(struct outbox_row, taken_at, "taken_at"),
	DB_END
};
static struct db_sel SQL_OUTBOX_LEASE = DB_SEL(
    "SELECT {cols} FROM provision_outbox WHERE" OUTBOX_OPEN
    " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED", DB_WHOLE(outbox_cols));
static const char SQL_OUTBOX_LEASED[] =
    "UPDATE provision_outbox SET taken_at = UTC_TIMESTAMP(), taken_by = ?"
    " WHERE id = ?";
static struct db_sel SQL_OUTBOX_GET = DB_SEL(
    "SELECT {cols} FROM provision_outbox WHERE id = ?", DB_WHOLE(outbox_cols));
/* leased to this consumer, and the lease still runs (SPEC §7: only its
 * holder acknowledges) */
#define OUTBOX_LEASED_TO \
    " AND taken_by = ? AND taken_at >= UTC_TIMESTAMP() - INTERVAL " \
    STR(PROVISION_LEASE_MIN) " MINUTE"
static const char SQL_OUTBOX_FAIL[] =
    "UPDATE provision_outbox SET status = 'failed', ended_at = UTC_TIMESTAMP()"
    " WHERE order_id = ? AND status = 'pending'" OUTBOX_LEASED_TO;
/* the host platform boots what is pending and stops what is stopping */
#define OUTBOX_TAKEN \
    "UPDATE provision_outbox" \
    " SET activated_at = IF(status = 'pending', UTC_TIMESTAMP(), activated_at)," \
    " ended_at = IF(status = 'stopping', UTC_TIMESTAMP(), ended_at)," \
    " status = IF(status = 'pending', 'active', 'ended')" \
    " WHERE id = ? AND status IN ('pending', 'stopping')"
static const char SQL_OUTBOX_TAKEN[] = OUTBOX_TAKEN;	/* the demo's */
static const char SQL_OUTBOX_DONE[] = OUTBOX_TAKEN OUTBOX_LEASED_TO;
/* why an acknowledgement changed nothing: 1 when it is to boot or stop at
 * all (then the lease is another's, or over) */
static const char SQL_OUTBOX_OPEN[] =
    "SELECT status IN ('pending', 'stopping') FROM provision_outbox WHERE id = ?";
static const char SQL_OUTBOX_OPEN_OF[] =
    "SELECT status = 'pending' FROM provision_outbox WHERE order_id = ?";

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

enum kq_outcome
provision_request(struct db *db, long long order_id)
{
	struct db_arg a = DB_INT(order_id);

	return db_exec(db, SQL_OUTBOX_REQUEST, &a, 1, NULL, NULL);
}

enum kq_outcome
provision_end(struct db *db, long long order_id)
{
	struct db_arg a = DB_INT(order_id);

	return db_exec(db, SQL_OUTBOX_END, &a, 1, NULL, NULL);
}

static enum kq_outcome
provision_txn(struct db *db, struct arena *a, void *arg)
{
	int		*n = arg;
	struct taken	*rows;
	struct db_arg	 x;
	enum kq_outcome	 s;
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

struct lease {
	long long		 consumer;
	int			 limit;
	struct outbox_row	*rows;
	size_t			 n;
};

static enum kq_outcome
lease_txn(struct db *db, struct arena *a, void *arg)
{
	struct lease	*l = arg;
	struct db_arg	 x = DB_INT(l->limit), y[2];
	enum kq_outcome	 s;
	size_t		 i;

	if ((s = db_select(db, a, &SQL_OUTBOX_LEASE, &x, 1, sizeof(*l->rows),
	    &l->rows, &l->n)) != KQ_OK)
		return s;
	for (i = 0; i < l->n; i++) {
		y[0] = DB_INT(l->consumer);
		y[1] = DB_INT(l->rows[i].id);
		if ((s = db_exec(db, SQL_OUTBOX_LEASED, y, 2, NULL, NULL)) != KQ_OK)
			return s;
	}
	return KQ_OK;
}

enum kq_outcome
provision_take(struct db *db, struct arena *a, long long consumer, int limit,
    struct outbox_row **rows, size_t *n)
{
	struct lease	l = { consumer, limit, NULL, 0 };
	enum kq_outcome	s;

	*n = 0;
	if ((s = db_txn(db, a, lease_txn, &l)) != KQ_OK)
		return s;
	*rows = l.rows;
	*n = l.n;
	return KQ_OK;
}

enum kq_outcome
provision_get(struct db *db, struct arena *a, long long id,
    struct outbox_row *row)
{
	struct db_arg x = DB_INT(id);

	return db_select_one(db, a, &SQL_OUTBOX_GET, &x, 1, row, sizeof(*row));
}

/* After an acknowledgement that changed no row: KQ_NOT_FOUND, KQ_CONFLICT
 * (neither to boot nor to stop), or KQ_NOT_LEASED. */
static enum kq_outcome
unacknowledged(struct db *db, const char *sql, long long key)
{
	struct db_arg	x = DB_INT(key);
	long long	open;
	enum kq_outcome	s;

	if ((s = db_scalar(db, sql, &x, 1, &open)) != KQ_OK)
		return s;
	return open ? KQ_NOT_LEASED : KQ_CONFLICT;
}

enum kq_outcome
provision_done(struct db *db, long long id, long long consumer)
{
	struct db_arg	x[2] = { DB_INT(id), DB_INT(consumer) };
	uint64_t	n = 0;
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_OUTBOX_DONE, x, 2, &n, NULL)) != KQ_OK || n == 1)
		return s;
	return unacknowledged(db, SQL_OUTBOX_OPEN, id);
}

enum kq_outcome
provision_fail(struct db *db, long long order_id, long long consumer)
{
	struct db_arg	x[2] = { DB_INT(order_id), DB_INT(consumer) };
	uint64_t	n = 0;
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_OUTBOX_FAIL, x, 2, &n, NULL)) != KQ_OK || n == 1)
		return s;
	return unacknowledged(db, SQL_OUTBOX_OPEN_OF, order_id);
}

enum kq_outcome
provision_run(struct db *db, struct arena *a, int *n)
{
	enum kq_outcome	s;
	int		batch;

	*n = 0;
	do {	/* 100 requests a transaction, until none is left */
		if ((s = db_txn(db, a, provision_txn, &batch)) != KQ_OK)
			return s;
		*n += batch;
	} while (batch > 0);
	return KQ_OK;
}
