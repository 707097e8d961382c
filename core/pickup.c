/*
 * pickup.c - pickup cards: adding a batch's cards, disabling, the member's
 * look-up and claim, the release, and the usage records.
 *
 * Single use is the database's job: a card is claimed by
 *   UPDATE pickup_cards c JOIN pickup_batches b ... WHERE c.code_hash IN
 *   (?, ?) AND <the card's effective status> = 'unused'
 * and only the transaction that changed one row goes on; every other racer
 * sees 0 rows and gets a clean 409.  The code itself is not in the table:
 * its keyed hash, its last four and its seal are (codekey.h).  The used count of a batch is counted
 * from the cards, never kept in a counter row, so pick-ups of different
 * cards never queue behind one hot row; and a used card is itself the usage
 * record, so nothing has to be kept in step with it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "base/clock.h"
#include "base/codes.h"
#include "db/ids.h"
#include "base/log.h"
#include "pickup.h"
#include "ratelimit.h"

const struct db_col batch_cols[] = {
	DB_COL(struct batch, id, "b.id"),
	DB_COL(struct batch, label, "b.label"),
	DB_ENUM(struct batch, product, "b.product", pickup_product_names),
	DB_COL(struct batch, name, "b.name"),
	DB_COL(struct batch, line, "b.line"),
	DB_COL(struct batch, line_name, "l.name"),
	DB_ENUM(struct batch, status, BATCH_STATUS("b"), batch_status_names),
	DB_COL(struct batch, cpu, "b.cpu"),
	DB_COL(struct batch, memory_gb, "b.memory_gb"),
	DB_COL(struct batch, disk_gb, "b.disk_gb"),
	DB_COL(struct batch, bandwidth_mbps, "b.bandwidth_mbps"),
	DB_COL(struct batch, months, "b.months"),
	DB_COL(struct batch, price, "b.price"),
	DB_COL(struct batch, total, "b.total"),
	DB_COL(struct batch, valid_months, "b.valid_months"),
	DB_COL(struct batch, valid_to, "b.valid_to"),
	DB_COL(struct batch, created_at, "b.created_at"),
	DB_COL(struct batch, created_by, "ad.login"),
	DB_COL(struct batch, windows_surcharge, "l.windows_surcharge"),
	DB_END
};

static const struct db_col card_cols[] = {
	DB_COL(struct card, id, "c.id"),
	DB_COL(struct card, last4, "c.code_last4"),
	DB_ENUM(struct card, status, CARD_STATUS("c", "b"), card_status_names),
	DB_ENUM(struct card, stored, "c.status", card_status_names),
	DB_COL(struct card, uin, "c.uin"),
	DB_COL(struct card, used_at, "c.used_at"),
	DB_COL(struct card, order_id, "c.order_id"),
	DB_END
};
static struct db_sel SQL_CARDS_OF_BATCH = DB_SEL(
    "SELECT {cols} FROM pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
    " WHERE c.batch_id = ?" PAGER_AFTER_ASC("c.id"), DB_WHOLE(card_cols));
/* the cards of one sealed block of the batch (a full export) */
static struct db_sel SQL_CARDS_OF_BLOCK = DB_SEL(
    "SELECT {cols} FROM pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
    " WHERE c.batch_id = ? AND c.id BETWEEN ? AND ? ORDER BY c.id"
    " LIMIT ? OFFSET ?", DB_WHOLE(card_cols));
static struct db_sel SQL_CARD_LOCK = DB_SEL(
    "SELECT {cols} FROM pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
    " WHERE c.id = ? FOR UPDATE", DB_WHOLE(card_cols));
static const char SQL_CARD_BATCH[] = "SELECT batch_id FROM pickup_cards WHERE id = ?";
/* how many cards of its batch come before it: its page there */
static const char SQL_CARD_PLACE[] =
    "SELECT COUNT(*) FROM pickup_cards c JOIN pickup_cards me"
    " ON me.batch_id = c.batch_id AND c.id < me.id WHERE me.id = ?";
