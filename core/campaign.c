/*
 * campaign.c - creating, editing, disabling and reading discount campaigns,
 * and their limits (campaign_counts, campaign_accounts).
 *
 * The limits are the database's: a claim or use adds one to the account's
 * row and checks it against per_account in the same transaction (the row
 * stays locked until it commits), then adds one to the campaign's by an
 * UPDATE whose WHERE holds the total limit, the status and the window.  A
 * campaign counts in COUNT_SLOTS rows, so claims and uses of a popular one
 * do not queue on one row until each commits: without a limit a take adds
 * to the account's slot; with one of at least COUNT_SPREAD each slot holds
 * its share of the limit (the shares sum to it) and a take tries the
 * account's slot, then the next, until one has room (exact: every row is
 * a conditional write); a smaller limit counts in slot 0 alone.  Both
 * writes read the campaign row with a shared lock, so an edit (which locks
 * it for update, then looks for a claim) lands before the first claim or
 * gets 409 template_locked.
 */
#include <ctype.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "base/clock.h"
#include "campaign.h"
#include "catalog.h"
#include "voucher_issue.h"

#define COUNT_SLOTS	16
#define COUNT_SPREAD	1024	/* a limit spread over the slots from here */

static const struct db_col campaign_cols[] = {
	DB_COL(struct campaign, id, "c.id"),
	DB_COL(struct campaign, name, "c.name"),
	DB_ENUM(struct campaign, kind, "c.kind", campaign_kind_names),
	DB_COL(struct campaign, code, "IFNULL(c.code, '')"),
	DB_ENUM(struct campaign, discount, "c.discount", discount_type_names),
	DB_COL(struct campaign, amount_off, "c.amount_off"),
	DB_COL(struct campaign, cap, "c.cap"),
	DB_COL(struct campaign, percent_off, "c.percent_off"),
	DB_ENUM(struct campaign, scope, "c.scope", voucher_scope_names),
	DB_COL(struct campaign, products, "c.products"),
	DB_COL(struct campaign, scenarios, "c.scenarios"),
	DB_COL(struct campaign, billing, "c.billing"),
	DB_COL(struct campaign, min_amount, "c.min_amount"),
	DB_COL(struct campaign, first_purchase, "c.first_purchase"),
	DB_COL(struct campaign, valid_from, "c.valid_from"),
	DB_COL(struct campaign, valid_to, "c.valid_to"),
	DB_COL(struct campaign, created_at, "c.created_at"),
	DB_COL(struct campaign, claim_days, "c.claim_days"),
	DB_ENUM(struct campaign, audience, "c.audience", audience_names),
	DB_COL(struct campaign, total_limit, "c.total_limit"),
	DB_COL(struct campaign, per_account, "c.per_account"),
	DB_ENUM(struct campaign, status, "c.status", campaign_status_names),
	DB_END
};
/* its figures: the counts' rows, which every claim and use writes */
static const struct db_col count_cols[] = {
	DB_COL(struct campaign, taken, CAMPAIGN_SUM("taken")),
	DB_COL(struct campaign, claims, CAMPAIGN_SUM("claims")),
	DB_COL(struct campaign, used, CAMPAIGN_SUM("used")),
	DB_END
};

static const struct db_col open_unfit_cols[] = {
	DB_ENUM(struct campaign, unfit, CAMPAIGN_OPEN_UNFIT " AS unfit",
	    discount_unfit_names),
	DB_END
};

#define CAMPAIGN_PROMO_UNFIT \
    "CASE" DU_WINDOW DU_DISABLED DU_ORDER DU_LIMITS " END"
static const struct db_col promo_unfit_cols[] = {
	DB_ENUM(struct campaign, unfit, CAMPAIGN_PROMO_UNFIT " AS unfit",
	    discount_unfit_names),
	DB_END
};
/* to use it, the limits are left to the take (campaign_take()): the
 * counts' rows are the busiest of all, and reading them would walk back
 * through their versions; the audience is still the look-up's (answered
 * as unknown) */
