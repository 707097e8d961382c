/*
 * voucher.c - the vouchers table and its ledger: every change of a
 * voucher's balance or status (the module's reads and its matching are
 * voucher_read.c's; this file alone writes the tables).
 *
 * Single use is the database's: a voucher is activated by
 *   UPDATE vouchers SET status = 'available' ... WHERE code_hash IN (?, ?)
 *   AND status = 'unactivated'
 * (its code's keyed hash: the code itself is not kept, codekey.h) and
 * frozen for an order by a conditional UPDATE on its effective status,
 * with the affected-row count checked, in the transaction that records it.
 * Every ledger row is written from the row's state after the change, so the
 * ledger cannot disagree with the voucher.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "codekey.h"
#include "base/clock.h"
#include "base/codes.h"
#include "db/ids.h"
#include "ratelimit.h"
#include "voucher.h"

const struct db_col voucher_cols[] = {
	DB_COL(struct voucher, id, "v.id"),
	DB_COL(struct voucher, template_id, "v.template_id"),
	DB_COL(struct voucher, issue_id, "v.issue_id"),
	DB_COL(struct voucher, uin, "v.uin"),
	DB_COL(struct voucher, order_id, "v.order_id"),
	DB_COL(struct voucher, name, "t.name"),
	DB_COL(struct voucher, code_last4, "v.code_last4"),
	DB_ENUM(struct voucher, status, VOUCHER_STATUS, voucher_status_names),
	DB_ENUM(struct voucher, scope, "t.scope", voucher_scope_names),
	DB_ENUM(struct voucher, mode, "t.balance_mode", balance_mode_names),
	DB_COL(struct voucher, products, "t.products"),
	DB_COL(struct voucher, face, "v.face"),
	DB_COL(struct voucher, balance, "v.balance"),
	DB_COL(struct voucher, valid_from, "v.valid_from"),
	DB_COL(struct voucher, valid_to, "v.valid_to"),
	DB_COL(struct voucher, created_at, "v.created_at"),
	DB_COL(struct voucher, activated_at, "v.activated_at"),
	DB_COL(struct voucher, scenarios, "t.scenarios"),
	DB_COL(struct voucher, billing, "t.billing"),
	DB_COL(struct voucher, min_amount, "t.min_amount"),
	DB_COL(struct voucher, min_months, "t.min_months"),
	DB_ENUM(struct voucher, purpose, "v.purpose", purpose_names),
	DB_COL(struct voucher, partner_uin, "v.partner_uin"),
	DB_COL(struct voucher, associated, "v.partner_voucher_id"),
	DB_END
};

static struct db_sel SQL_PARTNER_VOUCHER_LOCK = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM " WHERE v.id = ? AND v.partner_uin = ?"
    " FOR UPDATE", DB_WHOLE(voucher_cols));
static struct db_sel SQL_ASSOCIATED_LOCK = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM " WHERE v.partner_voucher_id = ?"
    " ORDER BY v.id FOR UPDATE", DB_WHOLE(voucher_cols));
static struct db_sel SQL_VOUCHER_LOCK = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM " WHERE v.id = ? FOR UPDATE",
    DB_WHOLE(voucher_cols));
/* The settlement reads the voucher frozen for this order, locked. */
static struct db_sel SQL_VOUCHER_SETTLE_LOCK = DB_SEL(
    "SELECT {cols}" VOUCHER_FROM
    " WHERE v.id = ? AND v.status = 'frozen' AND v.order_id = ? FOR UPDATE",
    DB_WHOLE(voucher_cols));

static const char SQL_LEDGER_ADD[] =
    "INSERT INTO voucher_ledger (voucher_id, kind, order_id, amount, balance,"
    " status, actor) SELECT id, ?, ?, ?, balance, status, ? FROM vouchers"
    " WHERE id = ?";