/* past the numbered pages: the card before its page's first, the cursor,
 * found walking back from the card itself (at most a page of entries) */
static const char SQL_CARD_BEFORE_PAGE[] =
    "SELECT MIN(id) FROM (SELECT id FROM pickup_cards WHERE batch_id = ?"
    " AND id < ? ORDER BY id DESC LIMIT ?) p";
static const char SQL_CARD_ENABLE[] =
    "UPDATE pickup_cards SET status = 'unused' WHERE id = ?";
static const char SQL_CARD_DISABLE[] =
    "UPDATE pickup_cards SET status = 'disabled' WHERE id = ?";
static const char SQL_CARD_CLAIM[] =
    "UPDATE pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
    " SET c.status = 'used', c.uin = ?, c.used_at = UTC_TIMESTAMP(),"
    " c.order_id = ? WHERE c.code_hash IN (?, ?) AND " CARD_STATUS("c", "b")
    " = 'unused'";
/* A batch's figures (pickup_batch_counts, 012_volume.sql): the card's
 * slot of its batch's rows, changed in the transaction that changes the
 * card. */
static const char SQL_CARD_COUNT[] =	/* used +-, disabled +-, the card */
    "INSERT INTO pickup_batch_counts (batch_id, slot, used, disabled)"
    " SELECT batch_id, MOD(id, 16), ?, ? FROM pickup_cards WHERE id = ?"
    " ON DUPLICATE KEY UPDATE used = used + VALUES(used),"
    " disabled = disabled + VALUES(disabled)";
static const char SQL_CARD_RELEASE[] =
    "UPDATE pickup_cards SET status = 'unused', uin = NULL, used_at = NULL,"
    " order_id = NULL WHERE id = ? AND order_id = ? AND status = 'used'";

/* One look-up serves the pick-up: the caller's failure counts, the card,
 * its batch and line, and the OS asked for (NULL when the line has none). */
struct lookup {
	struct attempts		 att;
	long long		 card_id;
	enum card_status	 status;
	struct batch		 batch;
	const char		*os;
	enum os_family		 family;
};
static const struct db_col lookup_cols[] = {
	DB_COL(struct lookup, card_id, "c.id"),
	DB_ENUM(struct lookup, status, CARD_STATUS("c", "b"), card_status_names),
	DB_COL(struct lookup, os, "o.code"),
	DB_ENUM(struct lookup, family, "o.family", os_family_names),
	DB_END
};
static struct db_sel SQL_CARD_BY_CODE = DB_SEL(
    "SELECT {cols}" BATCH_FROM " JOIN pickup_cards c ON c.batch_id = b.id"
    " LEFT JOIN line_os o ON o.line = b.line AND o.code = ?"
    " WHERE c.code_hash IN (?, ?)",
    DB_PART(attempt_cols, struct lookup, att), DB_WHOLE(lookup_cols),
    DB_PART(batch_cols, struct lookup, batch));

static const struct db_col os_cols[] = {
	DB_COL(struct os_choice, code, "code"),
	DB_COL(struct os_choice, name, "name"),
	DB_ENUM(struct os_choice, family, "family", os_family_names),
	DB_END
};
static struct db_sel SQL_LINE_OS = DB_SEL(
    "SELECT {cols} FROM line_os WHERE line = ? ORDER BY sort", DB_WHOLE(os_cols));

/* The usage records (pickup_uses, 013_pickup_uses.sql): a row a used
 * card, written beside the claim and deleted with the release.  seq, the
 * order of use, is the second of use shifted left 24 bits with the low
 * bits of the order's id: unique, in time order, one number. */
#define USE_SEQ(t, id) \
    "(TIMESTAMPDIFF(SECOND, '1970-01-01', " t ") << 24 | (" id ") & 16777215)"