static const struct db_col use_unfit_cols[] = {
	DB_ENUM(struct campaign, unfit, "CASE" DU_WINDOW DU_DISABLED DU_ORDER
	    DU_TARGETED " END AS unfit", discount_unfit_names),
	DB_END
};
/* the order's product joined for DU_ORDER */
#define CAMPAIGN_PROMO	" FROM campaigns c JOIN products p ON p.code = ?" \
    " WHERE c.code = ? AND c.kind = 'promo_code'"
static struct db_sel SQL_CAMPAIGN_FOR_PROMO = DB_SEL("SELECT {cols}"
    CAMPAIGN_PROMO, DB_WHOLE(promo_unfit_cols), DB_WHOLE(campaign_cols),
    DB_WHOLE(count_cols));
static struct db_sel SQL_CAMPAIGN_TO_USE = DB_SEL("SELECT {cols}"
    CAMPAIGN_PROMO, DB_WHOLE(use_unfit_cols), DB_WHOLE(campaign_cols));
static struct db_sel SQL_CAMPAIGN_GET = DB_SEL(
    "SELECT {cols} FROM campaigns c WHERE c.id = ?", DB_WHOLE(campaign_cols),
    DB_WHOLE(count_cols));
static struct db_sel SQL_CAMPAIGN_FOR_CLAIM = DB_SEL(
    "SELECT {cols} FROM campaigns c WHERE c.id = ? AND c.kind = 'coupon'",
    DB_WHOLE(open_unfit_cols), DB_WHOLE(campaign_cols), DB_WHOLE(count_cols));
static struct db_sel SQL_CLAIMABLE = DB_SEL(
    "SELECT {cols}" CAMPAIGNS_CLAIMABLE " ORDER BY c.valid_to, c.id DESC LIMIT "
    STR(CAMPAIGNS_CLAIMABLE_MAX),
    DB_WHOLE(open_unfit_cols), DB_WHOLE(campaign_cols), DB_WHOLE(count_cols));
/* the backend's list, newest first, on the index its filter names */
enum { CL_ID, CL_KIND, CL_STATUS, CL__MAX };
#define CAMPAIGN_FILTER \
    " WHERE (? = '' OR c.kind = ?) AND (? = '' OR c.status = ?)"
#define CAMPAIGNS_BY(index) DB_SEL("SELECT {cols} FROM campaigns c" \
    " FORCE INDEX (" index ")" CAMPAIGN_FILTER PAGER_AFTER("c.id"), \
    DB_WHOLE(campaign_cols), DB_WHOLE(count_cols))
static struct db_sel SQL_CAMPAIGN_LIST[CL__MAX] = {
	[CL_ID] = CAMPAIGNS_BY("PRIMARY"),
	[CL_KIND] = CAMPAIGNS_BY("k_campaigns_kind"),
	[CL_STATUS] = CAMPAIGNS_BY("k_campaigns_status"),
};
static const char *const SQL_CAMPAIGN_COUNT[CL__MAX] = {
	[CL_ID] = PAGER_COUNT(" FROM campaigns c FORCE INDEX (PRIMARY)" CAMPAIGN_FILTER),
	[CL_KIND] = PAGER_COUNT(" FROM campaigns c FORCE INDEX (k_campaigns_kind)"
	    CAMPAIGN_FILTER),
	[CL_STATUS] = PAGER_COUNT(" FROM campaigns c FORCE INDEX (k_campaigns_status)"
	    CAMPAIGN_FILTER),
};
struct audience_text {
	const char	*text;
};
static const struct db_col audience_cols[] = {
	DB_COL(struct audience_text, text, "IFNULL(GROUP_CONCAT(uin ORDER BY uin"
	    " SEPARATOR '\\n'), '')"),
	DB_END
};
static struct db_sel SQL_AUDIENCE_TEXT = DB_SEL(
    "SELECT {cols} FROM campaign_audience WHERE campaign_id = ?",
    DB_WHOLE(audience_cols));

