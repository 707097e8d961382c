/*
 * voucher_read.c - the vouchers' reads: the lists (My Vouchers on its own
 * index), one voucher, its ledger, and the matching rules of SPEC §5 that
 * pick an order's candidates and say why the others do not fit.  Reads
 * only: voucher.c writes.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "base/clock.h"
#include "voucher.h"

/* the filters after "WHERE <account>": status, template, expiry */
#define VOUCHER_FILTERS \
    " AND (? = '' OR " VOUCHER_STATUS " = ?)" \
    " AND (? = 0 OR v.template_id = ?) AND (? IS NULL OR v.valid_to <= ?)"

/*
 * The backend's list reads, newest first, the index its filter names and
 * stops at the page (SPEC §9 Volume): an account's, an issue's, a
 * template's, a stored status's (a status the sweep writes as it is shown,
 * or as good as: 'available' and 'expired' are most of the table, so the
 * primary key finds them at once); the other filters are checked on the
 * rows read.  STRAIGHT_JOIN keeps vouchers the driving table; the count
 * (PAGER_COUNT, bounded) reads the same index without the template, but a
 * filter on the status alone counts on the status's ranges of
 * (status, valid_to) (VOUCHER_STORED_RANGES): what it shows, not the
 * sweep's backlog beside it.
 */
enum { VL_ID, VL_UIN, VL_ISSUE, VL_TEMPLATE, VL_STATE, VL__MAX };
#define ADMIN_VOUCHERS_WHERE \
    " WHERE (? = '' OR v.status = ?) AND (? = 0 OR " VOUCHER_STORED_RANGES ")" \
    " AND (? = 0 OR v.uin = ?)" VOUCHER_FILTERS " AND (? = 0 OR v.issue_id = ?)"
#define ADMIN_VOUCHER_ARGS	(2 + 1 + VOUCHER_RANGE_ARGS + 2 + 6 + 2)
#define ADMIN_VOUCHERS(index) \
    DB_SEL("SELECT STRAIGHT_JOIN {cols} FROM vouchers v FORCE INDEX (" index ")" \
    " JOIN voucher_templates t ON t.id = v.template_id" VOUCHER_FROZEN_JOIN \
    ADMIN_VOUCHERS_WHERE PAGER_AFTER("v.id"), DB_WHOLE(voucher_cols))
#define ADMIN_VOUCHER_COUNT(index) \
    PAGER_COUNT(" FROM vouchers v FORCE INDEX (" index ")" VOUCHER_FROZEN_JOIN \
    ADMIN_VOUCHERS_WHERE)
static struct db_sel SQL_VOUCHER_LIST[VL__MAX] = {
	[VL_ID] = ADMIN_VOUCHERS("PRIMARY"),
	[VL_UIN] = ADMIN_VOUCHERS("k_vouchers_mine"),
	[VL_ISSUE] = ADMIN_VOUCHERS("k_vouchers_issue"),
	[VL_TEMPLATE] = ADMIN_VOUCHERS("k_vouchers_template"),
	[VL_STATE] = ADMIN_VOUCHERS("k_vouchers_state"),
};
static const char *const SQL_VOUCHER_COUNT[VL__MAX] = {
	[VL_ID] = ADMIN_VOUCHER_COUNT("PRIMARY"),
	[VL_UIN] = ADMIN_VOUCHER_COUNT("k_vouchers_mine"),
	[VL_ISSUE] = ADMIN_VOUCHER_COUNT("k_vouchers_issue"),
	[VL_TEMPLATE] = ADMIN_VOUCHER_COUNT("k_vouchers_template"),
	[VL_STATE] = ADMIN_VOUCHER_COUNT("k_vouchers_state"),
};
/* One filter alone is counted from its index alone (no row read): an
 * account's, an issue's, a template's vouchers; a status's, from the
 * (status, valid_to) ranges of VOUCHER_STORED_RANGES, with the frozen ones
 * (a few: their orders decide) apart. */