static const char SQL_USE_ADD[] =
    "INSERT INTO pickup_uses (seq, card_id, batch_id, uin, order_id, used_at)"
    " SELECT " USE_SEQ("used_at", "order_id") ", id, batch_id, uin, order_id,"
    " used_at FROM pickup_cards WHERE id = ? AND status = 'used'";
static const char SQL_USE_DELETE[] = "DELETE FROM pickup_uses WHERE card_id = ?";
#define USE_LAST	((time_t)253402300799)	/* 9999-12-31 23:59:59: no end */
static const struct db_col usage_cols[] = {
	DB_COL(struct usage, id, "u.card_id"),
	DB_COL(struct usage, seq, "u.seq"),
	DB_COL(struct usage, batch_id, "u.batch_id"),
	DB_COL(struct usage, card_id, "u.card_id"),
	DB_COL(struct usage, uin, "u.uin"),
	DB_COL(struct usage, order_id, "u.order_id"),
	DB_COL(struct usage, batch_label, "b.label"),
	DB_COL(struct usage, card_last4, "c.code_last4"),
	DB_ENUM(struct usage, product, "b.product", pickup_product_names),
	DB_COL(struct usage, card_name, "b.name"),
	DB_COL(struct usage, time, "u.used_at"),
	DB_END
};
/* the days asked for, as a range of seq (its high bits are the second) */
#define USAGE_DATES " AND u.seq BETWEEN " USE_SEQ("?", "0") " AND " \
    USE_SEQ("?", "16777215")
/* Newest use first, reading the index the filter names (a batch's uses,
 * an account's, all of them) in its order: it stops at the page, and past
 * the numbered pages it goes on after the last seq (SPEC §9 Volume).  The
 * page's seqs come first, so the rows a numbered page skips are index
 * entries, not cards; STRAIGHT_JOIN keeps them first. */
enum { UL_ALL, UL_BATCH, UL_UIN, UL_UIN_BATCH, UL__MAX };
#define USAGE_BY(index, where) DB_SEL("SELECT STRAIGHT_JOIN {cols}" \
    " FROM (SELECT u.seq FROM pickup_uses u FORCE INDEX (" index ")" \
    " WHERE " where USAGE_DATES PAGER_AFTER("u.seq") ") p" \
    " JOIN pickup_uses u ON u.seq = p.seq" \
    " JOIN pickup_cards c ON c.id = u.card_id" \
    " JOIN pickup_batches b ON b.id = u.batch_id ORDER BY u.seq DESC", \
    DB_WHOLE(usage_cols))
#define USAGE_COUNT_BY(index, where) \
    PAGER_COUNT(" FROM pickup_uses u FORCE INDEX (" index ") WHERE " where \
    USAGE_DATES)
/* one filter (and the days) is counted from its index alone; both read
 * the account's rows for the batch */
#define USAGE_ALL	"u.seq > 0"
#define USAGE_BATCH	"u.batch_id = ?"
#define USAGE_UIN	"u.uin = ?"
#define USAGE_UIN_BATCH	"u.uin = ? AND u.batch_id = ?"
static struct db_sel SQL_USAGE_LIST[UL__MAX] = {
	[UL_ALL] = USAGE_BY("PRIMARY", USAGE_ALL),
	[UL_BATCH] = USAGE_BY("k_uses_batch", USAGE_BATCH),
	[UL_UIN] = USAGE_BY("k_uses_uin", USAGE_UIN),
	[UL_UIN_BATCH] = USAGE_BY("k_uses_uin", USAGE_UIN_BATCH),
};
static const char *const SQL_USAGE_COUNT[UL__MAX] = {
	[UL_ALL] = USAGE_COUNT_BY("PRIMARY", USAGE_ALL),
	[UL_BATCH] = USAGE_COUNT_BY("k_uses_batch", USAGE_BATCH),
	[UL_UIN] = USAGE_COUNT_BY("k_uses_uin", USAGE_UIN),
	[UL_UIN_BATCH] = USAGE_COUNT_BY("k_uses_uin", USAGE_UIN_BATCH),
};

