/*
 * ratelimit.c - counting failed attempts in the database.
 */
#include "ratelimit.h"

static const char SQL_ATTEMPTS_COUNT[] = "SELECT " ATTEMPT_COUNTS;
static const char SQL_ATTEMPT_INSERT[] =
    "INSERT INTO failed_attempts (kind, uin, client_ip) VALUES (?, ?, ?)";

enum kq_status
attempts_over(long long per_account, long long per_ip)
{
	/* SPEC §2: over 5 per account or 20 per IP */
	return per_account >= RL_PER_ACCOUNT || per_ip >= RL_PER_IP ?
	    KQ_RATE_LIMITED : KQ_OK;
}

enum kq_status
attempts_check(struct db *db, struct arena *a, const char *kind, long long uin,
    const char *ip)
{
	struct db_arg	 args[4] = { DB_INT(uin), DB_STR(kind), DB_STR(ip),
			    DB_STR(kind) };
	struct db_result r;
	enum kq_status	 s;

	if ((s = db_query(db, a, SQL_ATTEMPTS_COUNT, args, 4, &r)) != KQ_OK)
		return s;
	return attempts_over(db_cell_int(&r, 0, 0), db_cell_int(&r, 0, 1));
}

enum kq_status
attempts_fail(struct db *db, const char *kind, long long uin, const char *ip)
{
	struct db_arg args[3] = { DB_STR(kind), DB_INT(uin), DB_STR(ip) };

	return db_exec(db, SQL_ATTEMPT_INSERT, args, 3, NULL, NULL);
}
