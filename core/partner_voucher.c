/*
 * partner_voucher.c - the partner_vouchers table and its ledger: reads,
 * application and review, Type I issue, invalidation, and the deduction of
 * partner charges.
 *
 * Every change locks the voucher row (SELECT ... FOR UPDATE) and asks the
 * predicates of state.h, so twelve admins approving one application at once
 * serialise on that row: the first sees it pending, the others
 * KQ_REVIEW_STATE, and exactly one trial voucher is issued.  A deduction
 * locks the partner's candidate vouchers in the payment's transaction.
 */
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "account.h"
#include "approval.h"
#include "audit.h"
#include "catalog.h"
#include "partner_voucher.h"
#include "voucher_template.h"

static const struct db_col pv_cols[] = {
	DB_COL(struct pvoucher, id, "pv.id"),
	DB_ENUM(struct pvoucher, type, "pv.type", pv_type_names),
	DB_COL(struct pvoucher, partner_uin, "pv.partner_uin"),
	DB_COL(struct pvoucher, customer_uin, "pv.customer_uin"),
	DB_COL(struct pvoucher, template_id, "pv.template_id"),
	DB_ENUM(struct pvoucher, approval, "pv.approval", approval_names),
	DB_ENUM(struct pvoucher, status, PV_STATUS, voucher_status_names),
	DB_COL(struct pvoucher, face, "pv.face"),
	DB_COL(struct pvoucher, balance, "pv.balance"),
	DB_COL(struct pvoucher, name, "pv.name"),
	DB_ENUM(struct pvoucher, scope, "pv.scope", voucher_scope_names),
	DB_COL(struct pvoucher, products, "pv.products"),
	DB_COL(struct pvoucher, billing, "pv.billing"),
	DB_COL(struct pvoucher, min_amount, "pv.min_amount"),
	DB_COL(struct pvoucher, valid_days, "pv.valid_days"),
	DB_COL(struct pvoucher, valid_from, "pv.valid_from"),
	DB_COL(struct pvoucher, valid_to, "pv.valid_to"),
	DB_COL(struct pvoucher, reason, "pv.reason"),
	DB_COL(struct pvoucher, created_at, "pv.created_at"),
	DB_COL(struct pvoucher, reviewed_at, "pv.reviewed_at"),
	DB_COL(struct pvoucher, queue_key, "pv.queue_key"),
	DB_END
};
/* what a page adds: the partner's name, the associated trial voucher */
static const struct db_col pv_page_cols[] = {
	DB_COL(struct pvoucher, partner_name, "pa.name"),
	DB_COL(struct pvoucher, associated,
	    "(SELECT MIN(av.id) FROM vouchers av WHERE av.partner_voucher_id = pv.id)"),
	DB_END
};
#define PV_FROM \
    " FROM partner_vouchers pv JOIN accounts pa ON pa.uin = pv.partner_uin"
#define PV_FILTERS \
    " WHERE (? = 0 OR pv.partner_uin = ?) AND (? = 0 OR pv.customer_uin = ?)" \
    " AND (? = '' OR pv.type = ?) AND (? = '' OR pv.approval = ?)" \
    " AND (? = '' OR " PV_STATUS " = ?) AND (? < 0 OR (pv.balance > 0) = ?)"

static struct db_sel SQL_PV_LIST = DB_SEL(
    "SELECT {cols}" PV_FROM PV_FILTERS PAGER_AFTER("pv.id"),
    DB_WHOLE(pv_cols), DB_WHOLE(pv_page_cols));
/* The review queue: what waits for a decision first, oldest first, then
 * the rest, newest first; that order is queue_key's (014_pv_queue.sql),
 * kept by the statements that insert and review, so the queue reads its
 * index (a partner's, given one) and stops at the page. */
#define PV_QUEUE_TOP	"2199023255552"	/* 2^41: ids stay below half */
#define PV_QUEUE_KEY \
    "IF(approval = 'pending_review', " PV_QUEUE_TOP " - id, id)"
