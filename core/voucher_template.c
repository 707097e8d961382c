/*
 * voucher_template.c - creating, editing and reading voucher templates.
 *
 * Editing locks the row and checks the issue count in the same
 * transaction, so an edit racing the first issue either lands before it or
 * gets 409 template_locked.
 */
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "audit.h"
#include "catalog.h"
#include "base/clock.h"
#include "voucher_template.h"

static const struct db_col template_cols[] = {
	DB_COL(struct vtemplate, id, "t.id"),
	DB_COL(struct vtemplate, name, "t.name"),
	DB_COL(struct vtemplate, face, "t.face"),
	DB_ENUM(struct vtemplate, mode, "t.balance_mode", balance_mode_names),
	DB_ENUM(struct vtemplate, scope, "t.scope", voucher_scope_names),
	DB_COL(struct vtemplate, products, "t.products"),
	DB_COL(struct vtemplate, scenarios, "t.scenarios"),
	DB_COL(struct vtemplate, billing, "t.billing"),
	DB_COL(struct vtemplate, min_amount, "t.min_amount"),
	DB_COL(struct vtemplate, min_months, "t.min_months"),
	DB_COL(struct vtemplate, valid_from, "t.valid_from"),
	DB_COL(struct vtemplate, valid_to, "t.valid_to"),
	DB_COL(struct vtemplate, valid_days, "t.valid_days"),
	DB_COL(struct vtemplate, issued, "t.issued"),
	DB_COL(struct vtemplate, created_at, "t.created_at"),
	DB_END
};

/* whose: kind, then owner (0 for the platform's) */
#define TEMPLATE_OF " t.kind = ? AND IFNULL(t.owner_uin, 0) = ?"
static struct db_sel SQL_TEMPLATE_GET = DB_SEL(
    "SELECT {cols} FROM voucher_templates t WHERE t.id = ? AND" TEMPLATE_OF,
    DB_WHOLE(template_cols));
static struct db_sel SQL_TEMPLATE_USE = DB_SEL(
    "SELECT {cols} FROM voucher_templates t WHERE t.id = ? AND" TEMPLATE_OF
    " FOR UPDATE", DB_WHOLE(template_cols));
static struct db_sel SQL_TEMPLATE_LIST = DB_SEL(
    "SELECT {cols} FROM voucher_templates t FORCE INDEX (k_templates_owner)"
    " WHERE" TEMPLATE_OF PAGER_AFTER("t.id"),
    DB_WHOLE(template_cols));
static const char SQL_TEMPLATE_COUNT[] =
    PAGER_COUNT(" FROM voucher_templates t WHERE" TEMPLATE_OF);
static const char SQL_TEMPLATE_LOCK[] =
    "SELECT t.issued FROM voucher_templates t WHERE t.id = ? AND" TEMPLATE_OF
    " FOR UPDATE";
static const char SQL_TEMPLATE_INSERT[] =
    "INSERT INTO voucher_templates (name, face, balance_mode, scope, products,"
    " scenarios, billing, min_amount, min_months, valid_from, valid_to,"
    " valid_days, kind, owner_uin, created_by)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_TEMPLATE_UPDATE[] =
    "UPDATE voucher_templates SET name = ?, face = ?, balance_mode = ?,"
    " scope = ?, products = ?, scenarios = ?, billing = ?, min_amount = ?,"
    " min_months = ?, valid_from = ?, valid_to = ?, valid_days = ?"
    " WHERE id = ? AND issued = 0";
static const char SQL_TEMPLATE_ISSUED[] =
    "UPDATE voucher_templates SET issued = issued + 1 WHERE id = ?";

enum kq_outcome
template_get_of(struct db *db, struct arena *a, enum template_kind kind,
    long long owner, long long id, struct vtemplate *t)
{
	struct db_arg args[3] = { DB_INT(id), DB_STR(template_kind_names[kind]),
	    DB_INT(owner) };

	return db_select_one(db, a, &SQL_TEMPLATE_GET, args, 3, t, sizeof(*t));
}

enum kq_outcome
template_get(struct db *db, struct arena *a, long long id, struct vtemplate *t)
{
	return template_get_of(db, a, TK_PLATFORM, 0, id, t);
}

enum kq_outcome
template_list_of(struct db *db, struct arena *a, enum template_kind kind,
    long long owner, struct pager *pg, struct vtemplate **out, size_t *n)
{
	struct db_arg args[6] = { DB_STR(template_kind_names[kind]),
	    DB_INT(owner) };

	return pager_select(db, a, &SQL_TEMPLATE_LIST, SQL_TEMPLATE_COUNT, args, 2,
	    pg, sizeof(**out), offsetof(struct vtemplate, id), out, n);
}

enum kq_outcome
template_list(struct db *db, struct arena *a, struct pager *pg,
    struct vtemplate **out, size_t *n)
{
	return template_list_of(db, a, TK_PLATFORM, 0, pg, out, n);
}

enum kq_outcome
template_use(struct db *db, struct arena *a, enum template_kind kind,
    long long owner, long long id, struct vtemplate *t)
{
	struct db_arg	args[3] = { DB_INT(id), DB_STR(template_kind_names[kind]),
			    DB_INT(owner) };
	enum kq_outcome	s;

	if ((s = db_select_one(db, a, &SQL_TEMPLATE_USE, args, 3, t,
	    sizeof(*t))) != KQ_OK)
		return s;
	return template_count_issue(db, id);
}