static const char SQL_LEDGER_ADD_ISSUE[] =
    "INSERT INTO voucher_ledger (voucher_id, kind, amount, balance, status, actor)"
    " SELECT id, 'issue', face, balance, status, ? FROM vouchers WHERE issue_id = ?";

/* every voucher's id from ids.h: those of codes are sealed to them */
static const char SQL_VOUCHER_INSERT[] =
    "INSERT INTO vouchers (id, template_id, issue_id, uin, face, balance,"
    " status, valid_from, valid_to, purpose, partner_uin, partner_voucher_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/* an issue's codes, many a statement; their ids taken first (ids.h), so
 * their codes are sealed, beside their ids, as the rows go in */
static struct db_rows CODE_ROWS = DB_ROWS("INSERT INTO vouchers (id,"
    " code_hash, code_kv, code_last4, template_id, issue_id, face, balance,"
    " status, valid_from, valid_to) VALUES ",
    "(?,?,?,?,?,?,?,?,'unactivated',?,?)", CODE_ROW_ARGS + 6, 10);
static const char SQL_VOUCHER_WITHDRAW[] =
    "UPDATE vouchers SET status = 'withdrawn', order_id = NULL WHERE id = ?";
/* by its code (unique); LAST_INSERT_ID(id) is how an UPDATE hands the
 * row's id to the later steps (MariaDB keeps the argument as the next
 * LAST_INSERT_ID()) */
#define VOUCHER_ACTIVATE \
    "UPDATE vouchers SET status = 'available', uin = ?, activated_at = UTC_TIMESTAMP()," \
    " id = LAST_INSERT_ID(id) WHERE code_hash IN (?, ?)" \
    " AND status = 'unactivated'" \
    " AND valid_to >= UTC_TIMESTAMP()"
static const char SQL_VOUCHER_ACTIVATE[] = VOUCHER_ACTIVATE;
/* for a caller with no failed attempt, without the look-up */
static const char SQL_VOUCHER_ACTIVATE_CLEAN[] = VOUCHER_ACTIVATE ATTEMPTS_NONE;
/* Stored 'available' and effectively so (not past valid_to). */
static const char SQL_VOUCHER_FREEZE[] =
    "UPDATE vouchers v" VOUCHER_FROZEN_JOIN
    " SET v.status = 'frozen', v.order_id = ?"
    " WHERE v.id = ? AND v.uin = ? AND v.status = 'available'"
    " AND " VOUCHER_STATUS " = 'available'";
static const char SQL_VOUCHER_INVALIDATE[] =
    "UPDATE vouchers SET status = 'invalidated' WHERE id = ?";
static const char SQL_VOUCHER_DEDUCT[] =
    "UPDATE vouchers SET balance = balance - ?,"
    " status = IF(balance = 0, 'used', 'available'), order_id = NULL"
    " WHERE id = ? AND status = 'frozen' AND order_id = ?";
static const char SQL_VOUCHER_FORFEIT[] =
    "UPDATE vouchers SET balance = 0, status = 'used' WHERE id = ?";
/* An issue's figures (voucher_issue_counts, 012_volume.sql), in the
 * voucher's slot of its issue's rows, in the transaction that changes the
 * voucher (a partner's customer voucher has no issue) */
#define ISSUE_COUNT(column) \
    "INSERT INTO voucher_issue_counts (issue_id, slot, " column ")" \
    " SELECT issue_id, MOD(id, 16), 1 FROM vouchers" \
    " WHERE id = ? AND issue_id IS NOT NULL" \
    " ON DUPLICATE KEY UPDATE " column " = " column " + 1"
static const char SQL_COUNT_REDEEMED[] = ISSUE_COUNT("redeemed");
static const char SQL_COUNT_USED[] = ISSUE_COUNT("used");
static const char SQL_VOUCHER_RELEASE[] =
    "UPDATE vouchers SET status = 'available', order_id = NULL"
    " WHERE id = ? AND status = 'frozen' AND order_id = ?";