/* ------------------------------------------------------------ adding cards */

/* A batch's cards, many a statement; their ids taken first (ids.h), so
 * their codes are sealed, beside their ids, as the rows go in. */
static struct db_rows CARD_ROWS = DB_ROWS("INSERT INTO pickup_cards (id,"
    " code_hash, code_kv, code_last4, batch_id) VALUES ", "(?,?,?,?,?)",
    CODE_ROW_ARGS + 1, 12);

/* n cards from row index i on, each with a new code (drawn again after a
 * collision, for the same ids). */
static int
card_fill(void *arg, long long i, size_t n, struct db_arg *args)
{
	struct code_fresh	*f = arg;
	size_t			 k;

	for (k = 0; k < n; k++) {
		if (code_fresh_row(f, i, k, args + CARD_ROWS.nargs * k) < 0)
			return -1;
		args[CARD_ROWS.nargs * k + CODE_ROW_ARGS] = DB_INT(f->owner);
	}
	return 0;
}

enum kq_outcome
cards_add(struct db *db, long long batch_id, int count)
{
	struct code_fresh	f;
	long long		first;
	enum kq_outcome		s;

	if ((s = ids_take(db, IDS_PICKUP_CARDS, count, &first)) != KQ_OK)
		return s;
	if (code_fresh_init(&f, db, CK_CARD, batch_id, first,
	    (size_t)1 << CARD_ROWS.lg_max) < 0)
		return KQ_UNAVAILABLE;
	s = db_insert_rows(db, &CARD_ROWS, count, card_fill, code_fresh_sealed,
	    &f);
	code_fresh_free(&f);
	return s;
}

void
cards_forget(struct db *db)
{
	/* a batch is rare and its statements big: do not keep them */
	db_rows_forget(db, &CARD_ROWS);
}

/* ------------------------------------------------------------ admin */

/* The card's code as shown, into buf (CARD_LEN + 1): the last four, the
 * rest starred, or (blocks: its batch's, loaded) the whole code. */
static int
card_shown(struct card *c, const struct code_block *blocks, size_t nblocks,
    char *buf)
{
	const char *code;

	if (blocks == NULL)
		code_masked(c->last4, CARD_LEN, buf);
	else if ((code = code_find(blocks, nblocks, c->id)) == NULL) {
		kq_log("codes: card %lld is in no sealed block", c->id);
		return -1;
	} else
		memcpy(buf, code, CARD_LEN + 1);
	c->code = buf;
	return 0;
}

struct shown_each {
	int			(*fn)(void *, const void *);
	void			*ctx;
	const struct code_block	*block;		/* a full export's, loaded */
};

static int
card_shown_each(void *arg, const void *row)
{
	const struct shown_each	*m = arg;
	struct card		 c = *(const struct card *)row;
	char			 code[CARD_LEN + 1];
	int			 rc;

	if (card_shown(&c, m->block, m->block != NULL, code) < 0)
		return -1;
	rc = m->fn(m->ctx, &c);
	explicit_bzero(code, sizeof(code));
	return rc;
}

/* A full export: each sealed block of the batch loaded in turn, and its
 * cards written with their codes. */
static enum kq_outcome
cards_export_full(struct db *db, struct arena *a, long long batch_id,
    struct pager *pg, struct shown_each *m)
{
	struct code_block	*b;
	struct arena		 one;	/* one block at a time */
	struct db_arg		 args[5];
	struct card		*rows;
	enum kq_outcome		 s;
	size_t			 n, i, nrows;