static const char *const SQL_VOUCHER_COUNT_ONE[VL__MAX] = {
	[VL_UIN] = PAGER_COUNT(" FROM vouchers v FORCE INDEX (k_vouchers_mine)"
	    " WHERE v.uin = ?"),
	[VL_ISSUE] = PAGER_COUNT(" FROM vouchers v FORCE INDEX (k_vouchers_issue)"
	    " WHERE v.issue_id = ?"),
	[VL_TEMPLATE] = PAGER_COUNT(" FROM vouchers v"
	    " FORCE INDEX (k_vouchers_template) WHERE v.template_id = ?"),
	[VL_STATE] = "SELECT (" PAGER_COUNT(" FROM vouchers v"
	    " FORCE INDEX (k_vouchers_status) WHERE " VOUCHER_STORED_RANGES
	    " AND v.status <> 'frozen'") ") + (" PAGER_COUNT(" FROM vouchers v"
	    " FORCE INDEX (k_vouchers_state)" VOUCHER_FROZEN_JOIN
	    " WHERE v.status = 'frozen' AND " VOUCHER_STATUS " = ?") ")",
};
/* My Vouchers is the hot page: read the account's (uin, id) index newest
 * first and stop at a page (STRAIGHT_JOIN keeps vouchers the driving table);
 * left to itself the optimizer starts from the one template and sorts
 * every row of the account.  A status reads the (uin, status, id) ranges
 * of the stored statuses it may come from (VOUCHER_STORED_RANGES): an account
 * with thousands of used vouchers and none available reads none of them.
 * It reads only the columns the list shows.  Most accounts' list is one
 * page, which pager_select reads without the count; the count, when
 * needed, leaves out the template (the filters do not use it). */
#define VOUCHER_MINE(index, stored) \
    " FROM vouchers v FORCE INDEX (" index ")" VOUCHER_FROZEN_JOIN
#define VOUCHER_MINE_WHERE(stored)	" WHERE v.uin = ?" stored VOUCHER_FILTERS
static const struct db_col my_voucher_cols[] = {
	DB_COL(struct voucher, id, "v.id"),
	DB_COL(struct voucher, name, "t.name"),
	DB_ENUM(struct voucher, status, VOUCHER_STATUS, voucher_status_names),
	DB_ENUM(struct voucher, scope, "t.scope", voucher_scope_names),
	DB_COL(struct voucher, products, "t.products"),
	DB_COL(struct voucher, face, "v.face"),
	DB_COL(struct voucher, balance, "v.balance"),
	DB_COL(struct voucher, valid_from, "v.valid_from"),
	DB_COL(struct voucher, valid_to, "v.valid_to"),
	DB_END
};
#define MY_VOUCHERS(index, stored) DB_SEL("SELECT STRAIGHT_JOIN {cols}" \
    VOUCHER_MINE(index, stored) " JOIN voucher_templates t ON t.id = v.template_id" \
    VOUCHER_MINE_WHERE(stored) PAGER_AFTER("v.id"), DB_WHOLE(my_voucher_cols))
#define MY_VOUCHER_COUNT(index, stored) \
    PAGER_COUNT(VOUCHER_MINE(index, stored) VOUCHER_MINE_WHERE(stored))
/* all of them; a status by its ranges; a status stored as shown, in the
 * (uin, status, id) index's order, counted from the index alone */
