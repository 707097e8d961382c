/*
 * audit.c - one helper to write the audit log.
 */
#include <stddef.h>
#include <string.h>

#include "audit.h"
#include "base/clock.h"

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
    " AND (? = '' OR target = ?)" \
    " AND (? IS NULL OR created_at >= ?) AND (? IS NULL OR created_at <= ?)"
/* Newest first on the index the filter names (an object's, a range of
 * days, an action's, an actor's), so a rare one does not read the log
 * through (SPEC §9 Volume); one alone is counted from that index alone.
 * Days are read in (time, id) order on the time index. */
enum { AL_ID, AL_ACTOR, AL_ACTION, AL_TARGET, AL_TIME, AL__MAX };
#define AUDIT_READ(index, after) DB_SEL("SELECT {cols} FROM audit_log a" \
    " FORCE INDEX (" index ")" AUDIT_WHERE after, DB_WHOLE(audit_cols))
#define AUDIT_BY(index) AUDIT_READ(index, PAGER_AFTER("id"))
static struct db_sel SQL_AUDIT_LIST[AL__MAX] = {
	[AL_ID] = AUDIT_BY("PRIMARY"),
	[AL_ACTOR] = AUDIT_BY("k_audit_actor"),
	[AL_ACTION] = AUDIT_BY("k_audit_action"),
	[AL_TARGET] = AUDIT_BY("k_audit_target"),
	[AL_TIME] = AUDIT_READ("k_audit_time",
	    PAGER_AFTER_TIME(a, audit_log, created_at)),
};
#define AUDIT_COUNT_BY(index) \
    PAGER_COUNT(" FROM audit_log FORCE INDEX (" index ")" AUDIT_WHERE)
static const char *const SQL_AUDIT_COUNT[AL__MAX] = {
	[AL_ID] = AUDIT_COUNT_BY("PRIMARY"),
	[AL_ACTOR] = AUDIT_COUNT_BY("k_audit_actor"),
	[AL_ACTION] = AUDIT_COUNT_BY("k_audit_action"),
	[AL_TARGET] = AUDIT_COUNT_BY("k_audit_target"),
	[AL_TIME] = AUDIT_COUNT_BY("k_audit_time"),
};
static const char *const SQL_AUDIT_COUNT_ONE[AL__MAX] = {
	[AL_ACTOR] = PAGER_COUNT(" FROM audit_log FORCE INDEX (k_audit_actor)"
	    " WHERE actor_login = ?"),
	[AL_ACTION] = PAGER_COUNT(" FROM audit_log FORCE INDEX (k_audit_action)"
	    " WHERE action = ?"),
	[AL_TARGET] = PAGER_COUNT(" FROM audit_log FORCE INDEX (k_audit_target)"
	    " WHERE target = ?"),
};

enum kq_outcome
audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
    struct pager *pg, struct audit_row **out, size_t *n)
{
	struct db_arg	args[16];
	int		by, given, dated = f->from_ymd || f->to_ymd;

	args[0] = args[1] = DB_STR(f->actor);
	args[2] = args[3] = DB_STR(f->action);
	args[4] = args[5] = DB_STR(f->target);
	args[6] = args[7] = f->from_ymd ?
	    DB_TIME(clock_start_of_day(f->from_ymd)) : DB_NULL;
	args[8] = args[9] = f->to_ymd ?
	    DB_TIME(clock_end_of_day(f->to_ymd)) : DB_NULL;
	by = *f->target ? AL_TARGET : dated ? AL_TIME : *f->action ?
	    AL_ACTION : *f->actor ? AL_ACTOR : AL_ID;
	given = (*f->target != '\0') + (*f->action != '\0') +
	    (*f->actor != '\0') + dated;
	if (given == 1 && by != AL_ID && by != AL_TIME)	/* its pair's second */
		pager_count_args(pg, &args[by == AL_ACTOR ? 1 : by == AL_ACTION ?
		    3 : 5], 1);
	pg->by_time = by == AL_TIME;
	return pager_select(db, a, &SQL_AUDIT_LIST[by], given == 1 &&
	    by != AL_ID && by != AL_TIME ? SQL_AUDIT_COUNT_ONE[by] :
	    SQL_AUDIT_COUNT[by], args, 10, pg, sizeof(**out),
	    offsetof(struct audit_row, id), out, n);
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