	if ((s = code_blocks(db, a, CK_CARD, batch_id, 0, LLONG_MAX, &b, &n)) !=
	    KQ_OK)
		return s;
	arena_init(&one, 65536, 0);
	for (i = 0; s == KQ_OK && i < n; i++) {
		arena_reset(&one);
		if ((s = code_block_load(db, &one, CK_CARD, batch_id, &b[i])) != KQ_OK)
			break;
		m->block = &b[i];
		args[0] = DB_INT(batch_id);
		args[1] = DB_INT(b[i].first_id);
		args[2] = DB_INT(b[i].last_id);
		s = pager_select(db, a, &SQL_CARDS_OF_BLOCK, NULL, args, 3, pg,
		    sizeof(*rows), PAGER_NO_KEY, &rows, &nrows);
	}
	arena_free(&one);
	return s;
}

enum kq_outcome
cards_of_batch(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, int full, long long batch_id, long long total,
    struct pager *pg, struct card **out, size_t *n)
{
	struct shown_each m = { pg->each, pg->ctx, NULL };
	struct code_block *blocks = NULL;
	struct db_arg	 args[5];
	char		 target[32], detail[40], *buf;
	enum kq_outcome	 s;
	size_t		 i, nblocks = 0;

	if (full && !me->is_admin_role)
		return KQ_FORBIDDEN;
	args[0] = DB_INT(batch_id);
	if (full) {
		snprintf(target, sizeof(target), "batch:%lld", batch_id);
		if (pg->each != NULL)
			snprintf(detail, sizeof(detail), "all codes, as a file");
		else
			snprintf(detail, sizeof(detail), "page %d", pg->page);
		if ((s = audit_write(db, me, "pickup.batch.codes.view", target,
		    detail, ip)) != KQ_OK)
			return s;
	}
	if (pg->each != NULL) {	/* an export: every card */
		pg->each = card_shown_each;
		pg->ctx = &m;
		if (full)
			return cards_export_full(db, a, batch_id, pg, &m);
		return pager_select(db, a, &SQL_CARDS_OF_BATCH, NULL, args, 1, pg,
		    sizeof(**out), offsetof(struct card, id), out, n);
	}
	pg->total = total;	/* its batch's: no count */
	if ((s = pager_select(db, a, &SQL_CARDS_OF_BATCH, NULL, args, 1, pg,
	    sizeof(**out), offsetof(struct card, id), out, n)) != KQ_OK)
		return s;
	/* a full page: the blocks that hold its cards */
	if (full && *n > 0 && (s = code_blocks(db, a, CK_CARD, batch_id,
	    (*out)[0].id, (*out)[*n - 1].id, &blocks, &nblocks)) != KQ_OK)
		return s;
	for (i = 0; i < nblocks; i++)
		if ((s = code_block_load(db, a, CK_CARD, batch_id, &blocks[i])) !=
		    KQ_OK)
			return s;
	for (i = 0; i < *n; i++)
		if ((buf = arena_alloc(a, CARD_LEN + 1)) == NULL ||
		    card_shown(&(*out)[i], full ? blocks : NULL, nblocks, buf) < 0)
			return KQ_UNAVAILABLE;
	return KQ_OK;
}

struct disable_ctx {
	const struct principal	*admin;
	const char		*ip;
	long long		 card_id;
	int			 enable;
	int			 changed;	/* out: it did change */
};

/* Disables an unused card, or makes a disabled one unused again; doing
 * what is already done changes nothing (c->changed says whether it did). */
static enum kq_outcome
disable_txn(struct db *db, struct arena *a, void *arg)
{
	struct disable_ctx	*c = arg;
	struct db_arg		 x = DB_INT(c->card_id);
	struct db_arg		 d[3] = { DB_INT(0), DB_INT(c->enable ? -1 : 1), x };
	struct card		 card;
	char			 target[32];
	enum kq_outcome		 s;

	if ((s = db_select_one(db, a, &SQL_CARD_LOCK, &x, 1, &card,
	    sizeof(card))) != KQ_OK)
		return s;
	if (card.stored == CARD_USED)
		return KQ_CARD_USED;
	if (c->enable ? card.stored != CARD_DISABLED :
	    !card_can_disable(card.stored))
		return KQ_OK;
	if ((s = db_exec(db, c->enable ? SQL_CARD_ENABLE : SQL_CARD_DISABLE,
	    &x, 1, NULL, NULL)) != KQ_OK ||
	    (s = db_exec(db, SQL_CARD_COUNT, d, 3, NULL, NULL)) != KQ_OK)
		return s;
	c->changed = 1;
	snprintf(target, sizeof(target), "card:%lld", c->card_id);
	return audit_write(db, c->admin, c->enable ? "pickup.card.enable" :
	    "pickup.card.disable", target, NULL, c->ip);
}