static const char SQL_CAMPAIGN_INSERT[] =
    "INSERT INTO campaigns (name, kind, code, discount, amount_off, percent_off,"
    " cap, scope, products, scenarios, billing, min_amount, first_purchase,"
    " valid_from, valid_to, claim_days, audience, total_limit, per_account,"
    " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?)";
static const char SQL_CAMPAIGN_UPDATE[] =
    "UPDATE campaigns SET name = ?, kind = ?, code = ?, discount = ?,"
    " amount_off = ?, percent_off = ?, cap = ?, scope = ?, products = ?,"
    " scenarios = ?, billing = ?, min_amount = ?, first_purchase = ?,"
    " valid_from = ?, valid_to = ?, claim_days = ?, audience = ?,"
    " total_limit = ?, per_account = ? WHERE id = ?";
static const char SQL_CAMPAIGN_LOCK[] =
    "SELECT id FROM campaigns WHERE id = ? FOR UPDATE";
static const char SQL_CAMPAIGN_CLAIMS[] =
    "SELECT COALESCE(SUM(claims), 0) FROM campaign_counts WHERE campaign_id = ?"
    " LOCK IN SHARE MODE";
static const char SQL_CAMPAIGN_STATUS[] =
    "UPDATE campaigns SET status = ? WHERE id = ?";
static const char SQL_AUDIENCE_CLEAR[] =
    "DELETE FROM campaign_audience WHERE campaign_id = ?";
static const char SQL_AUDIENCE_ADD[] =
    "INSERT INTO campaign_audience (campaign_id, uin) VALUES (?, ?)";
/* a campaign's row of the exact count, made with it */
static const char SQL_COUNTS_OPEN[] =
    "INSERT INTO campaign_counts (campaign_id, slot)"
    " SELECT ?, seq FROM seq_0_to_" STR(COUNT_SLOTS)
    " WHERE seq < " STR(COUNT_SLOTS);

/* the account's row, made or locked (a duplicate key's update locks it
 * exclusively, so two of one account wait for each other rather than
 * deadlock); then one more within per_account */
static const char SQL_ACCOUNT_ROW[] =
    "INSERT INTO campaign_accounts (campaign_id, uin, taken) VALUES (?, ?, 0)"
    " ON DUPLICATE KEY UPDATE taken = taken";
static const char SQL_ACCOUNT_MORE[] =
    "UPDATE campaign_accounts a JOIN campaigns c ON c.id = a.campaign_id"
    " SET a.taken = a.taken + 1 WHERE a.campaign_id = ? AND a.uin = ?"
    " AND a.taken < c.per_account";
#define CAMPAIGN_OPEN_NOW \
    " AND c.status = 'active' AND c.valid_from <= UTC_TIMESTAMP()" \
    " AND c.valid_to >= UTC_TIMESTAMP()"
/* a total limit: within the slot's share of it */
static const char SQL_TAKE_LIMITED[] =
    "UPDATE campaign_counts n JOIN campaigns c ON c.id = n.campaign_id"
    " SET n.taken = n.taken + 1, n.claims = n.claims + 1"
    " WHERE n.campaign_id = ? AND n.slot = ? AND c.total_limit > 0"
    " AND n.taken < IF(c.total_limit >= " STR(COUNT_SPREAD) ","
    " c.total_limit DIV " STR(COUNT_SLOTS) " + (n.slot < c.total_limit MOD "
    STR(COUNT_SLOTS) "), IF(n.slot = 0, c.total_limit, 0))" CAMPAIGN_OPEN_NOW;
/* none: the account's slot */
static const char SQL_TAKE_UNLIMITED[] =
    "INSERT INTO campaign_counts (campaign_id, slot, taken, claims)"
    " SELECT c.id, ?, 1, 1 FROM campaigns c WHERE c.id = ?"
    " AND c.total_limit = 0" CAMPAIGN_OPEN_NOW
    " ON DUPLICATE KEY UPDATE taken = taken + 1, claims = claims + 1";

