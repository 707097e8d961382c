/*
 * voucher.c - templates, issue, redemption, matching and settlement.
 *
 * Single use is the database's: a redemption is
 *   UPDATE vouchers SET status = 'available' ... WHERE code = ? AND
 *   status = 'unactivated'
 * and a voucher is frozen for an order by
 *   UPDATE vouchers SET status = 'frozen' ... WHERE id = ? AND status = 'available'
 * with the affected-row count checked, in the transaction that records it.
 * The ledger row is written from the row's state after the change, so the
 * ledger cannot disagree with the voucher.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "codes.h"
#include "order.h"
#include "ratelimit.h"
#include "voucher.h"

/* ------------------------------------------------------------ templates */

#define TEMPLATE_COLS \
    "t.id, t.name, t.face, t.balance_mode, t.scope, t.products, t.scenarios," \
    " t.billing, t.min_amount, t.min_months, t.valid_from, t.valid_to," \
    " IFNULL(t.valid_days, 0), t.issued, t.created_at"

static const char SQL_TEMPLATE_GET[] =
    "SELECT " TEMPLATE_COLS " FROM voucher_templates t WHERE t.id = ?";
static const char SQL_TEMPLATE_LIST[] =
    "SELECT " TEMPLATE_COLS " FROM voucher_templates t"
    " ORDER BY t.id DESC LIMIT ? OFFSET ?";
static const char SQL_TEMPLATE_COUNT[] =
    "SELECT COUNT(*) FROM voucher_templates";
static const char SQL_TEMPLATE_INSERT[] =
    "INSERT INTO voucher_templates (name, face, balance_mode, scope, products,"
    " scenarios, billing, min_amount, min_months, valid_from, valid_to,"
    " valid_days, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_TEMPLATE_UPDATE[] =
    "UPDATE voucher_templates SET name = ?, face = ?, balance_mode = ?,"
    " scope = ?, products = ?, scenarios = ?, billing = ?, min_amount = ?,"
    " min_months = ?, valid_from = ?, valid_to = ?, valid_days = ?"
    " WHERE id = ? AND issued = 0";
static const char SQL_TEMPLATE_LOCK[] =
    "SELECT issued FROM voucher_templates WHERE id = ? FOR UPDATE";
static const char SQL_TEMPLATE_ISSUED[] =
    "UPDATE voucher_templates SET issued = issued + 1 WHERE id = ?";
static const char SQL_PRODUCTS[] =
    "SELECT code, name FROM products ORDER BY sort";
static const char SQL_PRODUCT_CHECK[] =
    "SELECT COUNT(*) FROM products WHERE FIND_IN_SET(code, ?)";

static void
template_fill(struct vtemplate *t, const struct db_result *r, size_t i)
{
	t->id = db_cell_int(r, i, 0);
	t->name = db_cell(r, i, 1);
	t->face = db_cell_int(r, i, 2);
	t->balance_mode = db_cell(r, i, 3);
	t->scope = db_cell(r, i, 4);
	t->products = db_cell(r, i, 5);
	t->scenarios = db_cell(r, i, 6);
	t->billing = db_cell(r, i, 7);
	t->min_amount = db_cell_int(r, i, 8);
	t->min_months = (int)db_cell_int(r, i, 9);
	t->valid_from = db_cell(r, i, 10) ? clock_parse_utc(db_cell(r, i, 10)) : 0;
	t->valid_to = db_cell(r, i, 11) ? clock_parse_utc(db_cell(r, i, 11)) : 0;
	t->valid_days = (int)db_cell_int(r, i, 12);
	t->issued = (int)db_cell_int(r, i, 13);
	t->created_at = clock_parse_utc(db_cell(r, i, 14));
}

enum kq_status
catalog_products(struct db *db, struct arena *a, const char ***codes,
    const char ***names, size_t *n)
{
	return db_query_pairs(db, a, SQL_PRODUCTS, codes, names, n);
}

enum kq_status
template_get(struct db *db, struct arena *a, long long id, struct vtemplate *t)
{
	struct db_arg	 arg = DB_INT(id);
	struct db_result r;
	enum kq_status	 s;

	if ((s = db_query(db, a, SQL_TEMPLATE_GET, &arg, 1, &r)) != KQ_OK)
		return s;
	if (r.nrows == 0)
		return KQ_NOT_FOUND;
	template_fill(t, &r, 0);
	return KQ_OK;
}

enum kq_status
template_list(struct db *db, struct arena *a, struct page_info *pg,
    struct vtemplate **out, size_t *n)
{
	struct db_arg	 args[2];
	struct db_result r;
	enum kq_status	 s;
	size_t		 i;