#define PV_REVIEW_LIST(index) DB_SEL("SELECT STRAIGHT_JOIN {cols}" \
    " FROM partner_vouchers pv FORCE INDEX (" index ")" \
    " JOIN accounts pa ON pa.uin = pv.partner_uin" PV_FILTERS \
    PAGER_AFTER("pv.queue_key"), DB_WHOLE(pv_cols), DB_WHOLE(pv_page_cols))
static struct db_sel SQL_PV_REVIEW_LIST[2] = {
	PV_REVIEW_LIST("k_pv_queue"), PV_REVIEW_LIST("k_pv_partner_queue"),
};
static const char SQL_PV_COUNT[] = PAGER_COUNT(PV_FROM PV_FILTERS);
/* a partner's (or every one) with no other filter: from the index alone */
static const char SQL_PV_COUNT_ONE[] = PAGER_COUNT(" FROM partner_vouchers pv"
    " FORCE INDEX (k_pv_partner) WHERE (? = 0 OR pv.partner_uin = ?)");
/* A partner's home (issue 31): how many of its applications wait, from
 * the queue's index alone, and its decisions of the last days, on theirs
 * (021_by_day.sql), newest first. */
static const char SQL_PV_WAITING[] = PAGER_COUNT(" FROM partner_vouchers pv"
    " FORCE INDEX (k_pv_partner_queue) WHERE pv.partner_uin = ?"
    " AND pv.queue_key > " PV_QUEUE_TOP " DIV 2");
static struct db_sel SQL_PV_DECISIONS = DB_SEL("SELECT STRAIGHT_JOIN {cols}"
    " FROM partner_vouchers pv FORCE INDEX (k_pv_partner_reviewed)"
    " JOIN accounts pa ON pa.uin = pv.partner_uin"
    " WHERE pv.partner_uin = ? AND pv.reviewed_at >= ?"
    " AND pv.type = 'partner_2' AND pv.approval IN ('approved', 'rejected')"
    " ORDER BY pv.reviewed_at DESC, pv.id DESC LIMIT " STR(PV_DECISIONS),
    DB_WHOLE(pv_cols), DB_WHOLE(pv_page_cols));
static struct db_sel SQL_PV_GET = DB_SEL(
    "SELECT {cols}" PV_FROM " WHERE pv.id = ? AND (? = 0 OR pv.partner_uin = ?)",
    DB_WHOLE(pv_cols), DB_WHOLE(pv_page_cols));
static struct db_sel SQL_PV_LOCK = DB_SEL(
    "SELECT {cols} FROM partner_vouchers pv"
    " WHERE pv.id = ? AND (? = 0 OR pv.partner_uin = ?) FOR UPDATE",
    DB_WHOLE(pv_cols));

static const struct db_col ledger_cols[] = {
	DB_COL(struct ledger_row, id, "id"),
	DB_ENUM(struct ledger_row, kind, "kind", ledger_kind_names),
	DB_COL(struct ledger_row, order_id, "order_id"),
	DB_COL(struct ledger_row, customer, "customer_uin"),
	DB_COL(struct ledger_row, amount, "amount"),
	DB_COL(struct ledger_row, balance, "balance"),
	DB_COL(struct ledger_row, actor, "actor"),
	DB_COL(struct ledger_row, time, "created_at"),
	DB_END
};
static struct db_sel SQL_LEDGER_LIST = DB_SEL(
    "SELECT {cols} FROM partner_ledger WHERE voucher_id = ? ORDER BY id",
    DB_WHOLE(ledger_cols));
static const char SQL_LEDGER_ADD[] =
    "INSERT INTO partner_ledger (voucher_id, kind, order_id, customer_uin,"
    " amount, balance, status, actor) SELECT id, ?, ?, ?, ?, balance, status, ?"
    " FROM partner_vouchers WHERE id = ?";