long long
discount_of(const struct campaign *c, long long amount)
{
	long long off;

	if (amount <= 0)
		return 0;
	if (c->discount == DT_AMOUNT)
		return c->amount_off < amount ? c->amount_off : amount;
	/* floor(amount × percent / 100): cents, never rounded up */
	off = amount / 100 * c->percent_off + amount % 100 * c->percent_off / 100;
	if (c->cap > 0 && off > c->cap)
		off = c->cap;
	return off;
}

int
promo_code_normalise(const char *s, char *buf, size_t bufsz)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == ' ' || ch == '\t')
			continue;
		ch = (unsigned char)toupper(ch);
		if (!(isupper(ch) || isdigit(ch) || ch == '-') || n + 1 >= bufsz ||
		    n == 32)
			return -1;
		buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	return n >= 4 ? 0 : -1;
}

enum kq_outcome
campaign_get(struct db *db, struct arena *a, long long id, struct campaign *c)
{
	struct db_arg arg = DB_INT(id);
	enum kq_outcome s;

	s = db_select_one(db, a, &SQL_CAMPAIGN_GET, &arg, 1, c, sizeof(*c));
	c->unfit = DU_FITS;
	return s;
}

enum kq_outcome
campaign_audience_text(struct db *db, struct arena *a, long long id,
    const char **text)
{
	struct db_arg		arg = DB_INT(id);
	struct audience_text	t;
	enum kq_outcome		s;

	*text = "";
	if ((s = db_select_one(db, a, &SQL_AUDIENCE_TEXT, &arg, 1, &t,
	    sizeof(t))) == KQ_OK)
		*text = t.text;
	return s == KQ_NOT_FOUND ? KQ_OK : s;
}

enum kq_outcome
campaign_list(struct db *db, struct arena *a, const struct campaign_filter *f,
    struct pager *pg, struct campaign **out, size_t *n)
{
	const char	*k = f->kind >= 0 ? campaign_kind_names[f->kind] : "";
	const char	*st = f->status >= 0 ? campaign_status_names[f->status] : "";
	struct db_arg	 args[8] = { DB_STR(k), DB_STR(k), DB_STR(st), DB_STR(st) };
	int		 by = f->kind >= 0 ? CL_KIND : f->status >= 0 ? CL_STATUS : CL_ID;

	return pager_select(db, a, &SQL_CAMPAIGN_LIST[by], SQL_CAMPAIGN_COUNT[by],
	    args, 4, pg, sizeof(**out), offsetof(struct campaign, id), out, n);
}

enum kq_outcome
campaigns_claimable(struct db *db, struct arena *a, long long uin,
    struct campaign **out, size_t *n)
{
	struct db_arg args[2] = { DB_INT(uin), DB_INT(uin) };

	return db_select(db, a, &SQL_CLAIMABLE, args, 2, sizeof(**out), out, n);
}

enum kq_outcome
campaign_for_claim(struct db *db, struct arena *a, long long id, long long uin,
    struct campaign *c)
{
	struct db_arg args[3] = { DB_INT(uin), DB_INT(uin), DB_INT(id) };

	return db_select_one(db, a, &SQL_CAMPAIGN_FOR_CLAIM, args, 3, c,
	    sizeof(*c));
}

int
campaign_spread(const struct campaign *c)
{
	return c->total_limit >= COUNT_SPREAD;
}

/* The counts' row a take by uin tries first. */
static int
first_slot(const struct campaign *c, long long uin)
{
	return c->total_limit > 0 && !campaign_spread(c) ? 0 :
	    (int)(uin % COUNT_SLOTS);
}

/* The count's statement for slot: its arguments in a[0..2). */
static const char *
take_count(const struct campaign *c, int slot, struct db_arg *a)
{
	if (c->total_limit > 0) {
		a[0] = DB_INT(c->id);
		a[1] = DB_INT(slot);
		return SQL_TAKE_LIMITED;
	}
	a[0] = DB_INT(slot);
	a[1] = DB_INT(c->id);
	return SQL_TAKE_UNLIMITED;
}

