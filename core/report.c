/*
 * report.c - the finance reports' rollup and reads (SPEC §11).
 *
 * Each source is read from its mark in chunks, in the order of an index:
 * the two ledgers by id (append-only), the orders by the time they were
 * paid or refunded (an order's row is made long before).  A chunk's rows
 * become facts (what each changed, by SQL written once here, per source),
 * the facts are added up per month (in display_tz) and per template,
 * partner and product, and the sums are added to report_months with the
 * mark moved in the same transaction.
 *
 * Only rows older than the lag are read: a row is written when its
 * transaction runs and seen when it commits, so a row younger than the
 * longest transaction might still be joined by one of a smaller id (or an
 * earlier time) that is not committed yet.  The ledgers stop at their
 * first younger row: ids are handed out in time order, so everything
 * before it is older still.  Transactions here last milliseconds (every
 * statement is capped at db_timeout), so report_lag (30 s) is ample.
 *
 * Definitions (SPEC §11, README "Reports"): platform vouchers (templates
 * of kind platform) are the liability and the cost's issued, activated,
 * deducted and breakage; customer vouchers are partners' cost
 * (partner_own), partner vouchers the platform's cost for partners
 * (partner_platform).  Liability is the balance of available and frozen
 * platform vouchers: each ledger row adds its voucher's new balance in
 * its new status and takes away what the row before left.  Breakage is the
 * balance a voucher had when it expired, was invalidated or withdrawn,
 * and what a single-use voucher gave up when it paid less than it held.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "db/pager.h"
#include "report.h"
#include "state.h"

#define REPORT_MEASURES(X) \
	X(RM_AVAILABLE, "available") X(RM_FROZEN, "frozen") \
	X(RM_ISSUED, "issued") X(RM_ACTIVATED, "activated") \
	X(RM_DEDUCTED, "deducted") X(RM_BREAKAGE, "breakage") \
	X(RM_DISCOUNTS, "discounts") X(RM_PARTNER_PLATFORM, "partner_platform") \
	X(RM_PARTNER_OWN, "partner_own") X(RM_AMOUNT, "amount") \
	X(RM_CARD, "card") X(RM_VOUCHER, "voucher") \
	X(RM_DISCOUNT, "discount") X(RM_CASH, "cash") \
	X(RM_REFUNDED, "refunded")

#define NAME(k, col)	[k] = col,
const char *const report_measure_names[] = { REPORT_MEASURES(NAME) NULL };
const char *const report_dim_names[] = { "all", "template", "partner",
	"product", NULL };

int	report_fault_chunk, report_fault_kill;

int
report_month_of(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);	/* clock_init() set display_tz */
	return (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

int
report_month_add(int m, int months)
{
	int n = (m / 100) * 12 + (m % 100 - 1) + months;

	return (n / 12) * 100 + n % 12 + 1;
}

int
report_month_next(int m)
{
	return report_month_add(m, 1);
}

/* ------------------------------------------------------------ reading */

#define MONTH_COL(k, col)	DB_COL(struct report_month, m[k], col),
static const struct db_col month_cols[] = {
	DB_COL(struct report_month, month, "month"),
	REPORT_MEASURES(MONTH_COL)
	DB_END
};
static struct db_sel SQL_MONTHS = DB_SEL("SELECT {cols} FROM report_months"
    " WHERE dim = ? AND dim_key = ? AND month BETWEEN ? AND ? ORDER BY month",
    DB_WHOLE(month_cols));

enum kq_outcome
report_months(struct db *db, struct arena *a, enum report_dim dim,
    const char *key, int from, int to, int liability,
    struct report_month **out, size_t *n)
{
	struct db_arg		 x[4] = { DB_STR(report_dim_names[dim]),
				    DB_STR(key != NULL ? key : ""),
				    DB_INT(liability ? 0 : from), DB_INT(to) };
	struct report_month	*rows, *r, held = { 0, { 0 } };
	enum kq_outcome		 s;
	size_t			 nrows, i = 0, k;
	int			 m;

	*n = 0;
	if ((s = db_select(db, a, &SQL_MONTHS, x, 4, sizeof(*rows), &rows,
	    &nrows)) != KQ_OK)
		return s;
	if ((*out = arena_zalloc(a, REPORT_MONTHS_MAX * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	/* a liability's months before the range only carry their balance */
	for (; liability && i < nrows && rows[i].month < from; i++)
		for (k = RM_AVAILABLE; k <= RM_FROZEN; k++)
			held.m[k] += rows[i].m[k];
	for (m = from; m <= to && *n < REPORT_MONTHS_MAX; m = report_month_next(m)) {
		r = &(*out)[(*n)++];
		if (i < nrows && rows[i].month == m)
			*r = rows[i++];
		r->month = m;
		if (!liability)
			continue;
		for (k = RM_AVAILABLE; k <= RM_FROZEN; k++)
			r->m[k] = held.m[k] += r->m[k];
	}
	return KQ_OK;
}

struct as_of {
	time_t	 upto;
	int	 missing;
};
static const struct db_col as_of_cols[] = {
	DB_COL(struct as_of, upto, "MIN(upto)"),
	DB_COL(struct as_of, missing, "COUNT(*) - COUNT(upto)"),
	DB_END
};
static struct db_sel SQL_AS_OF = DB_SEL("SELECT {cols} FROM report_marks",
    DB_WHOLE(as_of_cols));

enum kq_outcome
report_as_of(struct db *db, time_t *t)
{
	struct arena	a;
	struct as_of	r;
	enum kq_outcome	s;

	arena_init(&a, 1024, 1 << 16);
	s = db_select_one(db, &a, &SQL_AS_OF, NULL, 0, &r, sizeof(r));
	*t = s == KQ_OK && r.missing == 0 ? r.upto : 0;
	arena_free(&a);
	return s == KQ_NOT_FOUND ? KQ_OK : s;
}

/* ------------------------------------------------------------ the rollup */

/* What one source row changed. */
struct fact {
	long long	 id;
	time_t		 at;
	const char	*key[RD__MAX];		/* NULL: not about one */
	long long	 m[RM__MAX];
};
#define FACT(m_, expr)		DB_COL(struct fact, m[m_], expr)
#define FACT_KEY(d, expr)	DB_COL(struct fact, key[d], "CAST(" expr " AS CHAR)")
#define SIGNED(x)		"CAST(" x " AS SIGNED)"

/* A voucher ledger row with its template's kind and the voucher's balance
 * and status before it: the voucher's row before it in the chunk, else
 * its state after the rows counted before (report_voucher_state, by its
 * key: 019_report_voucher_state.sql).  The chunk is read by the ledger's
 * key and stops at its size (STRAIGHT_JOIN: never from the templates). */
#define VL_PLATFORM(expr)	"IF(x.tkind = 'platform', " expr ", 0)"
#define VL_HELD(st) \
	"IF(x.status = '" st "', " SIGNED("x.balance") ", 0) - IF(x.pstatus = '" \
	st "', " SIGNED("x.pbalance") ", 0)"
static const struct db_col voucher_facts[] = {
	DB_COL(struct fact, id, "x.id"),
	DB_COL(struct fact, at, "x.created_at"),
	FACT_KEY(RD_TEMPLATE, "IF(x.tkind = 'platform', x.template_id, NULL)"),
	FACT_KEY(RD_PARTNER, "IF(x.tkind = 'customer', x.partner_uin, NULL)"),
	FACT(RM_AVAILABLE, VL_PLATFORM(VL_HELD("available"))),
	FACT(RM_FROZEN, VL_PLATFORM(VL_HELD("frozen"))),
	FACT(RM_ISSUED, VL_PLATFORM("IF(x.kind = 'issue', " SIGNED("x.face") ", 0)")),
	FACT(RM_ACTIVATED, VL_PLATFORM("IF(x.kind = 'activate', "
	    SIGNED("x.balance") ", 0)")),
	FACT(RM_DEDUCTED, VL_PLATFORM("IF(x.kind = 'deduct', -x.amount, 0)")),
	FACT(RM_BREAKAGE, VL_PLATFORM("CASE WHEN x.kind = 'forfeit' THEN -x.amount"
	    " WHEN x.kind IN ('expire', 'invalidate', 'withdraw')"
	    " THEN COALESCE(" SIGNED("x.pbalance") ", 0) ELSE 0 END")),
	FACT(RM_PARTNER_OWN, "IF(x.tkind = 'customer' AND x.kind = 'deduct',"
	    " -x.amount, 0)"),
	DB_END
};
#define VL_BEFORE(col) \
	"IF(LAG(c.id) OVER w IS NULL, s." col ", LAG(c." col ") OVER w)"
static struct db_sel SQL_VOUCHER_FACTS = DB_SEL("SELECT {cols} FROM ("
    "SELECT c.*, " VL_BEFORE("balance") " AS pbalance, " VL_BEFORE("status")
    " AS pstatus FROM (SELECT STRAIGHT_JOIN l.id, l.voucher_id, l.created_at,"
    " l.kind, l.amount, l.balance, l.status, v.template_id, v.partner_uin,"
    " v.face, t.kind AS tkind"
    " FROM voucher_ledger l FORCE INDEX (PRIMARY)"
    " JOIN vouchers v ON v.id = l.voucher_id"
    " JOIN voucher_templates t ON t.id = v.template_id"
    " WHERE l.id > ? ORDER BY l.id LIMIT ?) c"
    " LEFT JOIN report_voucher_state s ON s.voucher_id = c.voucher_id"
    " WINDOW w AS (PARTITION BY c.voucher_id ORDER BY c.id)) x ORDER BY x.id",
    DB_WHOLE(voucher_facts));
/* the state after a chunk's rows (after the mark, up to its new place) */
static const char SQL_VOUCHER_STATE[] =
    "INSERT INTO report_voucher_state (voucher_id, ledger_id, balance, status)"
    " SELECT l.voucher_id, l.id, l.balance, l.status FROM voucher_ledger l"
    " WHERE l.id IN (SELECT MAX(q.id) FROM voucher_ledger q"
    " WHERE q.id > ? AND q.id <= ? GROUP BY q.voucher_id)"
    " ON DUPLICATE KEY UPDATE ledger_id = VALUES(ledger_id),"
    " balance = VALUES(balance), status = VALUES(status)";

static const struct db_col partner_facts[] = {
	DB_COL(struct fact, id, "l.id"),
	DB_COL(struct fact, at, "l.created_at"),
	FACT_KEY(RD_PARTNER, "pv.partner_uin"),
	FACT(RM_PARTNER_PLATFORM, "IF(l.kind = 'deduct', -l.amount, 0)"),
	DB_END
};
static struct db_sel SQL_PARTNER_FACTS = DB_SEL("SELECT {cols}"
    " FROM partner_ledger l JOIN partner_vouchers pv ON pv.id = l.voucher_id"
    " WHERE l.id > ? ORDER BY l.id LIMIT ?", DB_WHOLE(partner_facts));

/* An order by when it was paid: amount = discount + card + voucher + cash
 * (SPEC §10); its discount is the cost report's too. */
static const struct db_col paid_facts[] = {
	DB_COL(struct fact, id, "o.id"),
	DB_COL(struct fact, at, "o.paid_at"),
	FACT_KEY(RD_PRODUCT, "o.product"),
	FACT(RM_AMOUNT, SIGNED("o.amount")),
	FACT(RM_CARD, SIGNED("o.card_amount")),
	FACT(RM_VOUCHER, SIGNED("o.voucher_amount")),
	FACT(RM_DISCOUNT, "o.discount"),
	FACT(RM_DISCOUNTS, "o.discount"),
	FACT(RM_CASH, SIGNED("o.cash")),
	DB_END
};
#define ORDERS_AFTER(col) \
    " WHERE o." col " >= ? AND (o." col " > ? OR o.id > ?) AND o." col " < ?"
static struct db_sel SQL_PAID_FACTS = DB_SEL("SELECT {cols}"
    " FROM orders o FORCE INDEX (k_orders_paid)" ORDERS_AFTER("paid_at")
    " ORDER BY o.paid_at, o.id LIMIT ?", DB_WHOLE(paid_facts));

/* An order by when it was refunded: the cash given back. */
static const struct db_col refund_facts[] = {
	DB_COL(struct fact, id, "o.id"),
	DB_COL(struct fact, at, "o.closed_at"),
	FACT_KEY(RD_PRODUCT, "o.product"),
	FACT(RM_REFUNDED, SIGNED("o.refunded_cash")),
	DB_END
};
static struct db_sel SQL_REFUND_FACTS = DB_SEL("SELECT {cols}"
    " FROM orders o FORCE INDEX (k_orders_closed)" ORDERS_AFTER("closed_at")
    " AND o.status = 'refunded' ORDER BY o.closed_at, o.id LIMIT ?",
    DB_WHOLE(refund_facts));

struct source {
	const char	*name;		/* report_marks.source */
	struct db_sel	*sel;
	int		 by_time;	/* the orders': (time, id) after the mark,
					   before the cutoff */
};
static const struct source sources[] = {
	{ "voucher_ledger", &SQL_VOUCHER_FACTS, 0 },
	{ "partner_ledger", &SQL_PARTNER_FACTS, 0 },
	{ "orders_paid", &SQL_PAID_FACTS, 1 },
	{ "orders_refunded", &SQL_REFUND_FACTS, 1 },
};

struct mark {
	long long	 last_id;
	time_t		 last_at;
};
static const struct db_col mark_cols[] = {
	DB_COL(struct mark, last_id, "last_id"),
	DB_COL(struct mark, last_at, "last_at"),
	DB_END
};
/* the lock that makes two sweeps at once take turns, chunk by chunk */
static struct db_sel SQL_MARK = DB_SEL("SELECT {cols} FROM report_marks"
    " WHERE source = ? FOR UPDATE", DB_WHOLE(mark_cols));
static const char SQL_MARK_MOVE[] =
    "UPDATE report_marks SET last_id = ?, last_at = ?,"
    " upto = IF(?, ?, upto) WHERE source = ?";

#define UPSERT_COL(m, col)	", " col
#define UPSERT_ARG(m, col)	", ?"
#define UPSERT_ADD(m, col)	", " col " = " col " + VALUES(" col ")"
static const char SQL_MONTH_ADD[] = "INSERT INTO report_months (dim, dim_key,"
    " month" REPORT_MEASURES(UPSERT_COL) ") VALUES (?, ?, ?"
    REPORT_MEASURES(UPSERT_ARG) ") ON DUPLICATE KEY UPDATE"
    " month = month" REPORT_MEASURES(UPSERT_ADD);

/* A chunk's sums: one a month and dim/key. */
struct cell {
	int		 month;
	enum report_dim	 dim;
	const char	*key;
	long long	 m[RM__MAX];
};

static void
cell_add(struct cell *cells, size_t *n, int month, enum report_dim dim,
    const char *key, const long long *m)
{
	struct cell	*c;
	size_t		 i, k;

	for (i = 0; i < *n; i++)
		if (cells[i].month == month && cells[i].dim == dim &&
		    strcmp(cells[i].key, key) == 0)
			break;
	c = &cells[i];
	if (i == *n) {
		memset(c, 0, sizeof(*c));
		c->month = month;
		c->dim = dim;
		c->key = key;
		(*n)++;
	}
	for (k = 0; k < RM__MAX; k++)
		c->m[k] += m[k];
}

static int
fact_empty(const struct fact *f)
{
	size_t k;

	for (k = 0; k < RM__MAX; k++)
		if (f->m[k] != 0)
			return 0;
	return 1;
}

static enum kq_outcome
cells_write(struct db *db, const struct cell *cells, size_t n)
{
	struct db_arg	x[3 + RM__MAX];
	enum kq_outcome	s;
	size_t		i, k;

	for (i = 0; i < n; i++) {
		x[0] = DB_STR(report_dim_names[cells[i].dim]);
		x[1] = DB_STR(cells[i].key);
		x[2] = DB_INT(cells[i].month);
		for (k = 0; k < RM__MAX; k++)
			x[3 + k] = DB_INT(cells[i].m[k]);
		if ((s = db_exec(db, SQL_MONTH_ADD, x, 3 + RM__MAX, NULL,
		    NULL)) != KQ_OK)
			return s;
	}
	return KQ_OK;
}

struct rollup_ctx {
	const struct source	*src;
	time_t			 cutoff;
	long long		 chunk;		/* rows a chunk */
	long long		 rows;		/* this chunk's */
	int			 more;		/* a whole chunk: go on */
	int			 chunks;	/* run so far (the fault) */
};

/* The facts of one chunk after the source's mark, added up per month and
 * dim/key, written with the mark moved past them. */
static enum kq_outcome
rollup_chunk(struct db *db, struct arena *a, void *arg)
{
	struct rollup_ctx	*c = arg;
	struct db_arg		 x[5] = { DB_STR(c->src->name) };
	struct mark		 mk;
	struct fact		*f;
	struct cell		*cells;
	enum kq_outcome		 s;
	size_t			 n, i, ncells = 0, d;
	int			 month;

	if ((s = db_select_one(db, a, &SQL_MARK, x, 1, &mk, sizeof(mk))) != KQ_OK)
		return s;
	if (c->src->by_time) {
		x[0] = x[1] = DB_TIME(mk.last_at);
		x[2] = DB_INT(mk.last_id);
		x[3] = DB_TIME(c->cutoff);
		x[4] = DB_INT(c->chunk);
		s = db_select(db, a, c->src->sel, x, 5, sizeof(*f), &f, &n);
	} else {
		x[0] = DB_INT(mk.last_id);
		x[1] = DB_INT(c->chunk);
		s = db_select(db, a, c->src->sel, x, 2, sizeof(*f), &f, &n);
	}
	if (s != KQ_OK)
		return s;
	c->more = (long long)n == c->chunk;
	for (i = 0; !c->src->by_time && i < n; i++)
		if (f[i].at >= c->cutoff) {	/* the rest is too young */
			n = i;
			c->more = 0;
		}
	if ((cells = arena_alloc(a, (n * RD__MAX + 1) * sizeof(*cells))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < n; i++) {
		if (fact_empty(&f[i]))
			continue;
		month = report_month_of(f[i].at);
		cell_add(cells, &ncells, month, RD_ALL, "", f[i].m);
		for (d = RD_ALL + 1; d < RD__MAX; d++)
			if (f[i].key[d] != NULL)
				cell_add(cells, &ncells, month, d, f[i].key[d],
				    f[i].m);
	}
	if ((s = cells_write(db, cells, ncells)) != KQ_OK)
		return s;
	if (n > 0 && c->src->sel == &SQL_VOUCHER_FACTS) {
		x[0] = DB_INT(mk.last_id);
		x[1] = DB_INT(f[n - 1].id);
		if ((s = db_exec(db, SQL_VOUCHER_STATE, x, 2, NULL, NULL)) != KQ_OK)
			return s;
	}
	if (n > 0) {
		mk.last_id = f[n - 1].id;
		mk.last_at = f[n - 1].at;
	}
	x[0] = DB_INT(mk.last_id);
	x[1] = DB_TIME(mk.last_at);
	x[2] = DB_INT(!c->more);
	x[3] = DB_TIME(c->cutoff);
	x[4] = DB_STR(c->src->name);
	if ((s = db_exec(db, SQL_MARK_MOVE, x, 5, NULL, NULL)) != KQ_OK)
		return s;
	if (report_fault_kill && ++c->chunks == report_fault_kill)
		raise(SIGKILL);		/* the test's kill, before the commit */
	c->rows = (long long)n;
	return KQ_OK;
}

enum kq_outcome
report_rollup(struct db *db, int lag, long long *rows)
{
	struct arena		a;
	struct rollup_ctx	c = { NULL, time(NULL) - lag,
				    report_fault_chunk > 0 ? report_fault_chunk :
				    REPORT_CHUNK, 0, 0, 0 };
	enum kq_outcome		s = KQ_OK;
	size_t			i;

	if (rows != NULL)
		*rows = 0;
	arena_init(&a, 1 << 16, 64 << 20);
	for (i = 0; s == KQ_OK && i < sizeof(sources) / sizeof(*sources); i++) {
		c.src = &sources[i];
		do {
			long long t = clock_mono_us();

			if ((s = db_txn(db, &a, rollup_chunk, &c)) == KQ_OK &&
			    rows != NULL)
				*rows += c.rows;
			arena_reset(&a);
			/* a backlog (the first rollup reads all history) rests
			 * as long as each chunk took, as the expiry does: the
			 * database keeps half its time for the requests */
			if (s == KQ_OK && c.more)
				usleep((useconds_t)(clock_mono_us() - t));
		} while (s == KQ_OK && c.more);
	}
	arena_free(&a);
	return s;
}

/* ------------------------------------------------------------ the cards */

/* a batch's unused cards; usable: a normal batch within its validity */
#define UNUSED		"(b.total - COALESCE(n.used, 0) - COALESCE(n.disabled, 0))"
#define USABLE		"b.status = 'normal' AND b.valid_to >= UTC_TIMESTAMP()"
#define USABLE_WITHIN(days) "IF(" USABLE " AND b.valid_to <= UTC_TIMESTAMP()" \
	" + INTERVAL " days " DAY, " UNUSED ", 0)"
static const struct db_col batch_report_cols[] = {
	DB_COL(struct report_batch, id, "b.id"),
	DB_COL(struct report_batch, price, "b.price"),
	DB_COL(struct report_batch, label, "b.label"),
	DB_COL(struct report_batch, name, "b.name"),
	DB_ENUM(struct report_batch, product, "b.product", pickup_product_names),
	DB_COL(struct report_batch, made, "b.total"),
	DB_COL(struct report_batch, used, "COALESCE(n.used, 0)"),
	DB_COL(struct report_batch, unused, UNUSED),
	DB_COL(struct report_batch, expiring[0], USABLE_WITHIN("30")),
	DB_COL(struct report_batch, expiring[1], USABLE_WITHIN("60")),
	DB_COL(struct report_batch, expiring[2], USABLE_WITHIN("90")),
	DB_COL(struct report_batch, outstanding,
	    "IF(" USABLE ", b.price * " UNUSED ", 0)"),
	DB_END
};
/* the batches' kept counts (pickup.c), never their cards */
static struct db_sel SQL_BATCH_REPORT = DB_SEL("SELECT {cols}"
    " FROM pickup_batches b LEFT JOIN (SELECT batch_id, SUM(used) AS used,"
    " SUM(disabled) AS disabled FROM pickup_batch_counts GROUP BY batch_id) n"
    " ON n.batch_id = b.id WHERE (? = '' OR b.product = ?)"
    " ORDER BY b.id DESC LIMIT " STR(REPORT_BATCHES_MAX),
    DB_WHOLE(batch_report_cols));

enum kq_outcome
report_cards(struct db *db, struct arena *a, int product,
    struct report_cards *c)
{
	const char		*p = product >= 0 ? pickup_product_names[product] : "";
	struct db_arg		 x[2] = { DB_STR(p), DB_STR(p) };
	struct report_batch	*b, *t;
	enum kq_outcome		 s;
	size_t			 i, k;

	memset(c, 0, sizeof(*c));
	if ((s = db_select(db, a, &SQL_BATCH_REPORT, x, 2, sizeof(*c->batches),
	    &c->batches, &c->n)) != KQ_OK)
		return s;
	for (i = 0; i < c->n; i++) {
		b = &c->batches[i];
		t = &c->products[b->product];
		t->product = b->product;
		t->made += b->made;
		t->used += b->used;
		t->unused += b->unused;
		for (k = 0; k < 3; k++)
			t->expiring[k] += b->expiring[k];
		t->outstanding += b->outstanding;
	}
	return KQ_OK;
}

enum kq_outcome
report_headline(struct db *db, struct arena *a, struct report_headline *h)
{
	int			 now = report_month_of(time(NULL));
	struct report_month	*l, *m;
	enum kq_outcome		 s;
	size_t			 n;

	memset(h, 0, sizeof(*h));
	if ((s = report_months(db, a, RD_ALL, NULL, now, now, 1, &l, &n)) != KQ_OK ||
	    (s = report_months(db, a, RD_ALL, NULL, now, now, 0, &m, &n)) != KQ_OK)
		return s;
	h->liability = l->m[RM_AVAILABLE] + l->m[RM_FROZEN];
	h->cost = m->m[RM_DEDUCTED] + m->m[RM_DISCOUNTS];
	h->breakage = m->m[RM_BREAKAGE];
	return report_as_of(db, &h->as_of);
}
