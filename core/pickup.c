/*
 * pickup.c - pickup cards: adding a batch's cards, disabling, the member's
 * look-up and claim, the release, and the usage records.
 *
 * Single use is the database's job: a card is claimed by
 *   UPDATE pickup_cards c JOIN pickup_batches b ... WHERE c.code = ? AND
 *   <the card's effective status> = 'unused'
 * and only the transaction that changed one row goes on; every other racer
 * sees 0 rows and gets a clean 409.  The used count of a batch is counted
 * from the cards, never kept in a counter row, so pick-ups of different
 * cards never queue behind one hot row; and a used card is itself the usage
 * record, so nothing has to be kept in step with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "codes.h"
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
	DB_COL(struct card, code, "c.code"),
	DB_ENUM(struct card, status, CARD_STATUS("c", "b"), card_status_names),
	DB_ENUM(struct card, stored, "c.status", card_status_names),
	DB_COL(struct card, uin, "c.uin"),
	DB_COL(struct card, used_at, "c.used_at"),
	DB_COL(struct card, order_id, "c.order_id"),
	DB_END
};
static struct db_sel SQL_CARDS_OF_BATCH = DB_SEL(
    "SELECT {cols} FROM pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
    " WHERE c.batch_id = ? ORDER BY c.id LIMIT ? OFFSET ?", DB_WHOLE(card_cols));
static struct db_sel SQL_CARD_LOCK = DB_SEL(
    "SELECT {cols} FROM pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
    " WHERE c.id = ? FOR UPDATE", DB_WHOLE(card_cols));
static const char SQL_CARD_BATCH[] = "SELECT batch_id FROM pickup_cards WHERE id = ?";
/* how many cards of its batch come before it: its page there */
static const char SQL_CARD_PLACE[] =
    "SELECT COUNT(*) FROM pickup_cards c JOIN pickup_cards me"
    " ON me.batch_id = c.batch_id AND c.id < me.id WHERE me.id = ?";
static const char SQL_CARD_ENABLE[] =
    "UPDATE pickup_cards SET status = 'unused' WHERE id = ?";
static const char SQL_CARD_DISABLE[] =
    "UPDATE pickup_cards SET status = 'disabled' WHERE id = ?";
static const char SQL_CARD_CLAIM[] =
    "UPDATE pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
    " SET c.status = 'used', c.uin = ?, c.used_at = UTC_TIMESTAMP(),"
    " c.order_id = ? WHERE c.code = ? AND " CARD_STATUS("c", "b") " = 'unused'";
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
    " LEFT JOIN line_os o ON o.line = b.line AND o.code = ? WHERE c.code = ?",
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

static const struct db_col usage_cols[] = {
	DB_COL(struct usage, id, "c.id"),
	DB_COL(struct usage, batch_id, "c.batch_id"),
	DB_COL(struct usage, card_id, "c.id"),
	DB_COL(struct usage, uin, "c.uin"),
	DB_COL(struct usage, order_id, "c.order_id"),
	DB_COL(struct usage, batch_label, "b.label"),
	DB_COL(struct usage, card_code, "c.code"),
	DB_ENUM(struct usage, product, "b.product", pickup_product_names),
	DB_COL(struct usage, card_name, "b.name"),
	DB_COL(struct usage, time, "c.used_at"),
	DB_END
};
#define USAGE_WHERE \
    " WHERE c.status = 'used' AND (? = 0 OR c.batch_id = ?) AND (? = 0 OR c.uin = ?)" \
    " AND (? IS NULL OR c.used_at >= ?) AND (? IS NULL OR c.used_at <= ?)"
static struct db_sel SQL_USAGE_LIST = DB_SEL(
    "SELECT {cols} FROM pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
    USAGE_WHERE " ORDER BY c.used_at DESC, c.id DESC LIMIT ? OFFSET ?",
    DB_WHOLE(usage_cols));
static const char SQL_USAGE_COUNT[] =
    "SELECT COUNT(*) FROM pickup_cards c" USAGE_WHERE;

/* ------------------------------------------------------------ adding cards */

/* Multi-row inserts in power-of-two chunks: at most 13 statement shapes,
 * each prepared once per connection. */
#define CHUNK_MAX_LOG	12
static char *insert_sql[CHUNK_MAX_LOG + 1];

static const char *
cards_insert_sql(int lg)
{
	size_t	 n = (size_t)1 << lg, i, len;
	char	*s, *p;

	if (insert_sql[lg] != NULL)
		return insert_sql[lg];
	len = 64 + n * 8;
	if ((s = malloc(len)) == NULL)
		return NULL;
	p = s + sprintf(s, "INSERT INTO pickup_cards (batch_id, code) VALUES ");
	for (i = 0; i < n; i++)
		p += sprintf(p, i ? ",(?,?)" : "(?,?)");
	insert_sql[lg] = s;
	return s;
}