/* The sweep's chunk: the next EXPIRE_CHUNK vouchers of one stored status
 * past the cutoff, in the order of the (status, valid_to) index after the
 * last chunk's end (a window on the index: the entries the chunks before
 * changed, which wait for the purge, are not read again), get their
 * ledger row, then their status; the ledger's read locks the rows, so the
 * update takes the same ones.  EXPIRE_AFTER's arguments: the status, the
 * cutoff, and the last chunk's end (valid_to twice, id). */
#define EXPIRE_CHUNK	1000
#define EXPIRE_CHUNK_LAST 999	/* its last row: EXPIRE_CHUNK - 1 */
struct expire_end {
	time_t		valid_to;
	long long	id;
};
#define EXPIRE_AFTER \
    " FROM vouchers FORCE INDEX (k_vouchers_status) WHERE status = ?" \
    " AND valid_to < ? AND valid_to >= ? AND (valid_to > ? OR id > ?)"
/* and up to this chunk's end (valid_to twice, id) */
#define EXPIRE_UPTO	" AND (valid_to < ? OR (valid_to = ? AND id <= ?))"
static const struct db_col expire_end_cols[] = {
	DB_COL(struct expire_end, valid_to, "valid_to"),
	DB_COL(struct expire_end, id, "id"),
	DB_END
};
static struct db_sel SQL_EXPIRE_END = DB_SEL("SELECT {cols}" EXPIRE_AFTER
    " ORDER BY valid_to, id LIMIT 1 OFFSET " STR(EXPIRE_CHUNK_LAST),
    DB_WHOLE(expire_end_cols));
static const char SQL_EXPIRE_LEDGER[] =
    "INSERT INTO voucher_ledger (voucher_id, kind, amount, balance, status, actor)"
    " SELECT id, 'expire', 0, balance, 'expired', 'kaquanctl sweep'"
    EXPIRE_AFTER EXPIRE_UPTO;
static const char SQL_EXPIRE[] =
    "UPDATE vouchers FORCE INDEX (k_vouchers_status) SET status = 'expired'"
    " WHERE status = ? AND valid_to < ? AND valid_to >= ?"
    " AND (valid_to > ? OR id > ?)" EXPIRE_UPTO;

/* One ledger row from the voucher's state after a change, as a step of a
 * procedure or on its own; id 0: the voucher an earlier step kept. */
static void
ledger_step(struct db_step *st, long long id, enum ledger_kind kind,
    long long order_id, long long amount, const char *actor)
{
	*st = (struct db_step){ SQL_LEDGER_ADD, id ? "siisi" : "siisk", {
	    DB_STR(ledger_kind_names[kind]),
	    order_id ? DB_INT(order_id) : DB_NULL, DB_INT(amount),
	    DB_STR(actor), DB_INT(id) }, KQ_OK, 0 };
}

static enum kq_outcome
ledger_add(struct db *db, long long id, enum ledger_kind kind,
    long long order_id, long long amount, const char *actor)
{
	struct db_step st;

	ledger_step(&st, id, kind, order_id, amount, actor);
	return db_exec(db, st.sql, st.args, strlen(st.types), NULL, NULL);
}

enum kq_outcome
voucher_add(struct db *db, const struct voucher_new *v, long long *id)
{
	struct db_arg	a[12];
	long long	newid;
	enum kq_outcome	s;

	if ((s = ids_take(db, IDS_VOUCHERS, 1, &newid)) != KQ_OK)
		return s;
	a[0] = DB_INT(newid);
	a[1] = DB_INT(v->template_id);
	a[2] = v->issue_id ? DB_INT(v->issue_id) : DB_NULL;
	a[3] = v->uin ? DB_INT(v->uin) : DB_NULL;
	a[4] = DB_INT(v->face);
	a[5] = DB_INT(v->face);
	a[6] = DB_STR(voucher_status_names[v->uin ? VS_AVAILABLE : VS_UNACTIVATED]);
	a[7] = DB_TIME(v->valid_from);
	a[8] = DB_TIME(v->valid_to);
	a[9] = v->partner_uin ? DB_STR(purpose_names[v->purpose]) : DB_NULL;
	a[10] = v->partner_uin ? DB_INT(v->partner_uin) : DB_NULL;
	a[11] = v->associated ? DB_INT(v->associated) : DB_NULL;
	if ((s = db_exec(db, SQL_VOUCHER_INSERT, a, 12, NULL, NULL)) != KQ_OK)
		return s;
	if (id != NULL)
		*id = newid;
	return KQ_OK;
}

