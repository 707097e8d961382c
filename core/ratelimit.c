/*
 * ratelimit.c - counting failed attempts in the database.
 */
#include "ratelimit.h"

static const char SQL_ATTEMPTS_COUNT[] =
    "SELECT"
    " (SELECT COUNT(*) FROM failed_attempts WHERE uin = ? AND kind = ?"
    "  AND created_at > UTC_TIMESTAMP() - INTERVAL 15 MINUTE),"
    " (SELECT COUNT(*) FROM failed_attempts WHERE client_ip = ? AND kind = ?"
    "  AND created_at > UTC_TIMESTAMP() - INTERVAL 15 MINUTE)";
static const char SQL_ATTEMPT_INSERT[] =
    "INSERT INTO failed_attempts (kind, uin, client_ip) VALUES (?, ?, ?)";

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
	if (db_cell_int(&r, 0, 0) >= RL_PER_ACCOUNT ||
	    db_cell_int(&r, 0, 1) >= RL_PER_IP)
		return KQ_RATE_LIMITED;
	return KQ_OK;
}

enum kq_status
attempts_fail(struct db *db, const char *kind, long long uin, const char *ip)
{
	struct db_arg args[3] = { DB_STR(kind), DB_INT(uin), DB_STR(ip) };

	return db_exec(db, SQL_ATTEMPT_INSERT, args, 3, NULL, NULL);
}