	if ((s = page_query(db, a, SQL_TEMPLATE_COUNT, SQL_TEMPLATE_LIST, args, 0,
	    pg, &r)) != KQ_OK)
		return s;
	if ((*out = arena_zalloc(a, (r.nrows + 1) * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < r.nrows; i++)
		template_fill(&(*out)[i], &r, i);
	*n = r.nrows;
	return KQ_OK;
}

struct save_ctx {
	const struct principal	*admin;
	const char		*ip;
	const struct vtemplate	*t;
	long long		 id;
	const char		*bad;
};

static size_t
list_len(const char *s)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (n = 1; *s != '\0'; s++)
		n += *s == ',';
	return n;
}

static enum kq_status
save_txn(struct db *db, void *arg)
{
	struct save_ctx		*c = arg;
	const struct vtemplate	*t = c->t;
	struct db_arg		 a[13];
	struct db_result	 r;
	struct arena		 ar;
	char			 from[CLOCK_BUFSZ], to[CLOCK_BUFSZ], target[32];
	uint64_t		 n, id;
	enum kq_status		 s;

	/* every listed product must be in the catalog */
	arena_init(&ar, 1024, 0);
	a[0] = DB_STR(t->products);
	s = db_query(db, &ar, SQL_PRODUCT_CHECK, a, 1, &r);
	n = s == KQ_OK ? (uint64_t)db_cell_int(&r, 0, 0) : 0;
	arena_free(&ar);
	if (s != KQ_OK)
		return s;
	if (n != list_len(t->products)) {
		c->bad = "products";
		return KQ_INVALID_FIELD;
	}
	if (t->valid_from)
		clock_sql(t->valid_from, from, sizeof(from));
	if (t->valid_to)
		clock_sql(t->valid_to, to, sizeof(to));
	a[0] = DB_STR(t->name);
	a[1] = DB_INT(t->face);
	a[2] = DB_STR(t->balance_mode);
	a[3] = DB_STR(t->scope);
	a[4] = DB_STR(t->products);
	a[5] = DB_STR(t->scenarios);
	a[6] = DB_STR(t->billing);
	a[7] = DB_INT(t->min_amount);
	a[8] = DB_INT(t->min_months);
	a[9] = t->valid_from ? DB_STR(from) : DB_NULL;
	a[10] = t->valid_to ? DB_STR(to) : DB_NULL;
	a[11] = t->valid_days ? DB_INT(t->valid_days) : DB_NULL;
	if (c->id == 0) {
		a[12] = DB_INT(c->admin->id);
		if ((s = db_exec(db, SQL_TEMPLATE_INSERT, a, 13, NULL, &id)) != KQ_OK)
			return s;
		c->id = (long long)id;
	} else {
		struct db_arg l = DB_INT(c->id);

		arena_init(&ar, 1024, 0);
		s = db_query(db, &ar, SQL_TEMPLATE_LOCK, &l, 1, &r);
		n = s == KQ_OK && r.nrows ? (uint64_t)db_cell_int(&r, 0, 0) : 0;
		if (s == KQ_OK && r.nrows == 0)
			s = KQ_NOT_FOUND;
		arena_free(&ar);
		if (s != KQ_OK)
			return s;
		if (n > 0)	/* seed 003: editable until used to issue */
			return KQ_TEMPLATE_LOCKED;
		a[12] = DB_INT(c->id);
		if ((s = db_exec(db, SQL_TEMPLATE_UPDATE, a, 13, NULL, NULL)) != KQ_OK)
			return s;
	}
	snprintf(target, sizeof(target), "template:%lld", c->id);
	return audit_write(db, c->admin, c->t->id ? "voucher.template.edit" :
	    "voucher.template.create", target, t->name, c->ip);
}

enum kq_status
template_save(struct db *db, const struct principal *admin, const char *ip,
    const struct vtemplate *t, long long *id, const char **bad)
{
	struct save_ctx	c = { admin, ip, t, t->id, NULL };
	enum kq_status	s;

	*bad = NULL;
	if (strcmp(t->scope, "all") != 0 && list_len(t->products) == 0) {
		*bad = "products";
		return KQ_INVALID_FIELD;
	}
	if (!t->valid_days && (!t->valid_to || t->valid_to <= t->valid_from ||
	    t->valid_to <= time(NULL))) {
		*bad = "valid_to";
		return KQ_INVALID_FIELD;
	}
	s = db_txn(db, save_txn, &c);
	*id = c.id;
	*bad = c.bad;
	return s;
}

/* ------------------------------------------------------------ ledger */

static const char SQL_LEDGER_ADD[] =
    "INSERT INTO voucher_ledger (voucher_id, kind, order_id, amount, balance,"
    " status, actor) SELECT id, ?, ?, ?, balance, status, ? FROM vouchers"
    " WHERE id = ?";
static const char SQL_LEDGER_ADD_ISSUE[] =
    "INSERT INTO voucher_ledger (voucher_id, kind, amount, balance, status, actor)"
    " SELECT id, 'issue', face, balance, status, ? FROM vouchers WHERE issue_id = ?";
static const char SQL_LEDGER_LIST[] =
    "SELECT id, kind, IFNULL(order_id, 0), amount, balance, status, actor,"
    " created_at FROM voucher_ledger WHERE voucher_id = ? ORDER BY id";

/* One ledger row from the voucher's state after a change. */
static enum kq_status
ledger_add(struct db *db, long long voucher_id, const char *kind,
    long long order_id, long long amount, const char *actor)
{
	struct db_arg a[5] = { DB_STR(kind), order_id ? DB_INT(order_id) : DB_NULL,
	    DB_INT(amount), DB_STR(actor), DB_INT(voucher_id) };

	return db_exec(db, SQL_LEDGER_ADD, a, 5, NULL, NULL);
}

enum kq_status
voucher_ledger(struct db *db, struct arena *a, long long id,
    struct ledger_row **out, size_t *n)
{
	struct db_arg	 arg = DB_INT(id);
	struct db_result r;
	enum kq_status	 s;
	size_t		 i;