/* code vouchers from row index i on, each with a new code (drawn again
 * after a collision, for the same ids) */
struct code_fill {
	struct code_fresh	  f;
	const struct voucher_new *v;
};

static int
code_fill(void *arg, long long i, size_t n, struct db_arg *args)
{
	struct code_fill	*c = arg;
	struct db_arg		*x;
	size_t			 k;

	for (k = 0; k < n; k++) {
		x = args + CODE_ROWS.nargs * k;
		if (code_fresh_row(&c->f, i, k, x) < 0)
			return -1;
		x += CODE_ROW_ARGS;
		x[0] = DB_INT(c->v->template_id);
		x[1] = DB_INT(c->v->issue_id);
		x[2] = DB_INT(c->v->face);
		x[3] = DB_INT(c->v->face);
		x[4] = DB_TIME(c->v->valid_from);
		x[5] = DB_TIME(c->v->valid_to);
	}
	return 0;
}

enum kq_outcome
vouchers_add_codes(struct db *db, const struct voucher_new *v, int count)
{
	struct code_fill	c = { .v = v };
	long long		first;
	enum kq_outcome		s;

	if ((s = ids_take(db, IDS_VOUCHERS, count, &first)) != KQ_OK)
		return s;
	if (code_fresh_init(&c.f, db, CK_VOUCHER, v->issue_id, first,
	    (size_t)1 << CODE_ROWS.lg_max) < 0)
		return KQ_UNAVAILABLE;
	s = db_insert_rows(db, &CODE_ROWS, count, code_fill, code_fresh_sealed,
	    &c.f);
	code_fresh_free(&c.f);
	db_rows_forget(db, &CODE_ROWS);	/* large: not kept between issues */
	return s;
}

enum kq_outcome
voucher_add_one(struct db *db, const struct voucher_new *v, const char *actor,
    long long *id)
{
	enum kq_outcome s;

	if ((s = voucher_add(db, v, id)) != KQ_OK)
		return s;
	return ledger_add(db, *id, LK_ISSUE, 0, v->face, actor);
}

/* Withdrawn: no longer usable; what was deducted stays (seed 003). */
static enum kq_outcome
withdraw(struct db *db, long long id, const char *actor)
{
	struct db_arg	x = DB_INT(id);
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_VOUCHER_WITHDRAW, &x, 1, NULL, NULL)) != KQ_OK)
		return s;
	return ledger_add(db, id, LK_WITHDRAW, 0, 0, actor);
}

enum kq_outcome
vouchers_withdraw_associated(struct db *db, struct arena *a,
    long long pv_id, const char *actor, long long *order)
{
	struct db_arg	 x = DB_INT(pv_id);
	struct voucher	*v;
	enum kq_outcome	 s;
	size_t		 n, i;

	*order = 0;
	if ((s = db_select(db, a, &SQL_ASSOCIATED_LOCK, &x, 1, sizeof(*v), &v,
	    &n)) != KQ_OK)
		return s;
	for (i = 0; i < n; i++)
		if (v[i].status == VS_FROZEN) {	/* seed 003: name the order */
			*order = v[i].order_id;
			return KQ_VOUCHER_STATE;
		}
	for (i = 0; i < n; i++)
		if (v[i].status == VS_AVAILABLE &&
		    (s = withdraw(db, v[i].id, actor)) != KQ_OK)
			return s;
	return KQ_OK;
}