void
campaign_take_steps(struct db_step *st, const struct campaign *c,
    long long uin, int *slot)
{
	*slot = first_slot(c, uin);
	st[0] = (struct db_step){ SQL_ACCOUNT_ROW, "ii",
	    { DB_INT(c->id), DB_INT(uin) }, KQ_OK, 0 };
	st[1] = (struct db_step){ SQL_ACCOUNT_MORE, "ii",
	    { DB_INT(c->id), DB_INT(uin) }, KQ_CLAIM_LIMIT, 0 };
	st[2] = (struct db_step){ NULL, "ii", { DB_NULL }, KQ_CAMPAIGN_EXHAUSTED,
	    0 };
	st[2].sql = take_count(c, *slot, st[2].args);
}

enum kq_outcome
campaign_take(struct db *db, const struct campaign *c, long long uin, int *slot)
{
	struct db_arg	a[2] = { DB_INT(c->id), DB_INT(uin) };
	const char	*sql;
	int		 tries = campaign_spread(c) ? COUNT_SLOTS : 1, i;
	uint64_t	 n;
	enum kq_outcome	 s;

	if ((s = db_exec(db, SQL_ACCOUNT_ROW, a, 2, NULL, NULL)) != KQ_OK ||
	    (s = db_exec(db, SQL_ACCOUNT_MORE, a, 2, &n, NULL)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_CLAIM_LIMIT;
	/* the campaign's count last: its row is the one others wait for; a
	 * spread limit's full slot sends the take on to the next */
	for (i = 0, n = 0; n == 0 && i < tries; i++) {
		*slot = (first_slot(c, uin) + i) % COUNT_SLOTS;
		sql = take_count(c, *slot, a);
		if ((s = db_exec(db, sql, a, 2, &n, NULL)) != KQ_OK)
			return s;
	}
	return n == 0 ? KQ_CAMPAIGN_EXHAUSTED : KQ_OK;
}

static const char SQL_GIVE_BACK[] =
    "UPDATE campaign_counts SET taken = taken - 1"
    " WHERE campaign_id = ? AND slot = ? AND taken > 0";
static const char SQL_ACCOUNT_GIVE_BACK[] =
    "UPDATE campaign_accounts SET taken = taken - 1"
    " WHERE campaign_id = ? AND uin = ? AND taken > 0";
static const char SQL_COUNT_USE[] =
    "INSERT INTO campaign_counts (campaign_id, slot, used) VALUES (?, ?, 1)"
    " ON DUPLICATE KEY UPDATE used = used + 1";

void
discount_terms_args(struct db_arg *a, const struct discount_terms *t)
{
	a[0] = DB_STR(t->scenario);
	a[1] = DB_STR(t->billing);
	a[2] = DB_INT(t->amount);
	a[3] = DB_INT(t->uin);
	a[4] = DB_INT(t->uin);
	a[5] = DB_INT(t->order_id);
}

enum kq_outcome
campaign_for_promo(struct db *db, struct arena *a, const char *typed,
    const struct discount_terms *t, int to_use, struct campaign *c)
{
	struct db_arg	args[DU_ORDER_ARGS + 4];
	char		code[33];
	size_t		n = DU_ORDER_ARGS;
	enum kq_outcome	s;

	memset(c, 0, sizeof(*c));
	if (promo_code_normalise(typed, code, sizeof(code)) < 0)
		return KQ_NOT_FOUND;
	discount_terms_args(args, t);
	args[n++] = DB_INT(t->uin);
	if (!to_use)
		args[n++] = DB_INT(t->uin);
	args[n++] = DB_STR(t->product);
	args[n++] = DB_STR(arena_strdup(a, code));
	if ((s = db_select_one(db, a, to_use ? &SQL_CAMPAIGN_TO_USE :
	    &SQL_CAMPAIGN_FOR_PROMO, args, n, c, sizeof(*c))) != KQ_OK)
		return s;
	if (c->unfit == DU_AUDIENCE)
		return KQ_NOT_FOUND;
	c->off = c->unfit == DU_FITS ? discount_of(c, t->amount) : 0;
	return KQ_OK;
}

enum kq_outcome
campaign_give_back(struct db *db, long long campaign_id, int slot, long long uin)
{
	struct db_arg	a[2] = { DB_INT(campaign_id), DB_INT(slot) };
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_GIVE_BACK, a, 2, NULL, NULL)) != KQ_OK)
		return s;
	a[1] = DB_INT(uin);
	return db_exec(db, SQL_ACCOUNT_GIVE_BACK, a, 2, NULL, NULL);
}