	if ((s = db_query(db, a, SQL_LEDGER_LIST, &arg, 1, &r)) != KQ_OK)
		return s;
	if ((*out = arena_zalloc(a, (r.nrows + 1) * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < r.nrows; i++) {
		struct ledger_row *l = &(*out)[i];
		l->id = db_cell_int(&r, i, 0);
		l->kind = db_cell(&r, i, 1);
		l->order_id = db_cell_int(&r, i, 2);
		l->amount = db_cell_int(&r, i, 3);
		l->balance = db_cell_int(&r, i, 4);
		l->status = db_cell(&r, i, 5);
		l->actor = db_cell(&r, i, 6);
		l->time = clock_parse_utc(db_cell(&r, i, 7));
	}
	*n = r.nrows;
	return KQ_OK;
}

/* ------------------------------------------------------------ vouchers */

/* Effective status, sweep or not: past valid_to is expired (SPEC §2), and a
 * voucher frozen for an order whose payment window has passed is back. */
#define VSTATUS \
    "CASE WHEN v.status IN ('available', 'unactivated') AND" \
    " v.valid_to < UTC_TIMESTAMP() THEN 'expired'" \
    " WHEN v.status = 'frozen' AND fo.status = 'confirmed'" \
    " AND fo.pay_by < UTC_TIMESTAMP() THEN" \
    " IF(v.valid_to < UTC_TIMESTAMP(), 'expired', 'available')" \
    " ELSE v.status END"
/* The product names of a template's list, in words. */
#define PRODUCT_NAMES(list) \
    "(SELECT GROUP_CONCAT(p.name ORDER BY p.sort SEPARATOR '、') FROM products p" \
    " WHERE FIND_IN_SET(p.code, " list "))"
#define VOUCHER_BASE_COLS \
    "v.id, v.template_id, v.issue_id, IFNULL(v.uin, 0), IFNULL(v.order_id, 0)," \
    " t.name, v.code, " VSTATUS ", t.scope, t.products, t.balance_mode," \
    " v.face, v.balance, v.valid_from, v.valid_to, v.created_at"
/* A page of a list: the product names are looked up for its rows only,
 * not for every row the sort goes through. */
#define VOUCHER_PAGE(inner) \
    "SELECT w.*, " PRODUCT_NAMES("w.products") " FROM (" inner \
    " ORDER BY v.id DESC LIMIT ? OFFSET ?) w ORDER BY w.id DESC"
#define VOUCHER_COLS	VOUCHER_BASE_COLS ", " PRODUCT_NAMES("t.products")
#define VOUCHER_FROM \
    " FROM vouchers v JOIN voucher_templates t ON t.id = v.template_id" \
    " LEFT JOIN orders fo ON fo.id = v.order_id"
#define VOUCHER_WHERE \
    " WHERE (? = 0 OR v.uin = ?) AND (? = '' OR " VSTATUS " = ?)" \
    " AND (? = 0 OR v.template_id = ?) AND (? = '' OR v.valid_to <= ?)"

static const char SQL_VOUCHER_LIST[] =
    VOUCHER_PAGE("SELECT " VOUCHER_BASE_COLS VOUCHER_FROM VOUCHER_WHERE);
static const char SQL_VOUCHER_COUNT[] =
    "SELECT COUNT(*)" VOUCHER_FROM VOUCHER_WHERE;
/* My Vouchers is the hot page: read the account's (uin, id) index newest
 * first and stop at a page (STRAIGHT_JOIN keeps vouchers the driving table);
 * left to itself the optimizer starts from the one template and sorts
 * every row of the account. */
#define VOUCHER_MINE \
    " FROM vouchers v FORCE INDEX (k_vouchers_mine)" \
    " JOIN voucher_templates t ON t.id = v.template_id" \
    " LEFT JOIN orders fo ON fo.id = v.order_id" \
    " WHERE v.uin = ? AND (? = '' OR " VSTATUS " = ?)" \
    " AND (? = 0 OR v.template_id = ?) AND (? = '' OR v.valid_to <= ?)"
static const char SQL_MY_VOUCHER_LIST[] =
    VOUCHER_PAGE("SELECT STRAIGHT_JOIN " VOUCHER_BASE_COLS VOUCHER_MINE);
static const char SQL_MY_VOUCHER_COUNT[] =
    "SELECT COUNT(*)" VOUCHER_MINE;
static const char SQL_VOUCHER_GET[] =
    "SELECT " VOUCHER_COLS VOUCHER_FROM " WHERE v.id = ? AND (? = 0 OR v.uin = ?)";
static const char SQL_VOUCHER_BY_CODE[] =
    "SELECT " VOUCHER_COLS ", " ATTEMPT_COUNTS VOUCHER_FROM " WHERE v.code = ?";
static const char SQL_VOUCHER_INSERT[] =
    "INSERT INTO vouchers (template_id, issue_id, code, uin, face, balance,"
    " status, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_VOUCHER_ACTIVATE[] =
    "UPDATE vouchers SET status = 'available', uin = ?, activated_at = UTC_TIMESTAMP()"
    " WHERE code = ? AND status = 'unactivated' AND valid_to >= UTC_TIMESTAMP()";
static const char SQL_VOUCHER_INVALIDATE[] =
    "UPDATE vouchers SET status = 'invalidated'"
    " WHERE id = ? AND status IN ('unactivated', 'available')";
static const char SQL_ISSUE_INSERT[] =
    "INSERT INTO voucher_issues (template_id, mode, paper, count, report,"
    " created_by) VALUES (?, ?, ?, ?, '', ?)";
static const char SQL_ISSUE_REPORT[] =
    "UPDATE voucher_issues SET report = ?, count = ? WHERE id = ?";
static const char SQL_ISSUE_GET[] =
    "SELECT template_id, mode, paper, count, report FROM voucher_issues WHERE id = ?";
static const char SQL_ISSUE_CODES[] =
    "SELECT code FROM vouchers WHERE issue_id = ? AND code IS NOT NULL ORDER BY id";
static const char SQL_ACCOUNT_EXISTS[] =
    "SELECT 1 FROM accounts WHERE uin = ?";

static void
voucher_fill(struct voucher *v, const struct db_result *r, size_t i)
{
	v->id = db_cell_int(r, i, 0);
	v->template_id = db_cell_int(r, i, 1);
	v->issue_id = db_cell_int(r, i, 2);
	v->uin = db_cell_int(r, i, 3);
	v->order_id = db_cell_int(r, i, 4);
	v->name = db_cell(r, i, 5);
	v->code = db_cell(r, i, 6);
	v->status = db_cell(r, i, 7);
	v->scope = db_cell(r, i, 8);
	v->products = db_cell(r, i, 9);
	v->balance_mode = db_cell(r, i, 10);
	v->face = db_cell_int(r, i, 11);
	v->balance = db_cell_int(r, i, 12);
	v->valid_from = clock_parse_utc(db_cell(r, i, 13));
	v->valid_to = clock_parse_utc(db_cell(r, i, 14));
	v->created_at = clock_parse_utc(db_cell(r, i, 15));
	v->product_names = db_cell(r, i, 16) ? db_cell(r, i, 16) : "";
}

static enum kq_status
voucher_rows(struct arena *a, const struct db_result *r, struct voucher **out,
    size_t *n)
{
	size_t i;

	if ((*out = arena_zalloc(a, (r->nrows + 1) * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < r->nrows; i++)
		voucher_fill(&(*out)[i], r, i);
	*n = r->nrows;
	return KQ_OK;
}

enum kq_status
voucher_list(struct db *db, struct arena *a, const struct vfilter *f,
    struct page_info *pg, struct voucher **out, size_t *n)
{
	struct db_arg	 args[10];
	struct db_result r;
	enum kq_status	 s;
	char		 before[CLOCK_BUFSZ] = "";
	const char	*status = f->status && strcmp(f->status, "all") ? f->status : "";

	if (f->valid_before)
		clock_sql(f->valid_before, before, sizeof(before));
	args[0] = args[1] = DB_INT(f->uin);
	args[2] = args[3] = DB_STR(status);
	args[4] = args[5] = DB_INT(f->template_id);
	args[6] = args[7] = DB_STR(before);
	if (f->uin)	/* the same arguments less the first */
		s = page_query(db, a, SQL_MY_VOUCHER_COUNT, SQL_MY_VOUCHER_LIST,
		    args + 1, 7, pg, &r);
	else
		s = page_query(db, a, SQL_VOUCHER_COUNT, SQL_VOUCHER_LIST, args, 8,
		    pg, &r);
	if (s != KQ_OK)
		return s;
	return voucher_rows(a, &r, out, n);
}

enum kq_status
voucher_get(struct db *db, struct arena *a, long long uin, long long id,
    struct voucher *v)
{
	struct db_arg	 args[3] = { DB_INT(id), DB_INT(uin), DB_INT(uin) };
	struct db_result r;
	enum kq_status	 s;

	if (uin && (s = orders_time_out(db, uin, NULL)) != KQ_OK)
		return s;
	if ((s = db_query(db, a, SQL_VOUCHER_GET, args, 3, &r)) != KQ_OK)
		return s;
	if (r.nrows == 0)
		return KQ_NOT_FOUND;
	voucher_fill(v, &r, 0);
	return KQ_OK;
}

static const char *
actor_of(struct arena *a, const struct principal *p)
{
	if (p == NULL)
		return "kaquanctl";
	return arena_printf(a, "%s:%s", p->kind == P_ADMIN ? "admin" : "member",
	    p->login);
}

struct invalidate_ctx {
	const struct principal	*admin;
	const char		*ip;
	long long		 id;
};

static enum kq_status
invalidate_txn(struct db *db, void *arg)
{
	struct invalidate_ctx	*c = arg;
	struct db_arg		 a = DB_INT(c->id);
	char			 target[32], actor[100];
	uint64_t		 n;
	enum kq_status		 s;

	if ((s = db_exec(db, SQL_VOUCHER_INVALIDATE, &a, 1, &n, NULL)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_ORDER_STATE;	/* frozen, used or already closed */
	snprintf(actor, sizeof(actor), "admin:%s", c->admin->login);
	if ((s = ledger_add(db, c->id, "invalidate", 0, 0, actor)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "voucher:%lld", c->id);
	return audit_write(db, c->admin, "voucher.invalidate", target, NULL, c->ip);
}

enum kq_status
voucher_invalidate(struct db *db, const struct principal *admin, const char *ip,
    long long id)
{
	struct invalidate_ctx c = { admin, ip, id };

	return db_txn(db, invalidate_txn, &c);
}

/* ------------------------------------------------------------ issue */

struct issue_ctx {
	struct arena		*arena;
	const struct principal	*admin;
	const char		*ip;
	const struct vtemplate	*t;
	const char		*mode;
	const long long		*uins;
	size_t			 nuins;
	int			 count, paper;
	long long		 id;
};

static enum kq_status
issue_txn(struct db *db, void *arg)
{
	struct issue_ctx	*c = arg;
	const struct vtemplate	*t = c->t;
	struct db_arg		 a[9];
	struct db_result	 r;
	struct abuf		 report;
	char			 from[CLOCK_BUFSZ], to[CLOCK_BUFSZ], code[VCODE_LEN + 1];
	char			 target[32];
	time_t			 now = time(NULL);
	uint64_t		 id;
	enum kq_status		 s;
	int			 issued = 0, tries;
	size_t			 i;
	int			 targeted = strcmp(c->mode, "targeted") == 0;

	/* validity counts from the moment of issue when given in days */
	clock_sql(t->valid_days ? now : t->valid_from ? t->valid_from : now,
	    from, sizeof(from));
	clock_sql(t->valid_days ? now + (time_t)t->valid_days * 86400 : t->valid_to,
	    to, sizeof(to));
	a[0] = DB_INT(t->id);
	a[1] = DB_STR(c->mode);
	a[2] = DB_INT(c->paper);
	a[3] = DB_INT(targeted ? (long long)c->nuins : c->count);
	a[4] = DB_INT(c->admin->id);
	if ((s = db_exec(db, SQL_ISSUE_INSERT, a, 5, NULL, &id)) != KQ_OK)
		return s;
	c->id = (long long)id;
	abuf_init(&report, c->arena);

	a[0] = DB_INT(t->id);
	a[1] = DB_INT(c->id);
	a[4] = DB_INT(t->face);
	a[5] = DB_INT(t->face);
	a[7] = DB_STR(from);
	a[8] = DB_STR(to);
	for (i = 0; targeted && i < c->nuins; i++) {
		struct db_arg u = DB_INT(c->uins[i]);

		if ((s = db_query(db, c->arena, SQL_ACCOUNT_EXISTS, &u, 1, &r)) != KQ_OK)
			return s;
		if (r.nrows == 0) {	/* reported, never silently skipped */
			abuf_printf(&report, "%lld unknown_uin\n", c->uins[i]);
			continue;
		}
		a[2] = DB_NULL;
		a[3] = DB_INT(c->uins[i]);
		a[6] = DB_STR("available");
		if ((s = db_exec(db, SQL_VOUCHER_INSERT, a, 9, NULL, NULL)) != KQ_OK)
			return s;
		abuf_printf(&report, "%lld issued\n", c->uins[i]);
		issued++;
	}
	for (i = 0; !targeted && i < (size_t)c->count; i++) {
		a[3] = DB_NULL;
		a[6] = DB_STR("unactivated");
		s = KQ_CONFLICT;
		/* a colliding code is drawn again, never dropped */
		for (tries = 0; tries < 5 && s == KQ_CONFLICT; tries++) {
			if (vcode_generate(code) < 0)
				return KQ_UNAVAILABLE;
			a[2] = DB_STR(code);
			s = db_exec(db, SQL_VOUCHER_INSERT, a, 9, NULL, NULL);
		}
		if (s != KQ_OK)
			return s;
		issued++;
	}
	a[0] = DB_STR(actor_of(c->arena, c->admin));
	a[1] = DB_INT(c->id);
	if ((s = db_exec(db, SQL_LEDGER_ADD_ISSUE, a, 2, NULL, NULL)) != KQ_OK)
		return s;
	a[0] = DB_STR(abuf_str(&report) ? abuf_str(&report) : "");
	a[1] = DB_INT(issued);
	a[2] = DB_INT(c->id);
	if ((s = db_exec(db, SQL_ISSUE_REPORT, a, 3, NULL, NULL)) != KQ_OK)
		return s;
	a[0] = DB_INT(t->id);
	if ((s = db_exec(db, SQL_TEMPLATE_ISSUED, a, 1, NULL, NULL)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "template:%lld", t->id);
	return audit_write(db, c->admin, "voucher.issue", target,
	    arena_printf(c->arena, "issue:%lld %s %d", c->id, c->mode, issued), c->ip);
}

enum kq_status
voucher_issue(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long template_id, const char *mode,
    const long long *uins, size_t nuins, int count, int paper, long long *issue_id)
{
	struct vtemplate t;
	struct issue_ctx c;
	enum kq_status	 s;

	if ((s = template_get(db, a, template_id, &t)) != KQ_OK)
		return s;
	if (!t.valid_days && t.valid_to <= time(NULL))
		return KQ_INVALID_FIELD;	/* the template's validity has passed */
	c = (struct issue_ctx){ a, admin, ip, &t, mode, uins, nuins, count, paper, 0 };
	if ((s = db_txn(db, issue_txn, &c)) != KQ_OK)
		return s;
	*issue_id = c.id;
	return KQ_OK;
}

enum kq_status
issue_get(struct db *db, struct arena *a, long long issue_id,
    long long *template_id, const char **mode, int *paper, int *count,
    struct issue_outcome **out, size_t *n)
{
	struct db_arg	 arg = DB_INT(issue_id);
	struct db_result r;
	enum kq_status	 s;
	char		*report, *line, *save = NULL;
	size_t		 cap;

	if ((s = db_query(db, a, SQL_ISSUE_GET, &arg, 1, &r)) != KQ_OK)
		return s;
	if (r.nrows == 0)
		return KQ_NOT_FOUND;
	*template_id = db_cell_int(&r, 0, 0);
	*mode = db_cell(&r, 0, 1);
	*paper = (int)db_cell_int(&r, 0, 2);
	*count = (int)db_cell_int(&r, 0, 3);
	report = (char *)db_cell(&r, 0, 4);
	cap = 1;
	for (line = report; *line; line++)
		cap += *line == '\n';
	if ((*out = arena_zalloc(a, cap * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	*n = 0;
	for (line = strtok_r(report, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (sp == NULL)
			continue;
		*sp = '\0';
		(*out)[*n].uin = strtoll(line, NULL, 10);
		(*out)[*n].result = sp + 1;
		(*n)++;
	}
	return KQ_OK;
}

static void
show_vcode(const char *code, char *out)
{
	vcode_display(code, out);
}

enum kq_status
issue_codes(struct db *db, const struct principal *admin, const char *ip,
    long long issue_id, int (*fn)(void *, const char *), void *ctx)
{
	char target[32];

	snprintf(target, sizeof(target), "issue:%lld", issue_id);
	return codes_download(db, admin, ip, SQL_ISSUE_GET, SQL_ISSUE_CODES,
	    issue_id, "voucher.codes.download", target, show_vcode, fn, ctx);
}

/* ------------------------------------------------------------ redemption */

/* The code's voucher, if a member may redeem it now.  Over the brute-force
 * limits nothing else is told; an unknown code counts. */
static enum kq_status
redeemable(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, struct voucher *v)
{
	struct db_arg	 args[5] = { DB_INT(uin), DB_STR("redeem"), DB_STR(ip),
			    DB_STR("redeem"), DB_STR(code) };
	struct db_result r;
	enum kq_status	 s;

	if ((s = db_query(db, a, SQL_VOUCHER_BY_CODE, args, 5, &r)) != KQ_OK)
		return s;
	if (r.nrows == 0) {
		if ((s = attempts_check(db, a, "redeem", uin, ip)) != KQ_OK)
			return s;
		(void)attempts_fail(db, "redeem", uin, ip);
		return KQ_CODE_UNKNOWN;
	}
	if ((s = attempts_over(db_cell_int(&r, 0, 17), db_cell_int(&r, 0, 18))) != KQ_OK)
		return s;
	voucher_fill(v, &r, 0);
	if (strcmp(v->status, "invalidated") == 0 || strcmp(v->status, "withdrawn") == 0)
		return KQ_CODE_DISABLED;
	if (strcmp(v->status, "expired") == 0)
		return KQ_CODE_EXPIRED;
	if (strcmp(v->status, "unactivated") != 0)
		return KQ_CODE_USED;
	return KQ_OK;
}

enum kq_status
redeem_lookup(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, struct voucher *v)
{
	return redeemable(db, a, uin, ip, code, v);
}

struct redeem_ctx {
	const struct principal	*me;
	const char		*code, *actor;
	long long		 id;
};

static enum kq_status
redeem_txn(struct db *db, void *arg)
{
	struct redeem_ctx	*c = arg;
	struct db_arg		 a[2] = { DB_INT(c->me->uin), DB_STR(c->code) };
	uint64_t		 n;
	enum kq_status		 s;

	if ((s = db_exec(db, SQL_VOUCHER_ACTIVATE, a, 2, &n, NULL)) != KQ_OK)
		return s;
	if (n != 1)
		return KQ_CODE_USED;	/* another request won the race */
	return ledger_add(db, c->id, "activate", 0, 0, c->actor);
}

enum kq_status
redeem_confirm(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, const char *code, long long *voucher_id)
{
	struct redeem_ctx	c = { me, code, actor_of(a, me), 0 };
	struct voucher		v;
	enum kq_status		s;

	if ((s = redeemable(db, a, me->uin, ip, code, &v)) != KQ_OK)
		return s;
	c.id = v.id;
	if ((s = db_txn(db, redeem_txn, &c)) != KQ_OK)
		return s;
	*voucher_id = v.id;
	return KQ_OK;
}

/* ------------------------------------------------------------ orders */

static const char SQL_ORDER_NEW[] =
    "INSERT INTO orders (uin, product, billing, scenario, months, amount, cash,"
    " description, status) SELECT ?, p.code, ?, ?, ?, ?, ?, p.name, 'pending'"
    " FROM products p WHERE p.code = ?";
static const char SQL_ORDER_FOR_MATCH[] =
    "SELECT status, product, billing, scenario, amount, months, card_amount"
    " FROM orders WHERE id = ? AND uin = ?";
static const char SQL_ORDER_LOCK[] =
    "SELECT status, product, billing, scenario, amount, months, card_amount"
    " FROM orders WHERE id = ? AND uin = ? FOR UPDATE";

/*
 * The matching rules of SPEC §5 in one query: available and within its
 * validity; the product allows vouchers in this scenario and billing mode;
 * the template's scenarios and billing modes fit; its scope takes the
 * product (general products only for 'all' and 'exclude', seed 000); the
 * order reaches the minimum amount; a minimum duration needs a product sold
 * by months and an order that long.  Best first: the largest deduction,
 * then the earliest expiry.
 */
static const char SQL_CANDIDATES[] =
    "SELECT " VOUCHER_COLS ", LEAST(v.balance, ?)" VOUCHER_FROM
    " JOIN products p ON p.code = ?"
    " WHERE v.uin = ? AND v.status = 'available'"
    " AND v.valid_from <= UTC_TIMESTAMP() AND v.valid_to >= UTC_TIMESTAMP()"
    " AND EXISTS (SELECT 1 FROM product_scenarios ps WHERE ps.product = p.code"
    "  AND ps.scenario = ? AND ps.billing = ?)"
    " AND FIND_IN_SET(?, t.billing)"
    " AND (t.scenarios = '' OR FIND_IN_SET(?, t.scenarios))"
    " AND ((t.scope = 'all' AND p.general = 1)"
    "  OR (t.scope = 'include' AND FIND_IN_SET(p.code, t.products))"
    "  OR (t.scope = 'exclude' AND p.general = 1 AND NOT FIND_IN_SET(p.code, t.products)))"
    " AND t.min_amount <= ?"
    " AND (t.min_months = 0 OR (p.has_duration = 1 AND ? >= t.min_months))"
    " AND (? = 0 OR v.id = ?)"
    " ORDER BY LEAST(v.balance, ?) DESC, v.valid_to, v.id";
static const char SQL_VOUCHER_FREEZE[] =
    "UPDATE vouchers SET status = 'frozen', order_id = ?"
    " WHERE id = ? AND uin = ? AND status = 'available'"
    " AND valid_to >= UTC_TIMESTAMP()";
static const char SQL_ORDER_CONFIRM[] =
    "UPDATE orders SET status = 'confirmed', voucher_id = ?, voucher_amount = ?,"
    " cash = amount - card_amount - ?,"
    " pay_by = UTC_TIMESTAMP() + INTERVAL 30 MINUTE"
    " WHERE id = ? AND status = 'pending'";

enum kq_status
order_create(struct db *db, long long uin, const char *product,
    const char *billing, const char *scenario, long long amount, int months,
    long long *id)
{
	struct db_arg	a[7] = { DB_INT(uin), DB_STR(billing), DB_STR(scenario),
			    DB_INT(months), DB_INT(amount), DB_INT(amount),
			    DB_STR(product) };
	uint64_t	n, newid;
	enum kq_status	s;

	if ((s = db_exec(db, SQL_ORDER_NEW, a, 7, &n, &newid)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_INVALID_FIELD;	/* no such product */
	*id = (long long)newid;
	return KQ_OK;
}

/* Candidates for an order row (status, product, billing, scenario, amount,
 * months, card_amount); only_id restricts to one voucher. */
static enum kq_status
match(struct db *db, struct arena *a, long long uin, const struct db_result *o,
    long long only_id, struct voucher **out, size_t *n)
{
	struct db_arg	 args[13];
	struct db_result r;
	enum kq_status	 s;
	long long	 due = db_cell_int(o, 0, 4) - db_cell_int(o, 0, 6);
	size_t		 i;

	args[0] = DB_INT(due);
	args[1] = DB_STR(db_cell(o, 0, 1));
	args[2] = DB_INT(uin);
	args[3] = DB_STR(db_cell(o, 0, 3));
	args[4] = DB_STR(db_cell(o, 0, 2));
	args[5] = DB_STR(db_cell(o, 0, 2));
	args[6] = DB_STR(db_cell(o, 0, 3));
	args[7] = DB_INT(db_cell_int(o, 0, 4));
	args[8] = DB_INT(db_cell_int(o, 0, 5));
	args[9] = args[10] = DB_INT(only_id);
	args[11] = DB_INT(due);
	if ((s = db_query(db, a, SQL_CANDIDATES, args, 12, &r)) != KQ_OK)
		return s;
	if ((s = voucher_rows(a, &r, out, n)) != KQ_OK)
		return s;
	for (i = 0; i < r.nrows; i++)
		(*out)[i].deduct = db_cell_int(&r, i, 17);
	return KQ_OK;
}

enum kq_status
order_candidates(struct db *db, struct arena *a, long long uin,
    long long order_id, struct voucher **out, size_t *n)
{
	struct db_arg	 args[2] = { DB_INT(order_id), DB_INT(uin) };
	struct db_result o;
	enum kq_status	 s;

	*n = 0;
	*out = NULL;
	if ((s = orders_time_out(db, uin, NULL)) != KQ_OK ||
	    (s = db_query(db, a, SQL_ORDER_FOR_MATCH, args, 2, &o)) != KQ_OK)
		return s;
	if (o.nrows == 0)
		return KQ_NOT_FOUND;
	if (strcmp(db_cell(&o, 0, 0), "pending") != 0)
		return KQ_OK;	/* only a pending order chooses a voucher */
	return match(db, a, uin, &o, 0, out, n);
}

struct confirm_ctx {
	struct arena	*arena;
	long long	 uin, order_id, voucher_id;
};

static enum kq_status
confirm_txn(struct db *db, void *arg)
{
	struct confirm_ctx	*c = arg;
	struct db_arg		 a[4] = { DB_INT(c->order_id), DB_INT(c->uin) };
	struct db_result	 o;
	struct voucher		*v;
	size_t			 n;
	uint64_t		 changed;
	long long		 deduct = 0;
	enum kq_status		 s;

	/* the order row is locked first: two confirms of one order serialise */
	if ((s = db_query(db, c->arena, SQL_ORDER_LOCK, a, 2, &o)) != KQ_OK)
		return s;
	if (o.nrows == 0)
		return KQ_NOT_FOUND;
	if (strcmp(db_cell(&o, 0, 0), "pending") != 0)
		return KQ_ORDER_STATE;
	if (c->voucher_id) {
		if ((s = match(db, c->arena, c->uin, &o, c->voucher_id, &v, &n)) != KQ_OK)
			return s;
		if (n == 0)
			return KQ_VOUCHER_NOT_APPLICABLE;
		deduct = v[0].deduct;
		a[0] = DB_INT(c->order_id);
		a[1] = DB_INT(c->voucher_id);
		a[2] = DB_INT(c->uin);
		if ((s = db_exec(db, SQL_VOUCHER_FREEZE, a, 3, &changed, NULL)) != KQ_OK)
			return s;
		if (changed != 1)	/* frozen for another order meanwhile */
			return KQ_VOUCHER_NOT_APPLICABLE;
		if ((s = ledger_add(db, c->voucher_id, "freeze", c->order_id, 0,
		    arena_printf(c->arena, "member:%lld", c->uin))) != KQ_OK)
			return s;
	}
	a[0] = c->voucher_id ? DB_INT(c->voucher_id) : DB_NULL;
	a[1] = DB_INT(deduct);
	a[2] = DB_INT(deduct);
	a[3] = DB_INT(c->order_id);
	if ((s = db_exec(db, SQL_ORDER_CONFIRM, a, 4, &changed, NULL)) != KQ_OK)
		return s;
	return changed == 1 ? KQ_OK : KQ_ORDER_STATE;
}

enum kq_status
order_confirm(struct db *db, struct arena *a, long long uin, long long order_id,
    long long voucher_id)
{
	struct confirm_ctx	c = { a, uin, order_id, voucher_id };
	enum kq_status		s;

	/* a voucher shown as back from a timed-out order must be back */
	if ((s = orders_time_out(db, uin, NULL)) != KQ_OK)
		return s;
	return db_txn(db, confirm_txn, &c);
}

/* ------------------------------------------------------------ settlement */

static const char SQL_VOUCHER_SETTLE_LOCK[] =
    "SELECT v.balance, t.balance_mode FROM vouchers v"
    " JOIN voucher_templates t ON t.id = v.template_id"
    " WHERE v.id = ? AND v.status = 'frozen' AND v.order_id = ? FOR UPDATE";
static const char SQL_VOUCHER_DEDUCT[] =
    "UPDATE vouchers SET balance = balance - ?,"
    " status = IF(balance = 0, 'used', 'available'), order_id = NULL"
    " WHERE id = ? AND status = 'frozen' AND order_id = ?";
static const char SQL_VOUCHER_FORFEIT[] =
    "UPDATE vouchers SET balance = 0, status = 'used' WHERE id = ?";
static const char SQL_VOUCHER_RELEASE[] =
    "UPDATE vouchers SET status = 'available', order_id = NULL"
    " WHERE id = ? AND status = 'frozen' AND order_id = ?";

enum kq_status
voucher_deduct(struct db *db, long long voucher_id, long long order_id,
    long long amount, const char *actor)
{
	struct db_arg	 a[3] = { DB_INT(voucher_id), DB_INT(order_id) };
	struct db_result r;
	struct arena	 ar;
	long long	 balance;
	int		 single_use;
	uint64_t	 n;
	enum kq_status	 s;

	arena_init(&ar, 1024, 0);
	s = db_query(db, &ar, SQL_VOUCHER_SETTLE_LOCK, a, 2, &r);
	if (s == KQ_OK && r.nrows == 0)
		s = KQ_ORDER_STATE;
	balance = s == KQ_OK ? db_cell_int(&r, 0, 0) : 0;
	single_use = s == KQ_OK && strcmp(db_cell(&r, 0, 1), "single_use") == 0;
	arena_free(&ar);
	if (s != KQ_OK)
		return s;
	if (amount > balance)
		amount = balance;
	a[0] = DB_INT(amount);
	a[1] = DB_INT(voucher_id);
	a[2] = DB_INT(order_id);
	if ((s = db_exec(db, SQL_VOUCHER_DEDUCT, a, 3, &n, NULL)) != KQ_OK)
		return s;
	if (n != 1)
		return KQ_ORDER_STATE;
	if ((s = ledger_add(db, voucher_id, "deduct", order_id, -amount, actor)) != KQ_OK)
		return s;
	/* seed 000: a single-use voucher is spent by one order, the rest forfeited */
	if (!single_use || balance - amount == 0)
		return KQ_OK;
	a[0] = DB_INT(voucher_id);
	if ((s = db_exec(db, SQL_VOUCHER_FORFEIT, a, 1, NULL, NULL)) != KQ_OK)
		return s;
	return ledger_add(db, voucher_id, "forfeit", order_id, -(balance - amount),
	    actor);
}

enum kq_status
voucher_release(struct db *db, long long voucher_id, long long order_id,
    const char *actor)
{
	struct db_arg	a[2] = { DB_INT(voucher_id), DB_INT(order_id) };
	uint64_t	n;
	enum kq_status	s;

	if ((s = db_exec(db, SQL_VOUCHER_RELEASE, a, 2, &n, NULL)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_OK;	/* not frozen for this order: nothing to give back */
	return ledger_add(db, voucher_id, "release", order_id, 0, actor);
}

static const char SQL_EXPIRE_LEDGER[] =
    "INSERT INTO voucher_ledger (voucher_id, kind, amount, balance, status, actor)"
    " SELECT id, 'expire', 0, balance, 'expired', 'kaquanctl sweep' FROM vouchers"
    " WHERE status IN ('available', 'unactivated') AND valid_to < ?";
static const char SQL_EXPIRE[] =
    "UPDATE vouchers SET status = 'expired'"
    " WHERE status IN ('available', 'unactivated') AND valid_to < ?";

struct expire_ctx {
	char	cutoff[CLOCK_BUFSZ];
	int	n;
};

static enum kq_status
expire_txn(struct db *db, void *arg)
{
	struct expire_ctx	*c = arg;
	struct db_arg		 a = DB_STR(c->cutoff);
	uint64_t		 n;
	enum kq_status		 s;

	/* one cutoff for both statements, so they cover the same rows */
	if ((s = db_exec(db, SQL_EXPIRE_LEDGER, &a, 1, NULL, NULL)) != KQ_OK ||
	    (s = db_exec(db, SQL_EXPIRE, &a, 1, &n, NULL)) != KQ_OK)
		return s;
	c->n = (int)n;
	return KQ_OK;
}

enum kq_status
vouchers_expire(struct db *db, int *n)
{
	struct expire_ctx	c;
	enum kq_status		s;

	clock_sql(time(NULL), c.cutoff, sizeof(c.cutoff));
	c.n = 0;
	s = db_txn(db, expire_txn, &c);
	*n = c.n;
	return s;
}