enum { MV_ALL, MV_RANGES, MV_STORED, MV__MAX };
static struct db_sel SQL_MY_VOUCHER_LIST[MV__MAX] = {
	[MV_ALL] = MY_VOUCHERS("k_vouchers_mine", ""),
	[MV_RANGES] = MY_VOUCHERS("k_vouchers_uin", " AND " VOUCHER_STORED_RANGES),
	[MV_STORED] = MY_VOUCHERS("k_vouchers_uin", " AND v.status = ?"),
};
static const char *const SQL_MY_VOUCHER_COUNT[MV__MAX] = {
	[MV_ALL] = MY_VOUCHER_COUNT("k_vouchers_mine", ""),
	[MV_RANGES] = MY_VOUCHER_COUNT("k_vouchers_uin", " AND " VOUCHER_STORED_RANGES),
	[MV_STORED] = MY_VOUCHER_COUNT("k_vouchers_uin", " AND v.status = ?"),
};
/* with no filter that reads the rows: counted from the index alone */
static const char *const SQL_MY_VOUCHER_COUNT_ONE[MV__MAX] = {
	[MV_ALL] = PAGER_COUNT(" FROM vouchers v FORCE INDEX (k_vouchers_mine)"
	    " WHERE v.uin = ?"),
	[MV_STORED] = PAGER_COUNT(" FROM vouchers v FORCE INDEX (k_vouchers_uin)"
	    " WHERE v.uin = ? AND v.status = ?"),
};
static struct db_sel SQL_VOUCHER_BY_LAST4 = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM " WHERE v.code_last4 = ? ORDER BY v.id DESC"
    " LIMIT " STR(VOUCHER_LAST4_MAX), DB_WHOLE(voucher_cols));
static struct db_sel SQL_VOUCHER_GET = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM " WHERE v.id = ? AND (? = 0 OR v.uin = ?)",
    DB_WHOLE(voucher_cols));
/* A partner's customer vouchers: filters customer, purpose, status. */
#define PARTNER_VOUCHERS \
    VOUCHER_FROM " WHERE v.partner_uin = ? AND (? = 0 OR v.uin = ?)" \
    " AND (? = '' OR v.purpose = ?) AND (? = '' OR " VOUCHER_STATUS " = ?)"
static struct db_sel SQL_PARTNER_VOUCHER_LIST = DB_SEL(
    "SELECT {cols}" PARTNER_VOUCHERS PAGER_AFTER("v.id"),
    DB_WHOLE(voucher_cols));
static const char SQL_PARTNER_VOUCHER_COUNT[] = PAGER_COUNT(PARTNER_VOUCHERS);
static struct db_sel SQL_PARTNER_VOUCHER_GET = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM " WHERE v.id = ? AND v.partner_uin = ?",
    DB_WHOLE(voucher_cols));
static const struct db_col deduct_cols[] = {
	DB_COL(struct voucher, deduct, "LEAST(v.balance, ?)"),
	DB_END
};
/*
 * The matching rules of SPEC §5 in one expression: the first rule a voucher
 * fails for an order, NULL when it fits.  Available (effective status) and
 * within its validity; its scope takes the product (general products only
 * for 'all' and 'exclude', seed 000); the product allows vouchers in this
 * scenario and billing mode and the template's scenarios and billing modes
 * fit; the order reaches the minimum amount; a minimum duration needs a
 * product sold by months and an order that long.  The candidates are the
 * vouchers it passes, best first (the largest deduction, then the earliest
 * expiry); the order page names the rule each other voucher fails.  Its
 * arguments: scenario, billing, scenario, billing, amount, months.
 */
#define VOUCHER_UNFIT \
    "CASE WHEN " VOUCHER_STATUS " IN ('expired', 'frozen') THEN " VOUCHER_STATUS \
    " WHEN v.valid_from > UTC_TIMESTAMP() THEN 'not_yet'" \
    " WHEN NOT ((t.scope = 'all' AND p.general = 1)" \
    "  OR (t.scope = 'include' AND FIND_IN_SET(p.code, t.products))" \
    "  OR (t.scope = 'exclude' AND p.general = 1" \
    "  AND NOT FIND_IN_SET(p.code, t.products))) THEN 'product'" \
    " WHEN NOT EXISTS (SELECT 1 FROM product_scenarios ps" \
    "  WHERE ps.product = p.code AND ps.scenario = ? AND ps.billing = ?)" \
    "  OR NOT (t.scenarios = '' OR FIND_IN_SET(?, t.scenarios)) THEN 'scenario'" \
    " WHEN NOT FIND_IN_SET(?, t.billing) THEN 'billing'" \
    " WHEN t.min_amount > ? THEN 'min_amount'" \
    " WHEN NOT (t.min_months = 0 OR (p.has_duration = 1 AND ? >= t.min_months))" \
    "  THEN 'months' END"
