/*
 * audit.c - one helper to write the audit log.
 */
#include <stddef.h>
#include <string.h>

#include "audit.h"

struct download {
	void		(*show)(const char *, char *);
	int		(*fn)(void *, const char *);
	void		 *ctx;
};

static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit_log (actor_kind, actor_id, actor_login, action, target,"
    " detail, client_ip) VALUES (?, ?, ?, ?, ?, ?, ?)";

static const struct db_col audit_cols[] = {
	DB_COL(struct audit_row, id, "id"),
	DB_COL(struct audit_row, actor_kind, "actor_kind"),
	DB_COL(struct audit_row, actor, "actor_login"),
	DB_COL(struct audit_row, action, "action"),
	DB_COL(struct audit_row, target, "target"),
	DB_COL(struct audit_row, detail, "detail"),
	DB_COL(struct audit_row, ip, "client_ip"),
	DB_COL(struct audit_row, time, "created_at"),
	DB_END
};
#define AUDIT_WHERE \
    " WHERE (? = '' OR actor_login = ?) AND (? = '' OR action = ?)" \
    " AND (? = '' OR target = ?) AND" PAGER_DAYS("created_at")
/* Newest first on the index the filter names (an object's, an action's,
 * an actor's, with days or without), so a rare one does not read the log
 * through (SPEC §9 Volume); the index's own filter alone is counted from
 * that index alone.  Days are read in (time, id) order on a time index;
 * the time indexes come last (by >= AL_TIME). */
enum { AL_ID, AL_ACTOR, AL_ACTION, AL_TARGET, AL_TIME, AL_ACTOR_TIME,
	AL_ACTION_TIME, AL__MAX };
#define AUDIT_READ(index, after) DB_SEL("SELECT {cols} FROM audit_log a" \
    " FORCE INDEX (" index ")" AUDIT_WHERE after, DB_WHOLE(audit_cols))
#define AUDIT_BY(index) AUDIT_READ(index, PAGER_AFTER("id"))
#define AUDIT_BY_TIME(index) \
    AUDIT_READ(index, PAGER_AFTER_TIME(a, audit_log, created_at))
static struct db_sel SQL_AUDIT_LIST[AL__MAX] = {
	[AL_ID] = AUDIT_BY("PRIMARY"),
	[AL_ACTOR] = AUDIT_BY("k_audit_actor"),
	[AL_ACTION] = AUDIT_BY("k_audit_action"),
	[AL_TARGET] = AUDIT_BY("k_audit_target"),
	[AL_TIME] = AUDIT_BY_TIME("k_audit_time"),
	[AL_ACTOR_TIME] = AUDIT_BY_TIME("k_audit_actor_time"),
	[AL_ACTION_TIME] = AUDIT_BY_TIME("k_audit_action_time"),
};
#define AUDIT_COUNT_BY(index) \
    PAGER_COUNT(" FROM audit_log FORCE INDEX (" index ")" AUDIT_WHERE)
static const char *const SQL_AUDIT_COUNT[AL__MAX] = {
	[AL_ID] = AUDIT_COUNT_BY("PRIMARY"),
	[AL_ACTOR] = AUDIT_COUNT_BY("k_audit_actor"),
	[AL_ACTION] = AUDIT_COUNT_BY("k_audit_action"),
	[AL_TARGET] = AUDIT_COUNT_BY("k_audit_target"),
	[AL_TIME] = AUDIT_COUNT_BY("k_audit_time"),
	[AL_ACTOR_TIME] = AUDIT_COUNT_BY("k_audit_actor_time"),
	[AL_ACTION_TIME] = AUDIT_COUNT_BY("k_audit_action_time"),
};
#define AUDIT_COUNT_OF(index, where) \
    PAGER_COUNT(" FROM audit_log FORCE INDEX (" index ") WHERE " where)
