/*
 * ids.c - the id_blocks counters (ids.h).
 */
#include "db/ids.h"

static const char *const table_names[] = { "vouchers", "pickup_cards" };

/* LAST_INSERT_ID(expr): the connection's, so no second read can see
 * another transaction's value */
static const char SQL_IDS_TAKE[] =
    "UPDATE id_blocks SET next_id = LAST_INSERT_ID(next_id + ?) WHERE name = ?";

enum kq_outcome
ids_take(struct db *db, enum ids_table t, long long n, long long *first)
{
	struct db_arg	a[2] = { DB_INT(n), DB_STR(table_names[t]) };
	uint64_t	changed, next;
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_IDS_TAKE, a, 2, &changed, &next)) != KQ_OK)
		return s;
	if (changed != 1)
		return KQ_UNAVAILABLE;	/* no counter: the migration did not run */
	*first = (long long)next - n;
	return KQ_OK;
}