static const char SQL_PV_INSERT[] =
    "INSERT INTO partner_vouchers (type, partner_uin, customer_uin, template_id,"
    " approval, status, face, balance, name, scope, products, billing,"
    " min_amount, valid_days, valid_from, valid_to, created_by)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PV_QUEUE[] =
    "UPDATE partner_vouchers SET queue_key = " PV_QUEUE_KEY " WHERE id = ?";
static const char SQL_PV_REVIEW[] =
    "UPDATE partner_vouchers SET approval = ?, status = ?, valid_from = ?,"
    " valid_to = ?, reason = ?, reviewed_by = ?, reviewed_at = UTC_TIMESTAMP(),"
    " queue_key = id WHERE id = ? AND approval = 'pending_review'";
static const char SQL_PV_INVALIDATE[] =
    "UPDATE partner_vouchers SET status = 'invalidated' WHERE id = ?";
static const char SQL_PV_DEDUCT[] =
    "UPDATE partner_vouchers SET balance = balance - ?,"
    " status = IF(balance = 0, 'used', 'available')"
    " WHERE id = ? AND status = 'available' AND balance >= ?";

/*
 * SPEC §6, the pick: the partner's available, unexpired vouchers whose
 * scope, billing modes and minimum amount fit the order, a Type II only for
 * its own customer; the associated Type II first (when asked), then Type II
 * before Type I, the earliest expiry, the smallest balance.  Locked, as the
 * deduction follows in the same transaction.
 */
static struct db_sel SQL_PV_PICK = DB_SEL(
    "SELECT {cols} FROM partner_vouchers pv JOIN products p ON p.code = ?"
    " WHERE pv.partner_uin = ? AND pv.status = 'available'"
    " AND pv.valid_from <= UTC_TIMESTAMP() AND pv.valid_to >= UTC_TIMESTAMP()"
    " AND (pv.type = 'partner_1' OR pv.customer_uin = ?)"
    " AND FIND_IN_SET(?, pv.billing)"
    " AND ((pv.scope = 'include' AND FIND_IN_SET(p.code, pv.products))"
    "  OR (pv.scope = 'exclude' AND p.general = 1"
    "   AND NOT FIND_IN_SET(p.code, pv.products)))"
    " AND pv.min_amount <= ?"
    " ORDER BY pv.id = ? DESC, pv.type = 'partner_2' DESC, pv.valid_to,"
    " pv.balance, pv.id LIMIT 1 FOR UPDATE",
    DB_WHOLE(pv_cols));

/* ------------------------------------------------------------ reads */

enum kq_outcome
pv_list(struct db *db, struct arena *a, const struct pvfilter *f,
    struct pager *pg, struct pvoucher **out, size_t *n)
{
	struct db_arg	args[16];	/* 12, and the pager's 4 */
	enum kq_outcome	s;
	int		alone;

	args[0] = args[1] = DB_INT(f->partner);
	args[2] = args[3] = DB_INT(f->customer);
	args[4] = args[5] = DB_STR(f->type >= 0 ? pv_type_names[f->type] : "");
	args[6] = args[7] = DB_STR(f->approval >= 0 ?
	    approval_names[f->approval] : "");
	args[8] = args[9] = DB_STR(f->status >= 0 ?
	    voucher_status_names[f->status] : "");
	args[10] = args[11] = DB_INT(f->balance);
	alone = !f->customer && f->type < 0 && f->approval < 0 && f->status < 0 &&
	    f->balance < 0;
	if (alone)
		pager_count_args(pg, args, 2);
	s = pager_select(db, a, f->review ?
	    &SQL_PV_REVIEW_LIST[f->partner != 0] : &SQL_PV_LIST,
	    alone ? SQL_PV_COUNT_ONE : SQL_PV_COUNT, args, 12, pg, sizeof(**out),
	    f->review ? offsetof(struct pvoucher, queue_key) :
	    offsetof(struct pvoucher, id), out, n);
	return s != KQ_OK ? s :
	    CATALOG_NAME_ROWS(db, a, *out, *n, products, product_names);
}