static const struct db_col unfit_cols[] = {
	DB_ENUM(struct voucher, unfit, VOUCHER_UNFIT " AS unfit", unfit_names),
	DB_END
};
static struct db_sel SQL_CANDIDATES = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM " JOIN products p ON p.code = ?"
    " WHERE v.uin = ? AND v.status IN ('available', 'frozen')"
    " AND (? = 0 OR v.id = ?) HAVING unfit IS NULL"
    /* SPEC §6: with its partner's switch on, an associated trial voucher
     * is recommended before any other */
    " ORDER BY IFNULL(v.purpose = 'trial' AND EXISTS (SELECT 1 FROM accounts pa"
    "  WHERE pa.uin = v.partner_uin AND pa.associated_first = 1), 0) DESC,"
    " LEAST(v.balance, ?) DESC, v.valid_to, v.id",
    DB_WHOLE(voucher_cols), DB_WHOLE(unfit_cols), DB_WHOLE(deduct_cols));
static struct db_sel SQL_UNFIT = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM " JOIN products p ON p.code = ?"
    " WHERE v.uin = ? AND v.status IN ('available', 'frozen', 'expired')"
    " AND v.valid_to > UTC_TIMESTAMP() - INTERVAL 30 DAY"
    " HAVING unfit IS NOT NULL ORDER BY v.valid_to DESC, v.id LIMIT 50",
    DB_WHOLE(voucher_cols), DB_WHOLE(unfit_cols));

static const struct db_col ledger_cols[] = {
	DB_COL(struct ledger_row, id, "id"),
	DB_ENUM(struct ledger_row, kind, "kind", ledger_kind_names),
	DB_COL(struct ledger_row, order_id, "order_id"),
	DB_COL(struct ledger_row, amount, "amount"),
	DB_COL(struct ledger_row, balance, "balance"),
	DB_COL(struct ledger_row, actor, "actor"),
	DB_COL(struct ledger_row, time, "created_at"),
	DB_END
};
static struct db_sel SQL_LEDGER_LIST = DB_SEL(
    "SELECT {cols} FROM voucher_ledger WHERE voucher_id = ? ORDER BY id",
    DB_WHOLE(ledger_cols));

enum kq_outcome
vouchers_name_products(struct db *db, struct arena *a, struct voucher *v,
    size_t n)
{
	return CATALOG_NAME_ROWS(db, a, v, n, products, product_names);
}

/* The filter's status, "" for any. */
static const char *
status_arg(const struct vfilter *f)
{
	return f->status >= 0 ? voucher_status_names[f->status] : "";
}

/* The filters' arguments after the account's, each twice (the "? = ''
 * OR" form): status, template, expiry; 6 from args. */
static void
filter_args(const struct vfilter *f, struct db_arg *args)
{
	args[0] = args[1] = DB_STR(status_arg(f));
	args[2] = args[3] = DB_INT(f->template_id);
	args[4] = args[5] = f->expires_ymd ?
	    DB_TIME(clock_end_of_day(f->expires_ymd)) : DB_NULL;
}

enum kq_outcome
voucher_list(struct db *db, struct arena *a, const struct vfilter *f,
    struct pager *pg, struct voucher **out, size_t *n)
{
	struct db_arg	 args[ADMIN_VOUCHER_ARGS + 4];	/* the most */
	struct db_arg	 cargs[VOUCHER_RANGE_ARGS + 1];	/* a count's own */
	enum kq_outcome	 s;

