/*
 * audit.c - one helper to write the audit log.
 */
#include "audit.h"

struct download {
	void	(*show)(const char *, char *);
	int	(*fn)(void *, const char *);
	void	*ctx;
};

static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit_log (actor_kind, actor_id, actor_login, action, target,"
    " detail, client_ip) VALUES (?, ?, ?, ?, ?, ?, ?)";

enum kq_status
audit_write(struct db *db, const struct principal *actor, const char *action,
    const char *target, const char *detail, const char *client_ip)
{
	struct db_arg args[7];

	args[0] = DB_STR(actor == NULL ? "system" :
	    actor->kind == P_ADMIN ? "admin" : "member");
	args[1] = actor ? DB_INT(actor->id) : DB_NULL;
	args[2] = DB_STR(actor ? actor->login : "kaquanctl");
	args[3] = DB_STR(action);
	args[4] = DB_STR(target ? target : "");
	args[5] = DB_STR(detail ? detail : "");
	args[6] = DB_STR(client_ip ? client_ip : "");
	return db_exec(db, SQL_AUDIT_INSERT, args, 7, NULL, NULL);
}

const struct db_col code_cols[] = {
	DB_COL(struct code_row, code, "code"),
	DB_END
};

static int
each_code(void *arg, const void *row)
{
	const struct code_row	*r = row;
	struct download		*d = arg;
	char			 shown[64];

	d->show(r->code, shown);
	return d->fn(d->ctx, shown);
}

enum kq_status
codes_download(struct db *db, const struct principal *actor, const char *ip,
    const char *exists_sql, struct db_sel *codes, long long id,
    const char *action, const char *target,
    void (*show)(const char *, char *), int (*fn)(void *, const char *),
    void *ctx)
{
	struct db_arg	 arg = DB_INT(id);
	struct download	 d = { show, fn, ctx };
	struct code_row	 row;
	long long	 one;
	enum kq_status	 s;

	if ((s = db_scalar(db, exists_sql, &arg, 1, &one)) != KQ_OK)
		return s;
	if ((s = audit_write(db, actor, action, target, NULL, ip)) != KQ_OK)
		return s;
	return db_select_each(db, codes, &arg, 1, &row, each_code, &d);
}