enum kq_outcome
pv_waiting(struct db *db, long long partner, long long *count)
{
	struct db_arg arg = DB_INT(partner);

	return db_scalar(db, SQL_PV_WAITING, &arg, 1, count);
}

enum kq_outcome
pv_decisions(struct db *db, struct arena *a, long long partner, time_t since,
    struct pvoucher **out, size_t *n)
{
	struct db_arg args[2] = { DB_INT(partner), DB_TIME(since) };

	return db_select(db, a, &SQL_PV_DECISIONS, args, 2, sizeof(**out), out,
	    n);
}

enum kq_outcome
pv_get(struct db *db, struct arena *a, long long partner, long long id,
    struct pvoucher *v)
{
	struct db_arg	args[3] = { DB_INT(id), DB_INT(partner), DB_INT(partner) };
	enum kq_outcome	s;

	if ((s = db_select_one(db, a, &SQL_PV_GET, args, 3, v, sizeof(*v))) != KQ_OK)
		return s;
	return CATALOG_NAME_ROWS(db, a, v, 1, products, product_names);
}

enum kq_outcome
pv_ledger(struct db *db, struct arena *a, long long id, struct ledger_row **out,
    size_t *n)
{
	struct db_arg arg = DB_INT(id);

	return db_select(db, a, &SQL_LEDGER_LIST, &arg, 1, sizeof(**out), out, n);
}

/* ------------------------------------------------------------ changes */

static enum kq_outcome
ledger_add(struct db *db, long long id, enum ledger_kind kind,
    long long order_id, long long customer, long long amount, const char *actor)
{
	struct db_arg a[6] = { DB_STR(ledger_kind_names[kind]),
	    order_id ? DB_INT(order_id) : DB_NULL,
	    customer ? DB_INT(customer) : DB_NULL, DB_INT(amount), DB_STR(actor),
	    DB_INT(id) };

	return db_exec(db, SQL_LEDGER_ADD, a, 6, NULL, NULL);
}

/* A new partner voucher and its first ledger row. */
static enum kq_outcome
pv_insert(struct db *db, const struct pvoucher *v, const char *actor,
    long long *id)
{
	struct db_arg	a[17];
	uint64_t	newid;
	enum kq_outcome	s;

	a[0] = DB_STR(pv_type_names[v->type]);
	a[1] = DB_INT(v->partner_uin);
	a[2] = v->customer_uin ? DB_INT(v->customer_uin) : DB_NULL;
	a[3] = v->template_id ? DB_INT(v->template_id) : DB_NULL;
	a[4] = DB_STR(approval_names[v->approval]);
	a[5] = DB_STR(voucher_status_names[v->status]);
	a[6] = a[7] = DB_INT(v->face);
	a[8] = DB_STR(v->name);
	a[9] = DB_STR(voucher_scope_names[v->scope]);
	a[10] = DB_STR(v->products);
	a[11] = DB_STR(v->billing);
	a[12] = DB_INT(v->min_amount);
	a[13] = DB_INT(v->valid_days);
	a[14] = v->valid_from ? DB_TIME(v->valid_from) : DB_NULL;
	a[15] = v->valid_to ? DB_TIME(v->valid_to) : DB_NULL;
	a[16] = DB_STR(actor);
	if ((s = db_exec(db, SQL_PV_INSERT, a, 17, NULL, &newid)) != KQ_OK)
		return s;
	*id = (long long)newid;
	a[0] = DB_INT(*id);
	if ((s = db_exec(db, SQL_PV_QUEUE, a, 1, NULL, NULL)) != KQ_OK)
		return s;
	return ledger_add(db, *id, v->type == PVT_1 ? LK_ISSUE : LK_APPLY, 0, 0,
	    v->face, actor);
}