enum kq_outcome
campaign_count_use(struct db *db, long long campaign_id, long long order_id)
{
	struct db_arg a[2] = { DB_INT(campaign_id),
	    DB_INT(order_id % COUNT_SLOTS) };

	return db_exec(db, SQL_COUNT_USE, a, 2, NULL, NULL);
}

struct save_ctx {
	const struct principal		*admin;
	const char			*ip;
	const struct campaign_spec	*c;
	const char			*code;		/* normalised, or NULL */
	time_t				 from, to;
	const long long			*uins;
	size_t				 nuins;
	long long			 id;
};

static enum kq_outcome
audience_write(struct db *db, const struct save_ctx *x)
{
	struct db_arg	a[2] = { DB_INT(x->id) };
	size_t		i;
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_AUDIENCE_CLEAR, a, 1, NULL, NULL)) != KQ_OK)
		return s;
	for (i = 0; i < x->nuins; i++) {
		a[1] = DB_INT(x->uins[i]);
		if ((s = db_exec(db, SQL_AUDIENCE_ADD, a, 2, NULL, NULL)) != KQ_OK)
			return s;
	}
	return KQ_OK;
}

static enum kq_outcome
save_txn(struct db *db, struct arena *ar, void *arg)
{
	struct save_ctx			*x = arg;
	const struct campaign_spec	*c = x->c;
	struct db_arg			 a[20];
	long long			 claims;
	char				 target[32];
	uint64_t			 id;
	enum kq_outcome			 s;

	a[0] = DB_STR(c->name);
	a[1] = DB_STR(campaign_kind_names[c->kind]);
	a[2] = x->code ? DB_STR(x->code) : DB_NULL;
	a[3] = DB_STR(discount_type_names[c->discount]);
	a[4] = DB_INT(c->discount == DT_AMOUNT ? c->amount_off : 0);
	a[5] = DB_INT(c->discount == DT_PERCENT ? c->percent_off : 0);
	a[6] = DB_INT(c->discount == DT_PERCENT ? c->cap : 0);
	a[7] = DB_STR(voucher_scope_names[c->scope]);
	a[8] = DB_STR(c->products);
	a[9] = DB_STR(c->scenarios);
	a[10] = DB_STR(c->billing);
	a[11] = DB_INT(c->min_amount);
	a[12] = DB_INT(c->first_purchase);
	a[13] = DB_TIME(x->from);
	a[14] = DB_TIME(x->to);
	a[15] = DB_INT(c->claim_days);
	a[16] = DB_STR(audience_names[c->audience]);
	a[17] = DB_INT(c->total_limit);
	a[18] = DB_INT(c->per_account);
	if (c->id == 0) {
		a[19] = DB_INT(x->admin->id);
		s = db_exec(db, SQL_CAMPAIGN_INSERT, a, 20, NULL, &id);
		if (s != KQ_OK)
			return s;
		x->id = (long long)id;
		a[0] = DB_INT(x->id);
		if ((s = db_exec(db, SQL_COUNTS_OPEN, a, 1, NULL, NULL)) != KQ_OK)
			return s;
	} else {
		struct db_arg l = DB_INT(c->id);

		if ((s = db_scalar(db, SQL_CAMPAIGN_LOCK, &l, 1, &claims)) != KQ_OK ||
		    (s = db_scalar(db, SQL_CAMPAIGN_CLAIMS, &l, 1, &claims)) != KQ_OK)
			return s;
		if (claims > 0)	/* SPEC §10: editable until its first claim or use */
			return KQ_TEMPLATE_LOCKED;
		a[19] = DB_INT(c->id);
		if ((s = db_exec(db, SQL_CAMPAIGN_UPDATE, a, 20, NULL, NULL)) != KQ_OK)
			return s;
		x->id = c->id;
	}
	if ((s = audience_write(db, x)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "campaign:%lld", x->id);
	(void)ar;
	return audit_write(db, x->admin, c->id ? "campaign.edit" :
	    "campaign.create", target, c->name, x->ip);
}

/* The first field of spec c that breaks a rule, or NULL; fills x. */
static const char *
spec_check(struct arena *a, const struct campaign_spec *c, struct save_ctx *x,
    char code[33])
{
	if (c->kind == CK_PROMO_CODE) {
		if (c->code == NULL || promo_code_normalise(c->code, code, 33) < 0)
			return "code";
		x->code = code;
	}
	if (c->discount == DT_AMOUNT && c->amount_off <= 0)
		return "amount_off";
	if (c->discount == DT_PERCENT && (c->percent_off < 1 || c->percent_off > 99))
		return "percent_off";
	if (c->discount == DT_PERCENT && c->cap < 0)
		return "cap";
	if (c->scope == SCOPE_INCLUDE && *c->products == '\0')
		return "products";
	if (c->from_ymd == 0)
		return "valid_from";
	if (c->to_ymd == 0)
		return "valid_to";
	/* whole days in display_tz (SPEC §2) */
	x->from = clock_start_of_day(c->from_ymd);
	x->to = clock_end_of_day(c->to_ymd);
	if (x->to <= x->from || x->to <= time(NULL))
		return "valid_to";
	if (c->kind == CK_COUPON && (c->claim_days < 1 || c->claim_days > 3650))
		return "claim_days";
	if (c->total_limit < 0)
		return "total_limit";
	if (c->per_account < 1)
		return "per_account";
	if (c->audience == AU_TARGETED && (c->uins == NULL ||
	    uins_parse(a, c->uins, (long long **)&x->uins, &x->nuins) < 0 ||
	    x->nuins > CAMPAIGN_UINS_MAX))
		return "uins";
	return NULL;
}

enum kq_outcome
campaign_save(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, const struct campaign_spec *c, long long *id,
    const char **bad)
{
	struct save_ctx	x = { admin, ip, c, NULL, 0, 0, NULL, 0, 0 };
	char		code[33];
	int		known;
	enum kq_outcome	s;

	*id = 0;
	if ((*bad = spec_check(a, c, &x, code)) != NULL)
		return KQ_INVALID_FIELD;
	if ((known = catalog_has_all(db, c->products)) <= 0) {
		if (known < 0)
			return KQ_UNAVAILABLE;
		*bad = "products";
		return KQ_INVALID_FIELD;
	}
	s = db_txn(db, a, save_txn, &x);
	if (s == KQ_CONFLICT) {		/* the promo code is another's */
		*bad = "code";
		return KQ_INVALID_FIELD;
	}
	if (s == KQ_OK)
		*id = x.id;
	return s;
}

struct status_ctx {
	const struct principal	*admin;
	const char		*ip;
	long long		 id;
	enum campaign_status	 to;
};

static enum kq_outcome
status_txn(struct db *db, struct arena *ar, void *arg)
{
	struct status_ctx	*x = arg;
	struct db_arg		 a[2] = { DB_STR(campaign_status_names[x->to]),
				    DB_INT(x->id) };
	char			 target[32];
	uint64_t		 n;
	enum kq_outcome		 s;

	(void)ar;
	if ((s = db_exec(db, SQL_CAMPAIGN_STATUS, a, 2, &n, NULL)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_NOT_FOUND;
	snprintf(target, sizeof(target), "campaign:%lld", x->id);
	return audit_write(db, x->admin, x->to == CS_DISABLED ?
	    "campaign.disable" : "campaign.enable", target, NULL, x->ip);
}

enum kq_outcome
campaign_set_status(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long id, enum campaign_status to)
{
	struct status_ctx x = { admin, ip, id, to };

	return db_txn(db, a, status_txn, &x);
}