enum kq_outcome
vouchers_ledger_issue(struct db *db, long long issue_id, const char *actor)
{
	struct db_arg a[2] = { DB_STR(actor), DB_INT(issue_id) };

	return db_exec(db, SQL_LEDGER_ADD_ISSUE, a, 2, NULL, NULL);
}

/* Redemptions must sustain thousands a second: the activation and its
 * ledger row are one CALL. */
static struct db_proc PROC_ACTIVATE = DB_PROC("activate");
static struct db_proc PROC_ACTIVATE_CLEAN = DB_PROC("activate_clean");

enum kq_outcome
voucher_activate(struct db *db, long long uin, const char *ip,
    const char *code, int looked_up, const char *actor, long long *id)
{
	unsigned char	h[2][CODE_HASH_LEN];
	struct db_step	st[3];

	code_hashes(code, h[0], h[1]);
	/* a row left unchanged: another request won the race, or (not looked
	 * up) the look-up is to say why */
	st[0] = (struct db_step){
	    looked_up ? SQL_VOUCHER_ACTIVATE : SQL_VOUCHER_ACTIVATE_CLEAN,
	    looked_up ? "ibb" : "ibb" ATTEMPT_TYPES,
	    { DB_INT(uin), DB_BIN(h[0], CODE_HASH_LEN),
	    DB_BIN(h[1], CODE_HASH_LEN) },
	    looked_up ? KQ_CODE_USED : KQ_NOT_FOUND, 1 };
	if (!looked_up)
		attempt_args(st[0].args + 3, "redeem", uin, ip);
	ledger_step(&st[1], 0, LK_ACTIVATE, 0, 0, actor);
	st[2] = (struct db_step){ SQL_COUNT_REDEEMED, "k", { DB_NULL }, KQ_OK, 0 };
	return db_proc_run(db, looked_up ? &PROC_ACTIVATE : &PROC_ACTIVATE_CLEAN,
	    st, 3, id);
}

enum kq_outcome
voucher_freeze(struct db *db, long long uin, long long id, long long order_id,
    const char *actor)
{
	struct db_arg	a[3] = { DB_INT(order_id), DB_INT(id), DB_INT(uin) };
	uint64_t	n;
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_VOUCHER_FREEZE, a, 3, &n, NULL)) != KQ_OK)
		return s;
	if (n != 1)	/* frozen for another order meanwhile */
		return KQ_VOUCHER_NOT_APPLICABLE;
	return ledger_add(db, id, LK_FREEZE, order_id, 0, actor);
}

enum kq_outcome
voucher_deduct(struct db *db, struct arena *ar, long long id, long long order_id,
    long long amount, const char *actor)
{
	struct db_arg	a[3] = { DB_INT(id), DB_INT(order_id) };
	struct voucher	v;
	uint64_t	n;
	enum kq_outcome	s;

	s = db_select_one(db, ar, &SQL_VOUCHER_SETTLE_LOCK, a, 2, &v, sizeof(v));
	if (s != KQ_OK)
		return s == KQ_NOT_FOUND ? KQ_ORDER_STATE : s;
	if (amount > v.balance)
		amount = v.balance;
	a[0] = DB_INT(amount);
	a[1] = DB_INT(id);
	a[2] = DB_INT(order_id);
	if ((s = db_exec(db, SQL_VOUCHER_DEDUCT, a, 3, &n, NULL)) != KQ_OK)
		return s;
	if (n != 1)
		return KQ_ORDER_STATE;
	if ((s = ledger_add(db, id, LK_DEDUCT, order_id, -amount, actor)) != KQ_OK)
		return s;
	a[0] = DB_INT(id);
	/* spent: its issue counts one more used */
	if (v.balance - amount == 0)
		return db_exec(db, SQL_COUNT_USED, a, 1, NULL, NULL);
	/* seed 000: a single-use voucher is spent by one order, the rest forfeited */
	if (v.mode != BM_SINGLE_USE)
		return KQ_OK;
	if ((s = db_exec(db, SQL_VOUCHER_FORFEIT, a, 1, NULL, NULL)) != KQ_OK ||
	    (s = db_exec(db, SQL_COUNT_USED, a, 1, NULL, NULL)) != KQ_OK)
		return s;
	return ledger_add(db, id, LK_FORFEIT, order_id, -(v.balance - amount), actor);
}