	if (f->partner_uin) {
		const char *purpose = f->purpose >= 0 ? purpose_names[f->purpose] : "";

		args[0] = DB_INT(f->partner_uin);
		args[1] = args[2] = DB_INT(f->uin);
		args[3] = args[4] = DB_STR(purpose);
		args[5] = args[6] = DB_STR(status_arg(f));
		s = pager_select(db, a, &SQL_PARTNER_VOUCHER_LIST,
		    SQL_PARTNER_VOUCHER_COUNT, args, 7, pg, sizeof(**out),
		    offsetof(struct voucher, id), out, n);
	} else {
		/* the narrowest index the filter names; a shown status that is
		 * the stored one reads its own (available and expired also
		 * count vouchers whose stored status the sweep has yet to
		 * write: the primary key) */
		int by = f->uin ? VL_UIN : f->issue_id ? VL_ISSUE :
		    f->template_id ? VL_TEMPLATE : f->status < 0 ||
		    f->status == VS_AVAILABLE || f->status == VS_EXPIRED ? VL_ID :
		    VL_STATE;
		/* which filters are given: one alone is counted apart */
		int given = (f->uin != 0) + (f->issue_id != 0) +
		    (f->template_id != 0) + (f->status >= 0) + (f->expires_ymd != 0);
		int one = given != 1 || f->expires_ymd ? -1 : f->status >= 0 ?
		    VL_STATE : by;
		size_t k = 3 + VOUCHER_RANGE_ARGS;

		args[0] = args[1] = DB_STR(by == VL_STATE ? status_arg(f) : "");
		args[2] = DB_INT(f->status >= 0);
		voucher_stored_ranges(f->status >= 0 ? f->status : VS_USED,
		    time(NULL), args + 3);
		args[k] = args[k + 1] = DB_INT(f->uin);
		filter_args(f, args + k + 2);
		args[k + 8] = args[k + 9] = DB_INT(f->issue_id);
		if (one == VL_STATE) {
			voucher_stored_ranges(f->status, time(NULL), cargs);
			cargs[VOUCHER_RANGE_ARGS] = DB_STR(status_arg(f));
			pager_count_args(pg, cargs, VOUCHER_RANGE_ARGS + 1);
		} else if (one >= 0) {
			cargs[0] = DB_INT(f->uin ? f->uin : f->issue_id ?
			    f->issue_id : f->template_id);
			pager_count_args(pg, cargs, 1);
		}
		s = pager_select(db, a, &SQL_VOUCHER_LIST[by], one >= 0 ?
		    SQL_VOUCHER_COUNT_ONE[one] : SQL_VOUCHER_COUNT[by], args,
		    ADMIN_VOUCHER_ARGS, pg, sizeof(**out),
		    offsetof(struct voucher, id), out, n);
	}
	return s != KQ_OK ? s : vouchers_name_products(db, a, *out, *n);
}

enum kq_outcome
voucher_list_mine(struct db *db, struct arena *a, const struct vfilter *f,
    struct pager *pg, struct voucher **out, size_t *n)
{
	struct db_arg	 args[1 + VOUCHER_RANGE_ARGS + 6 + 4];
	const char	*count;
	enum kq_outcome	 s;
	size_t		 k = 1;
	int		 by = f->status < 0 ? MV_ALL : MV_RANGES;

	args[0] = DB_INT(f->uin);
	if (by == MV_RANGES && voucher_stored_ranges(f->status, time(NULL),
	    args + 1)) {
		by = MV_STORED;
		args[k++] = DB_STR(status_arg(f));
	} else if (by == MV_RANGES)
		k += VOUCHER_RANGE_ARGS;
	filter_args(f, args + k);
	count = SQL_MY_VOUCHER_COUNT[by];
	if (by != MV_RANGES && !f->template_id && !f->expires_ymd) {
		count = SQL_MY_VOUCHER_COUNT_ONE[by];
		pager_count_args(pg, args, by == MV_ALL ? 1 : 2);
	}
	if ((s = pager_select(db, a, &SQL_MY_VOUCHER_LIST[by], count, args,
	    k + 6, pg, sizeof(**out), offsetof(struct voucher, id), out,
	    n)) != KQ_OK)
		return s;
	return vouchers_name_products(db, a, *out, *n);
}

