/*
 * account.c - the accounts, users and admins tables: creating them, and a
 * partner's own settings and customers (SPEC §6).
 */
#include <stddef.h>
#include <stdio.h>

#include "account.h"
#include "audit.h"
#include "auth.h"
#include "state.h"

/* A customer's reseller must be a partner (SPEC §6). */
static const char SQL_ACCOUNT_INSERT[] =
    "INSERT INTO accounts (uin, name, reseller_uin, partner)"
    " SELECT ?, ?, ?, ? FROM DUAL WHERE ? = 0 OR EXISTS"
    " (SELECT 1 FROM accounts r WHERE r.uin = ? AND r.partner = 1)";
static const char SQL_USER_INSERT[] =
    "INSERT INTO users (uin, login, password_hash, is_owner, finance)"
    " VALUES (?, ?, ?, ?, ?)";
static const char SQL_ADMIN_INSERT[] =
    "INSERT INTO admins (login, password_hash, role) VALUES (?, ?, ?)";

static const struct db_col partner_cols[] = {
	DB_COL(struct partner, uin, "a.uin"),
	DB_COL(struct partner, name, "a.name"),
	DB_COL(struct partner, associated_first, "a.associated_first"),
	DB_COL(struct partner, customers,
	    "(SELECT COUNT(*) FROM accounts c WHERE c.reseller_uin = a.uin)"),
	DB_END
};
static struct db_sel SQL_PARTNER_GET = DB_SEL(
    "SELECT {cols} FROM accounts a WHERE a.uin = ? AND a.partner = 1",
    DB_WHOLE(partner_cols));
static const struct db_col customer_cols[] = {
	DB_COL(struct customer, uin, "c.uin"),
	DB_COL(struct customer, name, "c.name"),
	DB_COL(struct customer, created_at, "c.created_at"),
	DB_END
};
static struct db_sel SQL_CUSTOMERS = DB_SEL(
    "SELECT {cols} FROM accounts c WHERE c.reseller_uin = ?"
    PAGER_AFTER_ASC("c.uin"), DB_WHOLE(customer_cols));
static const char SQL_CUSTOMERS_COUNT[] =
    PAGER_COUNT(" FROM accounts WHERE reseller_uin = ?");
/* the partners, or a partner's customers, to pick from: the first of them
 * on their index (022_accounts_partner.sql, k_accounts_reseller), no count */
static struct db_sel SQL_PARTNER_CHOICES = DB_SEL(
    "SELECT {cols} FROM accounts c FORCE INDEX (k_accounts_partner)"
    " WHERE c.partner = 1 ORDER BY c.uin LIMIT " STR(ACCOUNT_CHOICES),
    DB_WHOLE(customer_cols));
static struct db_sel SQL_CUSTOMER_CHOICES = DB_SEL(
    "SELECT {cols} FROM accounts c FORCE INDEX (k_accounts_reseller)"
    " WHERE c.reseller_uin = ? ORDER BY c.uin LIMIT " STR(ACCOUNT_CHOICES),
    DB_WHOLE(customer_cols));
static const char SQL_IS_CUSTOMER[] =
    "SELECT COUNT(*) FROM accounts WHERE uin = ? AND reseller_uin = ?";
static const char SQL_SET_ASSOCIATED_FIRST[] =
    "UPDATE accounts SET associated_first = ? WHERE uin = ? AND partner = 1";

enum kq_outcome
account_add(struct db *db, long long uin, const char *name, long long reseller,
    int partner)
{
	struct db_arg	args[6] = { DB_INT(uin), DB_STR(name),
			    reseller > 0 ? DB_INT(reseller) : DB_NULL,
			    DB_INT(partner != 0), DB_INT(reseller), DB_INT(reseller) };
	uint64_t	n;
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_ACCOUNT_INSERT, args, 6, &n, NULL)) != KQ_OK)
		return s;
	return n == 1 ? KQ_OK : KQ_INVALID_FIELD;
}

enum kq_outcome
user_add(struct db *db, long long uin, const char *login, const char *password,
    int is_owner, int finance, unsigned long long *id)
{
	char		 hash[256];
	struct db_arg	 args[5];
	uint64_t	 newid = 0;
	enum kq_outcome	 s;

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

enum kq_outcome
admin_add(struct db *db, const char *login, const char *password,
    const char *role, unsigned long long *id)
{
	char		 hash[256];
	struct db_arg	 args[3];
	uint64_t	 newid = 0;
	enum kq_outcome	 s;

	if (password_hash(password, hash, sizeof(hash)) < 0)
		return KQ_UNAVAILABLE;
	args[0] = DB_STR(login);
	args[1] = DB_STR(hash);
	args[2] = DB_STR(role);
	s = db_exec(db, SQL_ADMIN_INSERT, args, 3, NULL, &newid);
	*id = newid;
	return s;
}

enum kq_outcome
partner_get(struct db *db, struct arena *a, long long uin, struct partner *p)
{
	struct db_arg arg = DB_INT(uin);

	return db_select_one(db, a, &SQL_PARTNER_GET, &arg, 1, p, sizeof(*p));
}

enum kq_outcome
partner_customers(struct db *db, struct arena *a, long long partner,
    struct pager *pg, struct customer **out, size_t *n)
{
	struct db_arg args[5] = { DB_INT(partner) };

	return pager_select(db, a, &SQL_CUSTOMERS, SQL_CUSTOMERS_COUNT, args, 1,
	    pg, sizeof(**out), offsetof(struct customer, uin), out, n);
}

enum kq_outcome
partner_choices(struct db *db, struct arena *a, long long partner,
    struct customer **out, size_t *n)
{
	struct db_arg arg = DB_INT(partner);

	return db_select(db, a, partner ? &SQL_CUSTOMER_CHOICES :
	    &SQL_PARTNER_CHOICES, &arg, partner ? 1 : 0, sizeof(**out), out, n);
}

enum kq_outcome
partner_has_customer(struct db *db, long long partner, long long uin)
{
	struct db_arg	args[2] = { DB_INT(uin), DB_INT(partner) };
	long long	n;
	enum kq_outcome	s;

	if ((s = db_scalar(db, SQL_IS_CUSTOMER, args, 2, &n)) != KQ_OK)
		return s;
	return n == 1 ? KQ_OK : KQ_NOT_FOUND;
}

struct switch_ctx {
	const struct principal	*me;
	const char		*ip;
	int			 on;
};

static enum kq_outcome
switch_txn(struct db *db, struct arena *a, void *arg)
{
	struct switch_ctx	*c = arg;
	struct db_arg		 args[2] = { DB_INT(c->on), DB_INT(c->me->uin) };
	char			 target[40];
	enum kq_outcome		 s;

	(void)a;
	if ((s = db_exec(db, SQL_SET_ASSOCIATED_FIRST, args, 2, NULL, NULL)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "partner:%lld", c->me->uin);
	return audit_write(db, c->me, "partner.associated_first", target,
	    c->on ? "on" : "off", c->ip);
}

enum kq_outcome
partner_set_associated_first(struct db *db, struct arena *a,
    const struct principal *me, const char *ip, int on)
{
	struct switch_ctx c = { me, ip, on };

	return db_txn(db, a, switch_txn, &c);
}