static enum kq_status
insert_chunk(struct db *db, long long batch_id, int lg, char *codes,
    struct db_arg *args)
{
	size_t		 n = (size_t)1 << lg, i;
	const char	*sql = cards_insert_sql(lg);
	enum kq_status	 s = KQ_CONFLICT;
	int		 tries;

	if (sql == NULL)
		return KQ_UNAVAILABLE;
	/* a collision with an existing code regenerates the chunk: 75 random
	 * bits make it rare, but it is retried, never dropped */
	for (tries = 0; tries < 5 && s == KQ_CONFLICT; tries++) {
		for (i = 0; i < n; i++) {
			char *code = codes + i * (CARD_LEN + 1);
			if (card_generate(code) < 0)
				return KQ_UNAVAILABLE;
			args[2 * i] = DB_INT(batch_id);
			args[2 * i + 1] = DB_STR(code);
		}
		s = db_exec(db, sql, args, 2 * n, NULL, NULL);
	}
	return s;
}

enum kq_status
cards_add(struct db *db, long long batch_id, int count)
{
	size_t		 chunk = (size_t)1 << CHUNK_MAX_LOG;
	char		*codes = malloc(chunk * (CARD_LEN + 1));
	struct db_arg	*args = malloc(2 * chunk * sizeof(*args));
	enum kq_status	 s = KQ_OK;
	int		 left = count, lg = CHUNK_MAX_LOG;

	if (codes == NULL || args == NULL)
		s = KQ_UNAVAILABLE;
	while (s == KQ_OK && left > 0) {
		if (((int)1 << lg) > left) {
			lg--;
			continue;
		}
		if ((s = insert_chunk(db, batch_id, lg, codes, args)) == KQ_OK)
			left -= 1 << lg;
	}
	free(codes);
	free(args);
	return s;
}

void
cards_forget(struct db *db)
{
	int lg;

	/* a batch is rare and its statements big: do not keep them */
	for (lg = 0; lg <= CHUNK_MAX_LOG; lg++)
		if (insert_sql[lg] != NULL)
			db_forget(db, insert_sql[lg]);
}

/* ------------------------------------------------------------ admin */

struct mask_each {
	int	(*fn)(void *, const void *);
	void	*ctx;
};

static int
card_masked(void *arg, const void *row)
{
	const struct mask_each	*m = arg;
	struct card		 c = *(const struct card *)row;
	char			 code[CARD_LEN + 1];

	code_mask(c.code, code, sizeof(code));
	c.code = code;
	return m->fn(m->ctx, &c);
}

enum kq_status
cards_of_batch(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, int full, long long batch_id, long long total,
    struct page_info *pg, struct card **out, size_t *n)
{
	struct mask_each m = { pg->each, pg->ctx };
	struct db_arg	 args[3];
	char		 target[32], detail[40], *masked;
	enum kq_status	 s;
	size_t		 i;

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
		if (!full) {
			pg->each = card_masked;
			pg->ctx = &m;
		}
		return page_select(db, a, &SQL_CARDS_OF_BATCH, NULL, args, 1, pg,
		    sizeof(**out), out, n);
	}
	page_clamp(pg, total);
	args[1] = DB_INT(PAGE_SIZE);
	args[2] = DB_INT((long long)(pg->page - 1) * PAGE_SIZE);
	if ((s = db_select(db, a, &SQL_CARDS_OF_BATCH, args, 3, sizeof(**out),
	    out, n)) != KQ_OK || full)
		return s;
	for (i = 0; i < *n; i++) {
		if ((masked = arena_alloc(a, CARD_LEN + 1)) == NULL)
			return KQ_UNAVAILABLE;
		code_mask((*out)[i].code, masked, CARD_LEN + 1);
		(*out)[i].code = masked;
	}
	return KQ_OK;
}

struct disable_ctx {
	const struct principal	*admin;
	const char		*ip;
	long long		 card_id;
	int			 enable;
};

/* Disables an unused card, or makes a disabled one unused again; doing
 * what is already done changes nothing. */