enum kq_outcome
voucher_release(struct db *db, long long id, long long order_id,
    const char *actor)
{
	struct db_arg	a[2] = { DB_INT(id), DB_INT(order_id) };
	uint64_t	n;
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_VOUCHER_RELEASE, a, 2, &n, NULL)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_OK;	/* not frozen for this order: nothing to give back */
	return ledger_add(db, id, LK_RELEASE, order_id, 0, actor);
}

struct withdraw_ctx {
	const struct principal	*me;
	const char		*ip;
	long long		 id;
};

static enum kq_outcome
withdraw_txn(struct db *db, struct arena *a, void *arg)
{
	struct withdraw_ctx	*c = arg;
	struct db_arg		 x[2] = { DB_INT(c->id), DB_INT(c->me->uin) };
	struct voucher		 v;
	const char		*actor;
	char			 target[32];
	enum kq_outcome		 s;

	if ((s = db_select_one(db, a, &SQL_PARTNER_VOUCHER_LOCK, x, 2, &v,
	    sizeof(v))) != KQ_OK)
		return s;
	if (!voucher_can_withdraw(v.purpose, v.status, v.face, v.balance))
		return KQ_VOUCHER_STATE;
	if ((actor = principal_actor(a, c->me)) == NULL)
		return KQ_UNAVAILABLE;
	if ((s = withdraw(db, c->id, actor)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "voucher:%lld", c->id);
	return audit_write(db, c->me, "partner.voucher.withdraw", target, NULL,
	    c->ip);
}

enum kq_outcome
voucher_withdraw(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, long long id)
{
	struct withdraw_ctx c = { me, ip, id };

	return db_txn(db, a, withdraw_txn, &c);
}

struct invalidate_ctx {
	const struct principal	*admin;
	const char		*ip;
	long long		 id;
};

static enum kq_outcome
invalidate_txn(struct db *db, struct arena *a, void *arg)
{
	struct invalidate_ctx	*c = arg;
	struct db_arg		 x = DB_INT(c->id);
	struct voucher		 v;
	const char		*actor;
	char			 target[32];
	enum kq_outcome		 s;

	if ((s = db_select_one(db, a, &SQL_VOUCHER_LOCK, &x, 1, &v,
	    sizeof(v))) != KQ_OK)
		return s;
	if (!voucher_can_invalidate(v.status))
		return KQ_VOUCHER_STATE;	/* frozen, used or already closed */
	if ((actor = principal_actor(a, c->admin)) == NULL)
		return KQ_UNAVAILABLE;
	if ((s = db_exec(db, SQL_VOUCHER_INVALIDATE, &x, 1, NULL, NULL)) != KQ_OK ||
	    (s = ledger_add(db, c->id, LK_INVALIDATE, 0, 0, actor)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "voucher:%lld", c->id);
	return audit_write(db, c->admin, "voucher.invalidate", target, NULL, c->ip);
}

enum kq_outcome
voucher_invalidate(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long id)
{
	struct invalidate_ctx c = { admin, ip, id };

	return db_txn(db, a, invalidate_txn, &c);
}

struct expire_ctx {
	const char		*status;
	time_t			 cutoff;
	struct expire_end	 last;	/* the last chunk's end */
	uint64_t		 n;	/* this chunk's */
	int			 more;	/* a whole chunk: go on */
};

static enum kq_outcome
expire_txn(struct db *db, struct arena *a, void *arg)
{
	struct expire_ctx	*c = arg;
	struct expire_end	 end;
	struct db_arg		 x[8] = { DB_STR(c->status), DB_TIME(c->cutoff),
				    DB_TIME(c->last.valid_to),
				    DB_TIME(c->last.valid_to), DB_INT(c->last.id) };
	uint64_t		 logged;
	enum kq_outcome		 s;

	s = db_select_one(db, a, &SQL_EXPIRE_END, x, 5, &end, sizeof(end));
	if (s != KQ_OK && s != KQ_NOT_FOUND)
		return s;
	c->more = s == KQ_OK;
	if (!c->more) {		/* the rest: fewer than a chunk */
		end.valid_to = c->cutoff;
		end.id = LLONG_MAX;
	}
	x[5] = x[6] = DB_TIME(end.valid_to);
	x[7] = DB_INT(end.id);
	if ((s = db_exec(db, SQL_EXPIRE_LEDGER, x, 8, &logged, NULL)) != KQ_OK ||
	    (s = db_exec(db, SQL_EXPIRE, x, 8, &c->n, NULL)) != KQ_OK)
		return s;
	/* each voucher expired has its one ledger row, or neither happens */
	if (c->n != logged)
		return KQ_CONFLICT;
	c->last = end;
	return KQ_OK;
}

enum kq_outcome
vouchers_expire(struct db *db, struct arena *a, int *n)
{
	static const char *const unused[] = { "available", "unactivated" };
	struct expire_ctx	 c = { NULL, time(NULL), { 0, 0 }, 0, 0 };
	enum kq_outcome		 s = KQ_OK;
	size_t			 i;

	/* in transactions of EXPIRE_CHUNK rows, so no lock is held for
	 * long (SPEC §9 Volume); stopped halfway, the next sweep goes on
	 * from what is left.  After each chunk it rests as long as the chunk
	 * took: a year's backlog takes twice as long, and the database keeps
	 * at least half its time for the requests (redemptions keep >= 80 %
	 * of their rate meanwhile). */
	*n = 0;
	for (i = 0; s == KQ_OK && i < sizeof(unused) / sizeof(*unused); i++) {
		c.status = unused[i];
		c.last.valid_to = 0;
		c.last.id = 0;
		do {
			long long t = clock_mono_us();

			if ((s = db_txn(db, a, expire_txn, &c)) == KQ_OK)
				*n += (int)c.n;
			if (s == KQ_OK && c.more)
				usleep((useconds_t)(clock_mono_us() - t));
		} while (s == KQ_OK && c.more);
	}
	return s;
}

/* ------------------------------------------------------------ codes at rest */

/* The rekey's and the migration's statements (codekey.h): this module
 * writes the vouchers' rows. */
static const char SQL_VOUCHER_REKEY[] =
    "UPDATE vouchers SET code_hash = ?, code_kv = ? WHERE id = ?";
static const struct db_col plain_cols[] = {
	DB_COL(struct code_plain_row, id, "id"),
	DB_COL(struct code_plain_row, owner, "issue_id"),
	DB_COL(struct code_plain_row, code, "code"),
	DB_END
};
static struct db_sel SQL_VOUCHERS_PLAIN = DB_SEL(
    "SELECT {cols} FROM vouchers WHERE code IS NOT NULL"
    " ORDER BY issue_id, id LIMIT " STR(CODE_BLOCK) " FOR UPDATE",
    DB_WHOLE(plain_cols));
static const char SQL_VOUCHER_CONVERT[] =
    "UPDATE vouchers SET code = NULL, code_hash = ?, code_kv = ?,"
    " code_last4 = ? WHERE id = ?";

enum kq_outcome
vouchers_codes_convert(struct db *db, long long *n)
{
	return code_convert(db, CK_VOUCHER, &SQL_VOUCHERS_PLAIN,
	    SQL_VOUCHER_CONVERT, n);
}

enum kq_outcome
vouchers_rekey(struct db *db, long long *n)
{
	return code_rekey(db, CK_VOUCHER, SQL_VOUCHER_REKEY, n);
}