static enum kq_outcome
audit_pv(struct db *db, const struct principal *me, const char *action,
    long long id, const char *detail, const char *ip)
{
	char target[40];

	snprintf(target, sizeof(target), "partner_voucher:%lld", id);
	return audit_write(db, me, action, target, detail, ip);
}

struct apply_ctx {
	const struct principal	*me;
	const char		*ip;
	long long		 template_id, customer, amount, id;
};

static enum kq_outcome
apply_txn(struct db *db, struct arena *a, void *arg)
{
	struct apply_ctx	*c = arg;
	struct vtemplate	 t;
	struct pvoucher		 v;
	const char		*actor;
	enum kq_outcome		 s;

	/* locks the template and counts the use: editing is over (seed 002);
	 * another partner's template is not found, whoever is named */
	if ((s = template_use(db, a, TK_PARTNER, c->me->uin, c->template_id,
	    &t)) != KQ_OK)
		return s;
	/* SPEC §6: a customer of this partner, else 422 on uin */
	if ((s = partner_has_customer(db, c->me->uin, c->customer)) != KQ_OK)
		return s == KQ_NOT_FOUND ? KQ_INVALID_FIELD : s;
	if ((actor = principal_actor(a, c->me)) == NULL)
		return KQ_UNAVAILABLE;
	memset(&v, 0, sizeof(v));
	v.type = PVT_2;
	v.partner_uin = c->me->uin;
	v.customer_uin = c->customer;
	v.template_id = t.id;
	v.approval = AP_PENDING;
	v.status = VS_UNACTIVATED;
	v.face = c->amount ? c->amount : t.face;
	v.name = t.name;
	v.scope = t.scope;
	v.products = t.products;
	v.billing = t.billing;
	v.min_amount = t.min_amount;
	v.valid_days = t.valid_days;
	if ((s = pv_insert(db, &v, actor, &c->id)) != KQ_OK)
		return s;
	return audit_pv(db, c->me, "partner.voucher.apply", c->id, NULL, c->ip);
}

enum kq_outcome
pv_apply(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, long long template_id, long long customer,
    long long amount, long long *id, const char **bad)
{
	struct apply_ctx	c = { me, ip, template_id, customer, amount, 0 };
	enum kq_outcome		s;

	*bad = NULL;
	*id = 0;
	if (amount < 0) {
		*bad = "amount";
		return KQ_INVALID_FIELD;
	}
	s = db_txn(db, a, apply_txn, &c);
	if (s == KQ_INVALID_FIELD)
		*bad = "uin";
	else if (s == KQ_OK)
		*id = c.id;
	return s;
}

enum review { APPROVE, REJECT, CANCEL };

struct review_ctx {
	const struct principal	*me;
	const char		*ip;
	long long		 id;
	enum review		 what;
	const char		*reason;
};

