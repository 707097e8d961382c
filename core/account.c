/*
 * account.c - creating accounts, users and admins.
 */
#include "account.h"
#include "auth.h"

static const char SQL_ACCOUNT_INSERT[] =
    "INSERT INTO accounts (uin, name, reseller_uin) VALUES (?, ?, ?)";
static const char SQL_USER_INSERT[] =
    "INSERT INTO users (uin, login, password_hash, is_owner, finance)"
    " VALUES (?, ?, ?, ?, ?)";
static const char SQL_ADMIN_INSERT[] =
    "INSERT INTO admins (login, password_hash, role) VALUES (?, ?, ?)";

enum kq_status
account_add(struct db *db, long long uin, const char *name, long long reseller)
{
	struct db_arg args[3] = { DB_INT(uin), DB_STR(name),
	    reseller > 0 ? DB_INT(reseller) : DB_NULL };

	return db_exec(db, SQL_ACCOUNT_INSERT, args, 3, NULL, NULL);
}

enum kq_status
user_add(struct db *db, long long uin, const char *login, const char *password,
    int is_owner, int finance, unsigned long long *id)
{
	char		 hash[256];
	struct db_arg	 args[5];
	uint64_t	 newid = 0;
	enum kq_status	 s;

	if (password_hash(password, hash, sizeof(hash)) < 0)
		return KQ_UNAVAILABLE;
	args[0] = DB_INT(uin);
	args[1] = DB_STR(login);
	args[2] = DB_STR(hash);
	args[3] = DB_INT(is_owner);
	args[4] = DB_INT(finance);
	s = db_exec(db, SQL_USER_INSERT, args, 5, NULL, &newid);
	*id = newid;
	return s;
}

enum kq_status
admin_add(struct db *db, const char *login, const char *password,
    const char *role, unsigned long long *id)
{
	char		 hash[256];
	struct db_arg	 args[3];
	uint64_t	 newid = 0;
	enum kq_status	 s;

	if (password_hash(password, hash, sizeof(hash)) < 0)
		return KQ_UNAVAILABLE;
	args[0] = DB_STR(login);
	args[1] = DB_STR(hash);
	args[2] = DB_STR(role);
	s = db_exec(db, SQL_ADMIN_INSERT, args, 3, NULL, &newid);
	*id = newid;
	return s;
}