static const char *const SQL_AUDIT_COUNT_ONE[AL__MAX] = {
	[AL_ACTOR] = AUDIT_COUNT_OF("k_audit_actor", "actor_login = ?"),
	[AL_ACTION] = AUDIT_COUNT_OF("k_audit_action", "action = ?"),
	[AL_TARGET] = AUDIT_COUNT_OF("k_audit_target", "target = ?"),
	[AL_TIME] = AUDIT_COUNT_OF("k_audit_time", PAGER_DAYS("created_at")),
	[AL_ACTOR_TIME] = AUDIT_COUNT_OF("k_audit_actor_time",
	    "actor_login = ? AND" PAGER_DAYS("created_at")),
	[AL_ACTION_TIME] = AUDIT_COUNT_OF("k_audit_action_time",
	    "action = ? AND" PAGER_DAYS("created_at")),
};

enum kq_outcome
audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
    struct pager *pg, struct audit_row **out, size_t *n)
{
	struct db_arg	args[16], one[5];
	int		by, own, alone, dated = f->from_ymd || f->to_ymd;

	args[0] = args[1] = DB_STR(f->actor);
	args[2] = args[3] = DB_STR(f->action);
	args[4] = args[5] = DB_STR(f->target);
	pager_days(&args[6], f->from_ymd, f->to_ymd);
	if (*f->target)
		by = AL_TARGET;
	else if (dated)
		by = *f->action ? AL_ACTION_TIME : *f->actor ? AL_ACTOR_TIME :
		    AL_TIME;
	else
		by = *f->action ? AL_ACTION : *f->actor ? AL_ACTOR : AL_ID;
	/* the index's own filters alone are counted from it alone: its
	 * value (the second of its pair), then a time index's days */
	own = by == AL_ID ? -1 : by == AL_TIME ? 0 : 1;
	alone = (*f->target != '\0') + (*f->action != '\0') +
	    (*f->actor != '\0') == own && (by != AL_TARGET || !dated);
	if (alone)
		pager_count_own(pg, one, !own ? NULL : &args[by == AL_ACTOR ||
		    by == AL_ACTOR_TIME ? 1 : by == AL_ACTION ||
		    by == AL_ACTION_TIME ? 3 : 5], by >= AL_TIME ? &args[6] : NULL);
	pg->by_time = by >= AL_TIME;
	return pager_select(db, a, &SQL_AUDIT_LIST[by], alone ?
	    SQL_AUDIT_COUNT_ONE[by] : SQL_AUDIT_COUNT[by], args, 10, pg,
	    sizeof(**out), offsetof(struct audit_row, id), out, n);
}

enum kq_outcome
audit_write(struct db *db, const struct principal *actor, const char *action,
    const char *target, const char *detail, const char *client_ip)
{
	struct db_arg args[7];

	args[0] = DB_STR(actor == NULL ? "system" :
	    principal_kind_names[actor->kind]);
	args[1] = actor ? DB_INT(actor->id) : DB_NULL;
	args[2] = DB_STR(actor ? actor->login : "kaquanctl");
	args[3] = DB_STR(action);
	args[4] = DB_STR(target ? target : "");
	args[5] = DB_STR(detail ? detail : "");
	args[6] = DB_STR(client_ip ? client_ip : "");
	return db_exec(db, SQL_AUDIT_INSERT, args, 7, NULL, NULL);
}

static int
each_code(void *arg, long long id, const char *code)
{
	struct download	*d = arg;
	char		 shown[64];
	int		 rc;

	(void)id;
	d->show(code, shown);
	rc = d->fn(d->ctx, shown);
	explicit_bzero(shown, sizeof(shown));
	return rc;
}

enum kq_outcome
codes_download(struct db *db, const struct principal *actor, const char *ip,
    const char *exists_sql, long long id, const char *action,
    const char *target, enum code_kind kind,
    void (*show)(const char *, char *), int (*fn)(void *, const char *),
    void *ctx)
{
	struct db_arg	 arg = DB_INT(id);
	struct download	 d = { show, fn, ctx };
	long long	 one;
	enum kq_outcome	 s;

	if ((s = db_scalar(db, exists_sql, &arg, 1, &one)) != KQ_OK)
		return s;
	if ((s = audit_write(db, actor, action, target, NULL, ip)) != KQ_OK)
		return s;
	return code_each(db, kind, id, each_code, &d);
}