static enum kq_outcome
review_txn(struct db *db, struct arena *a, void *arg)
{
	static const enum approval to[] = { AP_APPROVED, AP_REJECTED, AP_CANCELLED };
	static const char *const action[] = { "partner.voucher.approve",
	    "partner.voucher.reject", "partner.voucher.cancel" };
	static const enum ledger_kind kind[] = { LK_APPROVE, LK_REJECT, LK_CANCEL };
	struct review_ctx	*c = arg;
	/* the partner cancels only its own; admins review any */
	long long		 partner = c->what == CANCEL ? c->me->uin : 0;
	struct db_arg		 x[7] = { DB_INT(c->id), DB_INT(partner),
				    DB_INT(partner) };
	struct voucher_new	 trial;
	struct pvoucher		 v;
	const char		*actor;
	time_t			 now = time(NULL);
	long long		 tid;
	uint64_t		 n;
	enum kq_outcome		 s;

	if ((s = db_select_one(db, a, &SQL_PV_LOCK, x, 3, &v, sizeof(v))) != KQ_OK)
		return s;
	if (!pv_can_review(v.approval))
		return KQ_REVIEW_STATE;
	if ((actor = principal_actor(a, c->me)) == NULL)
		return KQ_UNAVAILABLE;
	x[0] = DB_STR(approval_names[to[c->what]]);
	x[1] = DB_STR(voucher_status_names[c->what == APPROVE ? VS_AVAILABLE :
	    VS_UNACTIVATED]);
	/* seed 003: valid from the approval, for the template's days */
	x[2] = c->what == APPROVE ? DB_TIME(now) : DB_NULL;
	x[3] = c->what == APPROVE ?
	    DB_TIME(now + (time_t)v.valid_days * 86400) : DB_NULL;
	x[4] = DB_STR(c->reason != NULL ? c->reason : "");
	x[5] = DB_STR(actor);
	x[6] = DB_INT(c->id);
	if ((s = db_exec(db, SQL_PV_REVIEW, x, 7, &n, NULL)) != KQ_OK)
		return s;
	if (n != 1)
		return KQ_REVIEW_STATE;
	if ((s = ledger_add(db, c->id, kind[c->what], 0, 0, 0, actor)) != KQ_OK)
		return s;
	if (c->what == APPROVE) {
		/* the associated Type III: same amount, scope and validity */
		memset(&trial, 0, sizeof(trial));
		trial.template_id = v.template_id;
		trial.uin = v.customer_uin;
		trial.face = v.face;
		trial.valid_from = now;
		trial.valid_to = now + (time_t)v.valid_days * 86400;
		trial.partner_uin = v.partner_uin;
		trial.purpose = PUR_TRIAL;
		trial.associated = v.id;
		if ((s = voucher_add_one(db, &trial, actor, &tid)) != KQ_OK)
			return s;
	}
	return audit_pv(db, c->me, action[c->what], c->id, c->reason, c->ip);
}

static enum kq_outcome
review(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, long long id, enum review what, const char *reason)
{
	struct review_ctx c = { me, ip, id, what, reason };

	return db_txn(db, a, review_txn, &c);
}

enum kq_outcome
pv_cancel(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, long long id)
{
	return review(db, a, me, ip, id, CANCEL, NULL);
}

enum kq_outcome
pv_approve(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, long long id)
{
	return review(db, a, me, ip, id, APPROVE, NULL);
}

enum kq_outcome
pv_reject(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, long long id, const char *reason)
{
	if (reason == NULL || *reason == '\0')
		return KQ_INVALID_FIELD;
	return review(db, a, me, ip, id, REJECT, reason);
}

struct issue_ctx {
	const struct principal	*me;
	const char		*ip;
	const struct pv_spec	*spec;
	long long		 id;
};

static enum kq_outcome
issue_txn(struct db *db, struct arena *a, void *arg)
{
	struct issue_ctx	*c = arg;
	struct pvoucher		 v;
	const char		*actor;
	time_t			 now = time(NULL);
	enum kq_outcome		 s;

	if ((actor = principal_actor(a, c->me)) == NULL)
		return KQ_UNAVAILABLE;
	memset(&v, 0, sizeof(v));
	v.type = PVT_1;
	v.partner_uin = c->spec->partner;
	v.approval = AP_NONE;
	v.status = VS_AVAILABLE;
	v.face = c->spec->amount;
	v.name = "补偿代金券";
	v.scope = c->spec->scope;
	v.products = c->spec->products;
	v.billing = c->spec->billing;
	v.valid_days = c->spec->valid_days;
	v.valid_from = now;
	v.valid_to = now + (time_t)v.valid_days * 86400;
	if ((s = pv_insert(db, &v, actor, &c->id)) != KQ_OK)
		return s;
	return audit_pv(db, c->me, "partner.voucher.issue", c->id, NULL, c->ip);
}