struct cards_ctx {
	const struct principal	*admin;
	const char		*ip;
	long long		 batch_id;
	const long long		*ids;
	size_t			 n;
	long long		 changed;
};

/* Each card of the batch, or none: a card of another batch is the form
 * tampered with (KQ_NOT_FOUND, nothing changed); a used one is left.
 * Locked in id order (cards_ids_unique()), as every such change. */
static enum kq_outcome
cards_disable_txn(struct db *db, struct arena *a, void *arg)
{
	struct cards_ctx	*c = arg;
	struct disable_ctx	 d = { c->admin, c->ip, 0, 0, 0 };
	long long		 batch;
	enum kq_outcome		 s;
	size_t			 i;

	c->changed = 0;
	for (i = 0; i < c->n; i++) {
		if ((s = card_batch(db, c->ids[i], &batch)) != KQ_OK)
			return s;
		if (batch != c->batch_id)
			return KQ_NOT_FOUND;
		d.card_id = c->ids[i];
		d.changed = 0;
		if ((s = disable_txn(db, a, &d)) != KQ_OK && s != KQ_CARD_USED)
			return s;
		c->changed += d.changed;
	}
	return KQ_OK;
}

enum kq_outcome
cards_disable(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long batch_id, long long *ids, size_t n,
    long long *changed)
{
	struct cards_ctx	c = { admin, ip, batch_id, ids, n, 0 };
	enum kq_outcome		s;

	cards_ids_unique(ids, &c.n);
	if (c.n == 0 || c.n > CARDS_DISABLE_MAX)
		return KQ_INVALID_FIELD;
	s = db_txn(db, a, cards_disable_txn, &c);
	*changed = c.changed;
	return s;
}

enum kq_outcome
card_batch(struct db *db, long long card_id, long long *batch_id)
{
	struct db_arg x = DB_INT(card_id);

	return db_scalar(db, SQL_CARD_BATCH, &x, 1, batch_id);
}

enum kq_outcome
card_place(struct db *db, long long card_id, long long *batch_id, int *page,
    long long *after)
{
	struct db_arg	x[3] = { DB_INT(card_id) };
	long long	before;
	enum kq_outcome	s;

	*after = 0;
	if ((s = card_batch(db, card_id, batch_id)) != KQ_OK ||
	    (s = db_scalar(db, SQL_CARD_PLACE, x, 1, &before)) != KQ_OK)
		return s;
	*page = (int)(before / PAGER_ROWS) + 1;
	if (*page <= PAGER_NUMBERED)
		return KQ_OK;
	x[0] = DB_INT(*batch_id);
	x[1] = DB_INT(card_id);
	x[2] = DB_INT(before % PAGER_ROWS + 1);	/* its place on the page, + 1 */
	return db_scalar(db, SQL_CARD_BEFORE_PAGE, x, 3, after);
}

enum kq_outcome
card_disable(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long card_id, int enable, long long *batch_id)
{
	struct disable_ctx	c = { admin, ip, card_id, enable, 0 };
	enum kq_outcome		s;

	if ((s = card_batch(db, card_id, batch_id)) != KQ_OK)
		return s;
	return db_txn(db, a, disable_txn, &c);
}

enum kq_outcome
usage_list(struct db *db, struct arena *a, const struct usage_filter *f,
    struct pager *pg, struct usage **out, size_t *n)
{
	struct db_arg	args[2 + 2 + 4];
	size_t		k = 0;
	int		by = f->uin ? (f->batch_id ? UL_UIN_BATCH : UL_UIN) :
			    f->batch_id ? UL_BATCH : UL_ALL;

