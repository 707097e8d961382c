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

static int
each_code(void *arg, const char **cells, size_t ncols)
{
	struct download	*d = arg;
	char		 shown[64];

	(void)ncols;
	d->show(cells[0], shown);
	return d->fn(d->ctx, shown);
}

enum kq_status
codes_download(struct db *db, const struct principal *actor, const char *ip,
    const char *exists_sql, const char *codes_sql, long long id,
    const char *action, const char *target,
    void (*show)(const char *, char *), int (*fn)(void *, const char *),
    void *ctx)
{
	struct db_arg	 arg = DB_INT(id);
	struct download	 d = { show, fn, ctx };
	struct arena	 a;
	struct db_result r;
	enum kq_status	 s;

	arena_init(&a, 1024, 0);
	s = db_query(db, &a, exists_sql, &arg, 1, &r);
	arena_free(&a);
	if (s != KQ_OK)
		return s;
	if (r.nrows == 0)
		return KQ_NOT_FOUND;
	if ((s = audit_write(db, actor, action, target, NULL, ip)) != KQ_OK)
		return s;
	return db_each(db, codes_sql, &arg, 1, each_code, &d);
}