enum kq_outcome
voucher_get(struct db *db, struct arena *a, long long uin, long long id,
    struct voucher *v)
{
	struct db_arg	args[3] = { DB_INT(id), DB_INT(uin), DB_INT(uin) };
	enum kq_outcome	s;

	if ((s = db_select_one(db, a, &SQL_VOUCHER_GET, args, 3, v,
	    sizeof(*v))) != KQ_OK)
		return s;
	return vouchers_name_products(db, a, v, 1);
}

enum kq_outcome
voucher_by_last4(struct db *db, struct arena *a, const char *last4,
    struct voucher **out, size_t *n)
{
	struct db_arg	arg = DB_STR(last4);
	enum kq_outcome	s;

	if ((s = db_select(db, a, &SQL_VOUCHER_BY_LAST4, &arg, 1, sizeof(**out),
	    out, n)) != KQ_OK)
		return s;
	return vouchers_name_products(db, a, *out, *n);
}

enum kq_outcome
voucher_get_of_partner(struct db *db, struct arena *a, long long partner,
    long long id, struct voucher *v)
{
	struct db_arg	args[2] = { DB_INT(id), DB_INT(partner) };
	enum kq_outcome	s;

	if ((s = db_select_one(db, a, &SQL_PARTNER_VOUCHER_GET, args, 2, v,
	    sizeof(*v))) != KQ_OK)
		return s;
	return vouchers_name_products(db, a, v, 1);
}

enum kq_outcome
voucher_ledger(struct db *db, struct arena *a, long long id,
    struct ledger_row **out, size_t *n)
{
	struct db_arg arg = DB_INT(id);

	return db_select(db, a, &SQL_LEDGER_LIST, &arg, 1, sizeof(**out), out, n);
}

/* The six arguments of VOUCHER_UNFIT. */
static void
unfit_args(struct db_arg *args, const struct order_terms *o)
{
	args[0] = DB_STR(o->scenario);
	args[1] = DB_STR(o->billing);
	args[2] = DB_STR(o->scenario);
	args[3] = DB_STR(o->billing);
	args[4] = DB_INT(o->amount);
	args[5] = DB_INT(o->months);
}

enum kq_outcome
voucher_match(struct db *db, struct arena *a, long long uin,
    const struct order_terms *o, long long only_id, struct voucher **out,
    size_t *n)
{
	struct db_arg	args[13];
	enum kq_outcome	s;

	unfit_args(args, o);
	args[6] = DB_INT(o->due);
	args[7] = DB_STR(o->product);
	args[8] = DB_INT(uin);
	args[9] = args[10] = DB_INT(only_id);
	args[11] = DB_INT(o->due);
	if ((s = db_select(db, a, &SQL_CANDIDATES, args, 12, sizeof(**out), out,
	    n)) != KQ_OK)
		return s;
	return vouchers_name_products(db, a, *out, *n);
}

enum kq_outcome
voucher_unfit(struct db *db, struct arena *a, long long uin,
    const struct order_terms *o, struct voucher **out, size_t *n)
{
	struct db_arg	args[8];
	enum kq_outcome	s;

	unfit_args(args, o);
	args[6] = DB_STR(o->product);
	args[7] = DB_INT(uin);
	if ((s = db_select(db, a, &SQL_UNFIT, args, 8, sizeof(**out), out,
	    n)) != KQ_OK)
		return s;
	return vouchers_name_products(db, a, *out, *n);
}