	if (f->uin)
		args[k++] = DB_INT(f->uin);
	if (f->batch_id)
		args[k++] = DB_INT(f->batch_id);
	/* from: the start of that day; to: its end, both in display_tz */
	args[k++] = DB_TIME(f->from_ymd ? clock_start_of_day(f->from_ymd) : 0);
	args[k++] = DB_TIME(f->to_ymd ? clock_end_of_day(f->to_ymd) : USE_LAST);
	return pager_select(db, a, &SQL_USAGE_LIST[by], SQL_USAGE_COUNT[by],
	    args, k, pg, sizeof(**out), offsetof(struct usage, seq), out, n);
}

enum kq_outcome
pickup_mine(struct db *db, struct arena *a, long long uin, struct pager *pg,
    struct usage **out, size_t *n)
{
	struct usage_filter f = { 0, uin, 0, 0 };

	return usage_list(db, a, &f, pg, out, n);
}

/* ------------------------------------------------------------ member */

/* Looks the card up; KQ_OK only when it can be picked up now.  Over the
 * brute-force limits nothing else is told; an unknown code counts.
 * hashes gets the code's look-up hashes (codekey.h). */
static enum kq_outcome
card_usable(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, const char *os, struct lookup *lk,
    unsigned char hashes[2 * CODE_HASH_LEN])
{
	struct db_arg	args[ATTEMPT_NARGS + 3];
	enum kq_outcome	s;

	code_hashes(code, hashes, hashes + CODE_HASH_LEN);
	attempt_args(args, "pickup", uin, ip);
	args[ATTEMPT_NARGS] = DB_STR(os ? os : "");
	args[ATTEMPT_NARGS + 1] = DB_BIN(hashes, CODE_HASH_LEN);
	args[ATTEMPT_NARGS + 2] = DB_BIN(hashes + CODE_HASH_LEN, CODE_HASH_LEN);
	s = db_select_one(db, a, &SQL_CARD_BY_CODE, args, ATTEMPT_NARGS + 3, lk,
	    sizeof(*lk));
	if (s == KQ_NOT_FOUND) {
		if ((s = attempts_check(db, a, "pickup", uin, ip)) != KQ_OK)
			return s;
		(void)attempts_fail(db, "pickup", uin, ip);
		return KQ_CARD_UNKNOWN;
	}
	if (s != KQ_OK || (s = attempts_over(&lk->att)) != KQ_OK)
		return s;
	switch (lk->status) {
	case CARD_UNUSED:
		return KQ_OK;
	case CARD_USED:
		return KQ_CARD_USED;
	case CARD_DISABLED:
		return KQ_CARD_DISABLED;
	default:
		return KQ_CARD_EXPIRED;
	}
}

/* The card covers the Linux price; a line's Windows surcharge is per month
 * of the card's term (seed 004). */
static long long
os_surcharge(enum os_family family, const struct batch *b)
{
	return family == OSF_WINDOWS ? b->windows_surcharge * b->months : 0;
}

enum kq_outcome
pickup_offer(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, struct pickup_offer *o)
{
	unsigned char	hashes[2 * CODE_HASH_LEN];
	struct lookup	lk;
	struct db_arg	arg;
	enum kq_outcome	s;
	size_t		i;

	memset(o, 0, sizeof(*o));
	o->code = code;
	if ((s = card_usable(db, a, uin, ip, code, NULL, &lk, hashes)) != KQ_OK)
		return s;
	o->batch = lk.batch;
	if (!pickup_has_os(o->batch.product))
		return KQ_OK;
	arg = DB_STR(o->batch.line);
	if ((s = db_select(db, a, &SQL_LINE_OS, &arg, 1, sizeof(*o->os), &o->os,
	    &o->nos)) != KQ_OK)
		return s;
	for (i = 0; i < o->nos; i++)
		o->os[i].surcharge = os_surcharge(o->os[i].family, &o->batch);
	return KQ_OK;
}