enum kq_outcome
template_validity(const struct vtemplate *t, time_t now, time_t *from,
    time_t *to)
{
	/* SPEC §2: a duration counts from the moment of issue */
	if (t->valid_days) {
		*from = now;
		*to = now + (time_t)t->valid_days * 86400;
		return KQ_OK;
	}
	if (t->valid_to <= now)
		return KQ_INVALID_FIELD;	/* the fixed validity has ended */
	*from = t->valid_from;
	*to = t->valid_to;
	return KQ_OK;
}

enum kq_outcome
template_count_issue(struct db *db, long long id)
{
	struct db_arg a = DB_INT(id);

	return db_exec(db, SQL_TEMPLATE_ISSUED, &a, 1, NULL, NULL);
}

struct save_ctx {
	const struct principal		*admin;
	const char			*ip;
	const struct template_spec	*t;
	time_t				 from, to;
	long long			 id;
};

static enum kq_outcome
save_txn(struct db *db, struct arena *ar, void *arg)
{
	struct save_ctx			*c = arg;
	const struct template_spec	*t = c->t;
	struct db_arg			 a[15];
	long long			 issued;
	char				 target[32];
	uint64_t			 id;
	enum kq_outcome			 s;

	a[0] = DB_STR(t->name);
	a[1] = DB_INT(t->face);
	a[2] = DB_STR(balance_mode_names[t->mode]);
	a[3] = DB_STR(voucher_scope_names[t->scope]);
	a[4] = DB_STR(t->products);
	a[5] = DB_STR(t->scenarios);
	a[6] = DB_STR(t->billing);
	a[7] = DB_INT(t->min_amount);
	a[8] = DB_INT(t->min_months);
	a[9] = t->valid_days ? DB_NULL : DB_TIME(c->from);
	a[10] = t->valid_days ? DB_NULL : DB_TIME(c->to);
	a[11] = t->valid_days ? DB_INT(t->valid_days) : DB_NULL;
	if (t->id == 0) {
		a[12] = DB_STR(template_kind_names[t->kind]);
		a[13] = t->owner ? DB_INT(t->owner) : DB_NULL;
		a[14] = DB_INT(c->admin->id);
		if ((s = db_exec(db, SQL_TEMPLATE_INSERT, a, 15, NULL, &id)) != KQ_OK)
			return s;
		c->id = (long long)id;
	} else {
		struct db_arg l[3] = { DB_INT(t->id),
		    DB_STR(template_kind_names[t->kind]), DB_INT(t->owner) };

		if ((s = db_scalar(db, SQL_TEMPLATE_LOCK, l, 3, &issued)) != KQ_OK)
			return s;
		if (issued > 0)	/* seed 003: editable until used to issue */
			return KQ_TEMPLATE_LOCKED;
		a[12] = DB_INT(t->id);
		if ((s = db_exec(db, SQL_TEMPLATE_UPDATE, a, 13, NULL, NULL)) != KQ_OK)
			return s;
		c->id = t->id;
	}
	snprintf(target, sizeof(target), "template:%lld", c->id);
	return audit_write(db, c->admin, arena_printf(ar, "%s.template.%s",
	    t->kind == TK_PLATFORM ? "voucher" : template_kind_names[t->kind],
	    t->id ? "edit" : "create"), target, t->name, c->ip);
}

enum kq_outcome
template_save(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, const struct template_spec *t, long long *id,
    const char **bad)
{
	struct template_spec	tt = *t;
	struct save_ctx		c = { admin, ip, &tt, 0, 0, 0 };
	enum kq_outcome		s;
	int			known;

	/* dates or a duration, the one chosen (issue 9) */
	switch (validity_pick(t->validity_by, t->from_ymd || t->to_ymd,
	    t->valid_days != 0)) {
	case VB_DATES:
		tt.valid_days = 0;
		break;
	case VB_DURATION:
		tt.from_ymd = tt.to_ymd = 0;
		break;
	default:
		*bad = "validity";
		*id = 0;
		return KQ_INVALID_FIELD;
	}
	t = &tt;

	*bad = NULL;
	*id = 0;
	if (t->face <= 0)
		*bad = "face";
	else if (t->kind == TK_PARTNER && t->scope == SCOPE_ALL)
		*bad = "scope";		/* SPEC §6: include or exclude */
	else if (t->kind == TK_PARTNER && !t->valid_days)
		*bad = "valid_days";	/* counted from approval */
	else if (t->scope == SCOPE_INCLUDE && *t->products == '\0')
		*bad = "products";	/* an empty blocklist excludes nothing */
	else if (!t->valid_days) {
		if (t->from_ymd == 0 || t->to_ymd == 0)
			*bad = "valid_to";
		else {
			/* from the start of the first day to the end of the last */
			c.from = clock_start_of_day(t->from_ymd);
			c.to = clock_end_of_day(t->to_ymd);
			if (c.to <= c.from || c.to <= time(NULL))
				*bad = "valid_to";
		}
	}
	if (*bad == NULL && (known = catalog_has_all(db, t->products)) <= 0) {
		if (known < 0)
			return KQ_UNAVAILABLE;
		*bad = "products";
	}
	if (*bad != NULL)
		return KQ_INVALID_FIELD;
	if ((s = db_txn(db, a, save_txn, &c)) == KQ_OK)
		*id = c.id;
	return s;
}