/* Files Type I spec for partner p for approval (SPEC §11): the spec as the
 * payload pv_issue_approved() reads back. */
static enum kq_outcome
issue_request(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, const struct pv_spec *spec, const struct partner *p,
    long long *id)
{
	struct approval_new	n;

	memset(&n, 0, sizeof(n));
	n.kind = RK_PARTNER_1;
	n.subject_id = p->uin;
	n.subject = p->name;
	n.count = 1;
	n.unit = n.amount = spec->amount;
	if ((n.payload = approval_payload(a, json_pack("{s:I, s:I, s:s, s:s,"
	    " s:s, s:i}", "partner", (json_int_t)spec->partner,
	    "amount", (json_int_t)spec->amount,
	    "scope", voucher_scope_names[spec->scope], "products", spec->products,
	    "billing", spec->billing, "valid_days", spec->valid_days))) == NULL)
		return KQ_UNAVAILABLE;
	return approval_request(db, a, me, ip, &n, id);
}

/* A Type I's spec checked, its partner read into p. */
static enum kq_outcome
issue_check(struct db *db, struct arena *a, const struct pv_spec *spec,
    struct partner *p, const char **bad)
{
	enum kq_outcome	s;
	int		known;

	*bad = NULL;
	if (spec->amount <= 0)
		*bad = "amount";
	else if (spec->scope == SCOPE_ALL)
		*bad = "scope";
	else if (spec->scope == SCOPE_INCLUDE && *spec->products == '\0')
		*bad = "products";
	else if ((known = catalog_has_all(db, spec->products)) <= 0) {
		if (known < 0)
			return KQ_UNAVAILABLE;
		*bad = "products";
	} else if ((s = partner_get(db, a, spec->partner, p)) != KQ_OK) {
		if (s != KQ_NOT_FOUND)
			return s;
		*bad = "partner";
	}
	return *bad != NULL ? KQ_INVALID_FIELD : KQ_OK;
}

enum kq_outcome
pv_issue_plan(struct db *db, struct arena *a, const struct pv_spec *spec,
    struct partner *p, int *needs_approval, const char **bad)
{
	enum kq_outcome	s = issue_check(db, a, spec, p, bad);
	long long	total;

	*needs_approval = s == KQ_OK && approval_needed(1, spec->amount, &total);
	return s;
}

/* A Type I, checked; above the cap (gate) filed for approval instead. */
static enum kq_outcome
issue_run(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, const struct pv_spec *spec, int gate, long long *id,
    const char **bad)
{
	struct issue_ctx	c = { me, ip, spec, 0 };
	struct partner		p;
	enum kq_outcome		s;
	long long		total;

	*id = 0;
	if ((s = issue_check(db, a, spec, &p, bad)) != KQ_OK)
		return s;
	if (gate && approval_needed(1, spec->amount, &total))	/* SPEC §11 */
		return issue_request(db, a, me, ip, spec, &p, id);
	if ((s = db_txn(db, a, issue_txn, &c)) == KQ_OK)
		*id = c.id;
	return s;
}

enum kq_outcome
pv_issue(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, const struct pv_spec *spec, long long *id, const char **bad)
{
	return issue_run(db, a, me, ip, spec, 1, id, bad);
}

enum kq_outcome
pv_issue_approved(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, const char *payload, long long *id, const char **bad)
{
	struct pv_spec	 sp;
	json_t		*j;
	json_int_t	 partner, amount;
	const char	*scope, *products, *billing;
	int		 sc;
	enum kq_outcome	 s = KQ_UNAVAILABLE;

	*bad = NULL;
	memset(&sp, 0, sizeof(sp));
	if ((j = json_loads(payload, 0, NULL)) == NULL)
		return KQ_UNAVAILABLE;
	if (json_unpack(j, "{s:I, s:I, s:s, s:s, s:s, s:i}", "partner", &partner,
	    "amount", &amount, "scope", &scope, "products", &products,
	    "billing", &billing, "valid_days", &sp.valid_days) == 0 &&
	    (sc = state_index(voucher_scope_names, scope)) >= 0 &&
	    (sp.products = arena_strdup(a, products)) != NULL &&
	    (sp.billing = arena_strdup(a, billing)) != NULL) {
		sp.partner = (long long)partner;
		sp.amount = (long long)amount;
		sp.scope = (enum voucher_scope)sc;
		s = issue_run(db, a, me, ip, &sp, 0, id, bad);
	}
	json_decref(j);
	return s;
}