enum kq_outcome
pickup_check(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, const char *os, struct pickup_claim *c)
{
	struct lookup	lk;
	enum kq_outcome	s;

	memset(c, 0, sizeof(*c));
	if ((s = card_usable(db, a, uin, ip, code, os, &lk, c->hashes)) != KQ_OK)
		return s;
	c->batch = lk.batch;
	c->card_id = lk.card_id;
	if (!pickup_has_os(lk.batch.product))
		return KQ_OK;
	if (os == NULL || *os == '\0')
		return KQ_OS_REQUIRED;
	if (lk.os == NULL)
		return KQ_OS_INVALID;
	c->os = lk.os;
	c->surcharge = os_surcharge(lk.family, &lk.batch);
	return KQ_OK;
}

void
card_claim_steps(struct db_step *st, const struct pickup_claim *k,
    long long uin)
{
	/* another request that won leaves no row to change */
	st[0] = (struct db_step){ SQL_CARD_CLAIM, "ikbb",
	    { DB_INT(uin), DB_BIN(k->hashes, CODE_HASH_LEN),
	    DB_BIN(k->hashes + CODE_HASH_LEN, CODE_HASH_LEN) }, KQ_CARD_USED, 0 };
	/* its batch counts one more used */
	st[1] = (struct db_step){ SQL_CARD_COUNT, "iii",
	    { DB_INT(1), DB_INT(0), DB_INT(k->card_id) }, KQ_OK, 0 };
	/* and it has its usage record */
	st[2] = (struct db_step){ SQL_USE_ADD, "i", { DB_INT(k->card_id) },
	    KQ_CARD_USED, 0 };
}

enum kq_outcome
card_release(struct db *db, long long card_id, long long order_id)
{
	struct db_arg	a[2] = { DB_INT(card_id), DB_INT(order_id) };
	struct db_arg	d[3] = { DB_INT(-1), DB_INT(0), DB_INT(card_id) };
	uint64_t	n;
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_CARD_RELEASE, a, 2, &n, NULL)) != KQ_OK || n == 0)
		return s;
	if ((s = db_exec(db, SQL_USE_DELETE, a, 1, NULL, NULL)) != KQ_OK)
		return s;
	return db_exec(db, SQL_CARD_COUNT, d, 3, NULL, NULL);
}

/* ------------------------------------------------------------ codes at rest */

/* The rekey's and the migration's statements (codekey.h): this module
 * writes the cards' rows. */
static const char SQL_CARD_REKEY[] =
    "UPDATE pickup_cards SET code_hash = ?, code_kv = ? WHERE id = ?";
static const struct db_col plain_cols[] = {
	DB_COL(struct code_plain_row, id, "id"),
	DB_COL(struct code_plain_row, owner, "batch_id"),
	DB_COL(struct code_plain_row, code, "code"),
	DB_END
};
static struct db_sel SQL_CARDS_PLAIN = DB_SEL(
    "SELECT {cols} FROM pickup_cards WHERE code IS NOT NULL"
    " ORDER BY batch_id, id LIMIT " STR(CODE_BLOCK) " FOR UPDATE",
    DB_WHOLE(plain_cols));
static const char SQL_CARD_CONVERT[] =
    "UPDATE pickup_cards SET code = NULL, code_hash = ?, code_kv = ?,"
    " code_last4 = ? WHERE id = ?";

enum kq_outcome
cards_codes_convert(struct db *db, long long *n)
{
	return code_convert(db, CK_CARD, &SQL_CARDS_PLAIN, SQL_CARD_CONVERT, n);
}

enum kq_outcome
cards_rekey(struct db *db, long long *n)
{
	return code_rekey(db, CK_CARD, SQL_CARD_REKEY, n);
}
