/*
 * ratelimit.c - counting failed attempts in the database.
 */
#include "ratelimit.h"

const struct db_col attempt_cols[] = {
	DB_COL(struct attempts, account, "(SELECT COUNT(*) FROM failed_attempts"
	    " WHERE uin = ? AND kind = ?" RL_IN_WINDOW),
	DB_COL(struct attempts, ip, "(SELECT COUNT(*) FROM failed_attempts"
	    " WHERE client_ip = ? AND kind = ?" RL_IN_WINDOW),
	DB_END
};
static struct db_sel SQL_ATTEMPTS = DB_SEL("SELECT {cols}", DB_WHOLE(attempt_cols));
static const char SQL_ATTEMPT_INSERT[] =
    "INSERT INTO failed_attempts (kind, uin, client_ip) VALUES (?, ?, ?)";

void
attempt_args(struct db_arg *a, const char *kind, long long uin, const char *ip)
{
	a[0] = DB_INT(uin);
	a[1] = DB_STR(kind);
	a[2] = DB_STR(ip);
	a[3] = DB_STR(kind);
}

enum kq_outcome
attempts_over(const struct attempts *t)
{
	/* SPEC §2: over 5 per account or 20 per IP; an account that has not
	 * failed itself is held back by its IP only at RL_PER_IP_CLEAN, so
	 * one guesser behind a NAT does not lock out its neighbours */
	return t->account >= RL_PER_ACCOUNT ||
	    t->ip >= (t->account > 0 ? RL_PER_IP : RL_PER_IP_CLEAN) ?
	    KQ_RATE_LIMITED : KQ_OK;
}

enum kq_outcome
attempts_check(struct db *db, struct arena *a, const char *kind, long long uin,
    const char *ip)
{
	struct db_arg	args[ATTEMPT_NARGS];
	struct attempts	t;
	enum kq_outcome	s;

	attempt_args(args, kind, uin, ip);
	if ((s = db_select_one(db, a, &SQL_ATTEMPTS, args, ATTEMPT_NARGS, &t,
	    sizeof(t))) != KQ_OK)
		return s;
	return attempts_over(&t);
}

enum kq_outcome
attempts_fail(struct db *db, const char *kind, long long uin, const char *ip)
{
	struct db_arg args[3] = { DB_STR(kind), DB_INT(uin), DB_STR(ip) };

	return db_exec(db, SQL_ATTEMPT_INSERT, args, 3, NULL, NULL);
}

/* Failed logins (table failed_logins): per login in its realm, and per
 * client IP over both realms. */
static const struct db_col login_attempt_cols[] = {
	DB_COL(struct attempts, account, "(SELECT COUNT(*) FROM failed_logins"
	    " WHERE login = ? AND realm = ?" RL_IN_WINDOW),
	DB_COL(struct attempts, ip, "(SELECT COUNT(*) FROM failed_logins"
	    " WHERE client_ip = ?" RL_IN_WINDOW),
	DB_END
};
static struct db_sel SQL_LOGIN_ATTEMPTS = DB_SEL("SELECT {cols}",
    DB_WHOLE(login_attempt_cols));
static const char SQL_LOGIN_FAIL[] =
    "INSERT INTO failed_logins (realm, login, client_ip) VALUES (?, ?, ?)";
static const char SQL_LOGIN_CLEAR[] =
    "DELETE FROM failed_logins WHERE login = ? AND realm = ?";

enum kq_outcome
login_attempts_check(struct db *db, struct arena *a, const char *realm,
    const char *login, const char *ip)
{
	struct db_arg	args[3] = { DB_STR(login), DB_STR(realm), DB_STR(ip) };
	struct attempts	t;
	enum kq_outcome	s;

	if ((s = db_select_one(db, a, &SQL_LOGIN_ATTEMPTS, args, 3, &t,
	    sizeof(t))) != KQ_OK)
		return s;
	/* SPEC §2: the same limits as codes, per login and per IP */
	return attempts_over(&t);
}

enum kq_outcome
login_attempts_fail(struct db *db, const char *realm, const char *login,
    const char *ip)
{
	struct db_arg args[3] = { DB_STR(realm), DB_STR(login), DB_STR(ip) };

	return db_exec(db, SQL_LOGIN_FAIL, args, 3, NULL, NULL);
}

enum kq_outcome
login_attempts_clear(struct db *db, const char *realm, const char *login)
{
	struct db_arg args[2] = { DB_STR(login), DB_STR(realm) };

	return db_exec(db, SQL_LOGIN_CLEAR, args, 2, NULL, NULL);
}