struct invalidate_ctx {
	const struct principal	*me;
	const char		*ip;
	long long		 id, order;
};

static enum kq_outcome
invalidate_txn(struct db *db, struct arena *a, void *arg)
{
	struct invalidate_ctx	*c = arg;
	long long		 partner = c->me->kind == P_MEMBER ? c->me->uin : 0;
	struct db_arg		 x[3] = { DB_INT(c->id), DB_INT(partner),
				    DB_INT(partner) };
	struct pvoucher		 v;
	const char		*actor;
	enum kq_outcome		 s;

	if ((s = db_select_one(db, a, &SQL_PV_LOCK, x, 3, &v, sizeof(v))) != KQ_OK)
		return s;
	if (!pv_can_invalidate(v.status))
		return KQ_VOUCHER_STATE;
	if ((actor = principal_actor(a, c->me)) == NULL)
		return KQ_UNAVAILABLE;
	/* seed 003: its trial vouchers go with it, unless one is in use */
	if (v.type == PVT_2 && (s = vouchers_withdraw_associated(db, a, v.id,
	    actor, &c->order)) != KQ_OK)
		return s;
	if ((s = db_exec(db, SQL_PV_INVALIDATE, x, 1, NULL, NULL)) != KQ_OK ||
	    (s = ledger_add(db, v.id, LK_INVALIDATE, 0, 0, 0, actor)) != KQ_OK)
		return s;
	return audit_pv(db, c->me, "partner.voucher.invalidate", v.id, NULL, c->ip);
}

enum kq_outcome
pv_invalidate(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, long long id, long long *order)
{
	struct invalidate_ctx	c = { me, ip, id, 0 };
	enum kq_outcome		s;

	s = db_txn(db, a, invalidate_txn, &c);
	*order = c.order;
	return s;
}

enum kq_outcome
pv_deduct(struct db *db, struct arena *a, const struct pv_terms *t,
    const char *actor, long long *id, long long *deducted)
{
	struct db_arg	x[7];
	struct pvoucher	v;
	long long	amount;
	uint64_t	n;
	enum kq_outcome	s;

	*id = *deducted = 0;
	x[0] = DB_STR(t->product);
	x[1] = DB_INT(t->partner);
	x[2] = DB_INT(t->customer);
	x[3] = DB_STR(t->billing);
	x[4] = DB_INT(t->amount);
	x[5] = DB_INT(t->prefer);
	s = db_select_one(db, a, &SQL_PV_PICK, x, 6, &v, sizeof(v));
	if (s == KQ_NOT_FOUND)
		return KQ_OK;	/* nothing offsets it: all cash */
	if (s != KQ_OK)
		return s;
	amount = v.balance < t->amount ? v.balance : t->amount;
	x[0] = DB_INT(amount);
	x[1] = DB_INT(v.id);
	x[2] = DB_INT(amount);
	if ((s = db_exec(db, SQL_PV_DEDUCT, x, 3, &n, NULL)) != KQ_OK)
		return s;
	if (n != 1)
		return KQ_UNAVAILABLE;	/* locked above: cannot happen */
	if ((s = ledger_add(db, v.id, LK_DEDUCT, t->order_id, t->customer,
	    -amount, actor)) != KQ_OK)
		return s;
	*id = v.id;
	*deducted = amount;
	return KQ_OK;
}