static enum kq_status
disable_txn(struct db *db, struct arena *a, void *arg)
{
	struct disable_ctx	*c = arg;
	struct db_arg		 x = DB_INT(c->card_id);
	struct card		 card;
	char			 target[32];
	enum kq_status		 s;

	if ((s = db_select_one(db, a, &SQL_CARD_LOCK, &x, 1, &card,
	    sizeof(card))) != KQ_OK)
		return s;
	if (card.stored == CARD_USED)
		return KQ_CARD_USED;
	if (c->enable ? card.stored != CARD_DISABLED :
	    !card_can_disable(card.stored))
		return KQ_OK;
	if ((s = db_exec(db, c->enable ? SQL_CARD_ENABLE : SQL_CARD_DISABLE,
	    &x, 1, NULL, NULL)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "card:%lld", c->card_id);
	return audit_write(db, c->admin, c->enable ? "pickup.card.enable" :
	    "pickup.card.disable", target, NULL, c->ip);
}

enum kq_status
card_batch(struct db *db, long long card_id, long long *batch_id)
{
	struct db_arg x = DB_INT(card_id);

	return db_scalar(db, SQL_CARD_BATCH, &x, 1, batch_id);
}

enum kq_status
card_place(struct db *db, long long card_id, long long *batch_id, int *page)
{
	struct db_arg	x = DB_INT(card_id);
	long long	before;
	enum kq_status	s;

	if ((s = card_batch(db, card_id, batch_id)) != KQ_OK ||
	    (s = db_scalar(db, SQL_CARD_PLACE, &x, 1, &before)) != KQ_OK)
		return s;
	*page = (int)(before / PAGE_SIZE) + 1;
	return KQ_OK;
}

enum kq_status
card_disable(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long card_id, int enable, long long *batch_id)
{
	struct disable_ctx	c = { admin, ip, card_id, enable };
	enum kq_status		s;

	if ((s = card_batch(db, card_id, batch_id)) != KQ_OK)
		return s;
	return db_txn(db, a, disable_txn, &c);
}

enum kq_status
usage_list(struct db *db, struct arena *a, const struct usage_filter *f,
    struct page_info *pg, struct usage **out, size_t *n)
{
	struct db_arg args[10];

	args[0] = args[1] = DB_INT(f->batch_id);
	args[2] = args[3] = DB_INT(f->uin);
	/* from: the start of that day; to: its end, both in display_tz */
	args[4] = args[5] = f->from_ymd ?
	    DB_TIME(clock_end_of_day(f->from_ymd) - 86399) : DB_NULL;
	args[6] = args[7] = f->to_ymd ? DB_TIME(clock_end_of_day(f->to_ymd)) : DB_NULL;
	return page_select(db, a, &SQL_USAGE_LIST, SQL_USAGE_COUNT, args, 8, pg,
	    sizeof(**out), out, n);
}

enum kq_status
pickup_mine(struct db *db, struct arena *a, long long uin, struct page_info *pg,
    struct usage **out, size_t *n)
{
	struct usage_filter f = { 0, uin, 0, 0 };

	return usage_list(db, a, &f, pg, out, n);
}

/* ------------------------------------------------------------ member */

/* Looks the card up; KQ_OK only when it can be picked up now.  Over the
 * brute-force limits nothing else is told; an unknown code counts. */
static enum kq_status
card_usable(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, const char *os, struct lookup *lk)
{
	struct db_arg	args[ATTEMPT_NARGS + 2];
	enum kq_status	s;

	attempt_args(args, "pickup", uin, ip);
	args[ATTEMPT_NARGS] = DB_STR(os ? os : "");
	args[ATTEMPT_NARGS + 1] = DB_STR(code);
	s = db_select_one(db, a, &SQL_CARD_BY_CODE, args, ATTEMPT_NARGS + 2, lk,
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

enum kq_status
pickup_offer(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, struct pickup_offer *o)
{
	struct lookup	lk;
	struct db_arg	arg;
	enum kq_status	s;
	size_t		i;

	memset(o, 0, sizeof(*o));
	o->code = code;
	if ((s = card_usable(db, a, uin, ip, code, NULL, &lk)) != KQ_OK)
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

enum kq_status
pickup_check(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, const char *os, struct pickup_claim *c)
{
	struct lookup	lk;
	enum kq_status	s;

	memset(c, 0, sizeof(*c));
	if ((s = card_usable(db, a, uin, ip, code, os, &lk)) != KQ_OK)
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
card_claim_step(struct db_step *st, const char *code, long long uin)
{
	/* another request that won leaves no row to change */
	*st = (struct db_step){ SQL_CARD_CLAIM, "ika",
	    { DB_INT(uin), DB_STR(code) }, KQ_CARD_USED, 0 };
}

enum kq_status
card_release(struct db *db, long long card_id, long long order_id)
{
	struct db_arg a[2] = { DB_INT(card_id), DB_INT(order_id) };

	return db_exec(db, SQL_CARD_RELEASE, a, 2, NULL, NULL);
}
