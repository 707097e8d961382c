/*
 * pickup.c - pickup-card batches, cards, usage records and the pick-up.
 *
 * Single use is the database's job: a card is claimed by
 *   UPDATE pickup_cards ... WHERE code = ? AND status = 'unused' AND <batch
 *   usable>
 * and only the transaction that changed one row goes on to create the order;
 * every other racer sees 0 rows and gets a clean 409.  The used count of a
 * batch is counted from the cards, never kept in a counter row, so pick-ups
 * of different cards never queue behind one hot row; and a used card is
 * itself the usage record, so nothing has to be kept in step with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "codes.h"
#include "pickup.h"
#include "ratelimit.h"

#define BATCH_COLS \
    "b.id, b.label, b.product, b.name, b.line, l.name, b.status, b.cpu," \
    " b.memory_gb, b.disk_gb, b.bandwidth_mbps, b.months, b.price, b.total," \
    " IFNULL(b.valid_months, 0), b.valid_to, b.created_at," \
    " b.valid_to < UTC_TIMESTAMP(), ad.login"
/* Counting used cards reads the batch's index range: lists and details
 * want it, the pick-up path does not. */
#define BATCH_USED \
    ", (SELECT COUNT(*) FROM pickup_cards u WHERE u.batch_id = b.id AND u.status = 'used')"
#define BATCH_FROM \
    " FROM pickup_batches b JOIN server_lines l ON l.code = b.line" \
    " JOIN admins ad ON ad.id = b.created_by"
#define BATCH_WHERE \
    " WHERE (? = '' OR b.product = ?) AND (? = '' OR CASE" \
    " WHEN b.status = 'disabled' THEN 'disabled'" \
    " WHEN b.valid_to < UTC_TIMESTAMP() THEN 'expired' ELSE 'normal' END = ?)"

static const char SQL_BATCH_LIST[] =
    "SELECT " BATCH_COLS BATCH_USED BATCH_FROM BATCH_WHERE
    " ORDER BY b.id DESC LIMIT ? OFFSET ?";
static const char SQL_BATCH_COUNT[] =
    "SELECT COUNT(*) FROM pickup_batches b" BATCH_WHERE;
static const char SQL_BATCH_GET[] =
    "SELECT " BATCH_COLS BATCH_USED BATCH_FROM " WHERE b.id = ?";
static const char SQL_BATCH_INSERT[] =
    "INSERT INTO pickup_batches (label, product, name, line, cpu, memory_gb,"
    " disk_gb, bandwidth_mbps, months, price, total, valid_months, valid_to,"
    " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_BATCH_STATUS[] =
    "UPDATE pickup_batches SET status = ? WHERE id = ?";
static const char SQL_BATCH_EXISTS[] =
    "SELECT 1 FROM pickup_batches WHERE id = ?";
static const char SQL_CARDS_OF_BATCH[] =
    "SELECT c.id, c.code, c.status, IFNULL(c.uin, 0), c.used_at,"
    " IFNULL(c.order_id, 0) FROM pickup_cards c WHERE c.batch_id = ?"
    " ORDER BY c.id LIMIT ? OFFSET ?";
static const char SQL_CODES_OF_BATCH[] =
    "SELECT code FROM pickup_cards WHERE batch_id = ? ORDER BY id";
static const char SQL_CARD_GET[] =
    "SELECT batch_id, status FROM pickup_cards WHERE id = ? FOR UPDATE";
static const char SQL_CARD_DISABLE[] =
    "UPDATE pickup_cards SET status = 'disabled' WHERE id = ? AND status = 'unused'";
/* One look-up serves the pick-up: the card, its batch, the caller's
 * failed-attempt counts, and the OS asked for (NULL when the line has no
 * such OS); columns from 21 on are read by card_usable(). */
static const char SQL_CARD_BY_CODE[] =
    "SELECT c.id, c.status, " BATCH_COLS ", l.windows_surcharge, o.code,"
    " o.family, " ATTEMPT_COUNTS BATCH_FROM
    " JOIN pickup_cards c ON c.batch_id = b.id"
    " LEFT JOIN line_os o ON o.line = b.line AND o.code = ?"
    " WHERE c.code = ?";
static const char SQL_CARD_CLAIM[] =
    "UPDATE pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
    " SET c.status = 'used', c.uin = ?, c.used_at = UTC_TIMESTAMP(),"
    " c.order_id = ?"
    " WHERE c.code = ? AND c.status = 'unused' AND b.status = 'normal'"
    " AND b.valid_to >= UTC_TIMESTAMP()";
static const char SQL_LINE_OS[] =
    "SELECT o.code, o.name, o.family, l.windows_surcharge FROM line_os o"
    " JOIN server_lines l ON l.code = o.line WHERE o.line = ? ORDER BY o.sort";
static const char SQL_LINES[] =
    "SELECT code, name FROM server_lines ORDER BY sort";
static const char SQL_ORDER_INSERT[] =
    "INSERT INTO orders (uin, product, billing, scenario, months, amount,"
    " card_amount, cash, card_id, description, status, paid_at, pay_by)"
    " VALUES (?, ?, 'prepaid', 'purchase', ?, ?, ?, ?, ?, ?, ?,"
    " IF(? = 'paid', UTC_TIMESTAMP(), NULL),"
    " IF(? = 'paid', NULL, UTC_TIMESTAMP() + INTERVAL 30 MINUTE))";
static const char SQL_OUTBOX_INSERT[] =
    "INSERT INTO provision_outbox (uin, order_id, product, line, os, cpu,"
    " memory_gb, disk_gb, bandwidth_mbps, months, status)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* A used card is the usage record of its pick-up. */
#define USAGE_COLS \
    "c.id, c.batch_id, c.id, c.uin, c.order_id, b.label, c.code," \
    " b.product, b.name, c.used_at"
#define USAGE_FROM \
    " FROM pickup_cards c JOIN pickup_batches b ON b.id = c.batch_id"
#define USAGE_WHERE \
    " WHERE c.status = 'used' AND (? = 0 OR c.batch_id = ?) AND (? = 0 OR c.uin = ?)" \
    " AND (? = '' OR c.used_at >= ?) AND (? = '' OR c.used_at <= ?)"

static const char SQL_USAGE_LIST[] =
    "SELECT " USAGE_COLS USAGE_FROM USAGE_WHERE
    " ORDER BY c.used_at DESC, c.id DESC LIMIT ? OFFSET ?";
static const char SQL_USAGE_COUNT[] =
    "SELECT COUNT(*) FROM pickup_cards c" USAGE_WHERE;

static const char SQL_OUTBOX_TAKE[] =
    "SELECT id FROM provision_outbox WHERE status = 'pending'"
    " ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED";
static const char SQL_OUTBOX_ACTIVATE[] =
    "UPDATE provision_outbox SET status = 'active', activated_at = UTC_TIMESTAMP()"
    " WHERE id = ? AND status = 'pending'";

/* Reads BATCH_COLS from column c on, and BATCH_USED after them if asked. */
static void
batch_fill(struct batch *b, const struct db_result *r, size_t row, size_t c,
    int with_used)
{
	b->id = db_cell_int(r, row, c + 0);
	b->label = db_cell(r, row, c + 1);
	b->product = db_cell(r, row, c + 2);
	b->name = db_cell(r, row, c + 3);
	b->line = db_cell(r, row, c + 4);
	b->line_name = db_cell(r, row, c + 5);
	b->status = db_cell(r, row, c + 6);
	b->cpu = (int)db_cell_int(r, row, c + 7);
	b->memory_gb = (int)db_cell_int(r, row, c + 8);
	b->disk_gb = (int)db_cell_int(r, row, c + 9);
	b->bandwidth_mbps = (int)db_cell_int(r, row, c + 10);
	b->months = (int)db_cell_int(r, row, c + 11);
	b->price = db_cell_int(r, row, c + 12);
	b->total = db_cell_int(r, row, c + 13);
	b->valid_months = (int)db_cell_int(r, row, c + 14);
	b->valid_to = clock_parse_utc(db_cell(r, row, c + 15));
	b->created_at = clock_parse_utc(db_cell(r, row, c + 16));
	b->expired = db_cell_int(r, row, c + 17) != 0;
	b->created_by = db_cell(r, row, c + 18);
	b->used = with_used ? db_cell_int(r, row, c + 19) : 0;
}

/* ------------------------------------------------------------ batches */

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

struct create_ctx {
	const struct principal	*admin;
	const char		*ip;
	const struct batch_spec	*spec;
	long long		 id;
	const char		*bad_field;
	char			*codes;		/* CARD_LEN + 1 per card */
	struct db_arg		*args;
};

static enum kq_status
insert_chunk(struct db *db, struct create_ctx *c, int lg)
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
			char *code = c->codes + i * (CARD_LEN + 1);
			if (card_generate(code) < 0)
				return KQ_UNAVAILABLE;
			c->args[2 * i] = DB_INT(c->id);
			c->args[2 * i + 1] = DB_STR(code);
		}
		s = db_exec(db, sql, c->args, 2 * n, NULL, NULL);
	}
	return s;
}

static enum kq_status
create_txn(struct db *db, void *arg)
{
	struct create_ctx	*c = arg;
	const struct batch_spec	*sp = c->spec;
	struct db_arg		 a[14];
	char			 valid_to[CLOCK_BUFSZ], detail[64], target[32];
	uint64_t		 id;
	enum kq_status		 s;
	int			 left = sp->count, lg;

	clock_sql(sp->valid_to, valid_to, sizeof(valid_to));
	a[0] = DB_STR(sp->label ? sp->label : "");
	a[1] = DB_STR(sp->product);
	a[2] = DB_STR(sp->name);
	a[3] = DB_STR(sp->line);
	a[4] = DB_INT(sp->cpu);
	a[5] = DB_INT(sp->memory_gb);
	a[6] = DB_INT(sp->disk_gb);
	a[7] = DB_INT(sp->bandwidth_mbps);
	a[8] = DB_INT(sp->months);
	a[9] = DB_INT(sp->price);
	a[10] = DB_INT(sp->count);
	a[11] = sp->valid_months ? DB_INT(sp->valid_months) : DB_NULL;
	a[12] = DB_STR(valid_to);
	a[13] = DB_INT(c->admin->id);
	s = db_exec(db, SQL_BATCH_INSERT, a, 14, NULL, &id);
	if (s == KQ_NOT_FOUND) {	/* no such line */
		c->bad_field = "line";
		return KQ_INVALID_FIELD;
	}
	if (s != KQ_OK)
		return s;
	c->id = (long long)id;
	for (lg = CHUNK_MAX_LOG; left > 0; ) {
		if (((int)1 << lg) > left) {
			lg--;
			continue;
		}
		if ((s = insert_chunk(db, c, lg)) != KQ_OK)
			return s;
		left -= 1 << lg;
	}
	snprintf(detail, sizeof(detail), "count=%d", sp->count);
	snprintf(target, sizeof(target), "batch:%lld", c->id);
	return audit_write(db, c->admin, "pickup.batch.create", target, detail,
	    c->ip);
}

enum kq_status
batch_create(struct db *db, const struct principal *admin, const char *ip,
    const struct batch_spec *spec, long long *id, const char **bad_field)
{
	struct create_ctx	c;
	size_t			chunk = (size_t)1 << CHUNK_MAX_LOG;
	enum kq_status		s;

	*bad_field = NULL;
	if (spec->count < 1 || spec->count > BATCH_MAX) {
		*bad_field = "count";
		return KQ_INVALID_FIELD;
	}
	if (spec->valid_to <= time(NULL)) {
		*bad_field = spec->valid_months ? "valid_months" : "valid_to";
		return KQ_INVALID_FIELD;
	}
	memset(&c, 0, sizeof(c));
	c.admin = admin;
	c.ip = ip;
	c.spec = spec;
	c.codes = malloc(chunk * (CARD_LEN + 1));
	c.args = malloc(2 * chunk * sizeof(*c.args));
	if (c.codes == NULL || c.args == NULL)
		s = KQ_UNAVAILABLE;
	else
		s = db_txn(db, create_txn, &c);
	free(c.codes);
	free(c.args);
	/* a batch is rare and its statements big: do not keep them */
	for (int lg = 0; lg <= CHUNK_MAX_LOG; lg++)
		if (insert_sql[lg] != NULL)
			db_forget(db, insert_sql[lg]);
	*id = c.id;
	*bad_field = c.bad_field;
	return s;
}

enum kq_status
batch_list(struct db *db, struct arena *a, const char *product,
    const char *status, struct page_info *pg, struct batch **out, size_t *n)
{
	struct db_arg	 args[6];
	struct db_result r;
	enum kq_status	 s;
	size_t		 i;

	args[0] = args[1] = DB_STR(product ? product : "");
	args[2] = args[3] = DB_STR(status ? status : "");
	if ((s = page_query(db, a, SQL_BATCH_COUNT, SQL_BATCH_LIST, args, 4, pg,
	    &r)) != KQ_OK)
		return s;
	if ((*out = arena_zalloc(a, (r.nrows + 1) * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < r.nrows; i++)
		batch_fill(&(*out)[i], &r, i, 0, 1);
	*n = r.nrows;
	return KQ_OK;
}

enum kq_status
batch_get(struct db *db, struct arena *a, long long id, struct batch *b)
{
	struct db_arg	 arg = DB_INT(id);
	struct db_result r;
	enum kq_status	 s;

	if ((s = db_query(db, a, SQL_BATCH_GET, &arg, 1, &r)) != KQ_OK)
		return s;
	if (r.nrows == 0)
		return KQ_NOT_FOUND;
	batch_fill(b, &r, 0, 0, 1);
	return KQ_OK;
}

/* What a card's status means once its batch is taken into account. */
static const char *
card_effective_status(const char *card_status, const struct batch *b)
{
	if (strcmp(card_status, "unused") != 0)
		return card_status;
	if (strcmp(b->status, "disabled") == 0)
		return "disabled";
	if (b->expired)
		return "expired";
	return "unused";
}

enum kq_status
batch_cards(struct db *db, struct arena *a, long long batch_id,
    struct page_info *pg, struct card **out, size_t *n)
{
	struct db_arg	 args[3];
	struct db_result r;
	struct batch	 b;
	enum kq_status	 s;
	size_t		 i;

	if ((s = batch_get(db, a, batch_id, &b)) != KQ_OK)
		return s;
	page_clamp(pg, b.total);
	args[0] = DB_INT(batch_id);
	args[1] = DB_INT(PAGE_SIZE);
	args[2] = DB_INT((long long)(pg->page - 1) * PAGE_SIZE);
	if ((s = db_query(db, a, SQL_CARDS_OF_BATCH, args, 3, &r)) != KQ_OK)
		return s;
	if ((*out = arena_zalloc(a, (r.nrows + 1) * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < r.nrows; i++) {
		struct card *c = &(*out)[i];
		c->id = db_cell_int(&r, i, 0);
		c->code = db_cell(&r, i, 1);
		c->status = card_effective_status(db_cell(&r, i, 2), &b);
		c->uin = db_cell_int(&r, i, 3);
		c->used_at = db_cell(&r, i, 4) ? clock_parse_utc(db_cell(&r, i, 4)) : 0;
		c->order_id = db_cell_int(&r, i, 5);
	}
	*n = r.nrows;
	return KQ_OK;
}

struct status_ctx {
	const struct principal	*admin;
	const char		*ip;
	long long		 id;
	int			 enable;
};

static enum kq_status
status_txn(struct db *db, void *arg)
{
	struct status_ctx	*c = arg;
	struct db_arg		 args[2] = { DB_STR(c->enable ? "normal" : "disabled"),
				    DB_INT(c->id) };
	uint64_t		 n;
	enum kq_status		 s;
	char			 target[32];

	if ((s = db_exec(db, SQL_BATCH_STATUS, args, 2, &n, NULL)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_NOT_FOUND;
	snprintf(target, sizeof(target), "batch:%lld", c->id);
	return audit_write(db, c->admin, c->enable ? "pickup.batch.enable" :
	    "pickup.batch.disable", target, NULL, c->ip);
}

enum kq_status
batch_set_status(struct db *db, const struct principal *admin, const char *ip,
    long long id, int enable)
{
	struct status_ctx c = { admin, ip, id, enable };

	return db_txn(db, status_txn, &c);
}

/* card_display with the signature codes_download() takes. */
static void
show_card_code(const char *code, char *out)
{
	card_display(code, out);
}

enum kq_status
batch_codes(struct db *db, const struct principal *admin, const char *ip,
    long long id, int (*fn)(void *, const char *), void *ctx)
{
	char target[32];

	snprintf(target, sizeof(target), "batch:%lld", id);
	return codes_download(db, admin, ip, SQL_BATCH_EXISTS, SQL_CODES_OF_BATCH,
	    id, "pickup.codes.download", target, show_card_code, fn, ctx);
}

struct card_disable_ctx {
	const struct principal	*admin;
	const char		*ip;
	long long		 card_id, batch_id;
};

static enum kq_status
card_disable_txn(struct db *db, void *arg)
{
	struct card_disable_ctx	*c = arg;
	struct db_arg		 a = DB_INT(c->card_id);
	struct db_result	 r;
	struct arena		 ar;
	enum kq_status		 s;
	uint64_t		 n;
	char			 target[32], status[16];

	arena_init(&ar, 1024, 0);
	s = db_query(db, &ar, SQL_CARD_GET, &a, 1, &r);
	if (s == KQ_OK && r.nrows == 0)
		s = KQ_NOT_FOUND;
	if (s == KQ_OK) {
		c->batch_id = db_cell_int(&r, 0, 0);
		snprintf(status, sizeof(status), "%s", db_cell(&r, 0, 1));
	}
	arena_free(&ar);
	if (s != KQ_OK)
		return s;
	if (strcmp(status, "used") == 0)
		return KQ_CARD_USED;
	if ((s = db_exec(db, SQL_CARD_DISABLE, &a, 1, &n, NULL)) != KQ_OK)
		return s;
	if (n == 0)	/* already disabled: nothing to record */
		return KQ_OK;
	snprintf(target, sizeof(target), "card:%lld", c->card_id);
	return audit_write(db, c->admin, "pickup.card.disable", target, NULL, c->ip);
}

enum kq_status
card_disable(struct db *db, const struct principal *admin, const char *ip,
    long long card_id, long long *batch_id)
{
	struct card_disable_ctx c = { admin, ip, card_id, 0 };
	enum kq_status s = db_txn(db, card_disable_txn, &c);

	*batch_id = c.batch_id;
	return s;
}

static enum kq_status
usage_rows(struct arena *a, const struct db_result *r, struct usage **out,
    size_t *n)
{
	size_t i;

	if ((*out = arena_zalloc(a, (r->nrows + 1) * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < r->nrows; i++) {
		struct usage *u = &(*out)[i];
		u->id = db_cell_int(r, i, 0);
		u->batch_id = db_cell_int(r, i, 1);
		u->card_id = db_cell_int(r, i, 2);
		u->uin = db_cell_int(r, i, 3);
		u->order_id = db_cell_int(r, i, 4);
		u->batch_label = db_cell(r, i, 5);
		u->card_code = db_cell(r, i, 6);
		u->product = db_cell(r, i, 7);
		u->card_name = db_cell(r, i, 8);
		u->time = clock_parse_utc(db_cell(r, i, 9));
	}
	*n = r->nrows;
	return KQ_OK;
}

enum kq_status
usage_list(struct db *db, struct arena *a, const struct usage_filter *f,
    struct page_info *pg, struct usage **out, size_t *n)
{
	struct db_arg	 args[10];
	struct db_result r;
	enum kq_status	 s;
	char		 from[CLOCK_BUFSZ] = "", to[CLOCK_BUFSZ] = "";

	if (f->from)
		clock_sql(f->from, from, sizeof(from));
	if (f->to)
		clock_sql(f->to, to, sizeof(to));
	args[0] = args[1] = DB_INT(f->batch_id);
	args[2] = args[3] = DB_INT(f->uin);
	args[4] = args[5] = DB_STR(from);
	args[6] = args[7] = DB_STR(to);
	if ((s = page_query(db, a, SQL_USAGE_COUNT, SQL_USAGE_LIST, args, 8, pg,
	    &r)) != KQ_OK)
		return s;
	return usage_rows(a, &r, out, n);
}

enum kq_status
pickup_mine(struct db *db, struct arena *a, long long uin,
    struct page_info *pg, struct usage **out, size_t *n)
{
	struct usage_filter f = { 0, uin, 0, 0 };

	return usage_list(db, a, &f, pg, out, n);
}

enum kq_status
lines_list(struct db *db, struct arena *a, const char ***codes,
    const char ***names, size_t *n)
{
	return db_query_pairs(db, a, SQL_LINES, codes, names, n);
}

/* ------------------------------------------------------------ member */

struct lookup {
	struct batch	 batch;
	long long	 card_id;
	const char	*os_code;	/* the OS asked for, if the line has it */
	const char	*os_family;
	long long	 windows_surcharge;	/* the line's, per month */
};

/* Looks the card up; KQ_OK only when it can be picked up now.  Over the
 * brute-force limits nothing else is told; an unknown code counts. */
static enum kq_status
card_usable(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, const char *os, struct lookup *lk)
{
	struct db_arg	 args[6] = { DB_INT(uin), DB_STR("pickup"), DB_STR(ip),
			    DB_STR("pickup"), DB_STR(os ? os : ""), DB_STR(code) };
	struct db_result r;
	enum kq_status	 s;
	const char	*st;

	if ((s = db_query(db, a, SQL_CARD_BY_CODE, args, 6, &r)) != KQ_OK)
		return s;
	if (r.nrows == 0) {
		if ((s = attempts_check(db, a, "pickup", uin, ip)) != KQ_OK)
			return s;
		(void)attempts_fail(db, "pickup", uin, ip);
		return KQ_CARD_UNKNOWN;
	}
	if ((s = attempts_over(db_cell_int(&r, 0, 24), db_cell_int(&r, 0, 25))) != KQ_OK)
		return s;
	lk->card_id = db_cell_int(&r, 0, 0);
	batch_fill(&lk->batch, &r, 0, 2, 0);
	lk->windows_surcharge = db_cell_int(&r, 0, 21);
	lk->os_code = db_cell(&r, 0, 22);
	lk->os_family = db_cell(&r, 0, 23);
	st = card_effective_status(db_cell(&r, 0, 1), &lk->batch);
	if (strcmp(st, "used") == 0)
		return KQ_CARD_USED;
	if (strcmp(st, "disabled") == 0)
		return KQ_CARD_DISABLED;
	if (strcmp(st, "expired") == 0)
		return KQ_CARD_EXPIRED;
	return KQ_OK;
}

/* The card covers the Linux price; a line's Windows surcharge is per month
 * of the card's term (seed 004). */
static long long
os_surcharge(const char *family, long long per_month, const struct batch *b)
{
	return strcmp(family, "windows") == 0 ? per_month * b->months : 0;
}

static enum kq_status
os_choices(struct db *db, struct arena *a, const struct batch *b,
    struct os_choice **out, size_t *n)
{
	struct db_arg	 arg = DB_STR(b->line);
	struct db_result r;
	enum kq_status	 s;
	size_t		 i;

	*n = 0;
	*out = NULL;
	if (strcmp(b->product, "vhost") == 0)	/* seed 004: no OS to choose */
		return KQ_OK;
	if ((s = db_query(db, a, SQL_LINE_OS, &arg, 1, &r)) != KQ_OK)
		return s;
	if ((*out = arena_zalloc(a, (r.nrows + 1) * sizeof(**out))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < r.nrows; i++) {
		struct os_choice *o = &(*out)[i];
		o->code = db_cell(&r, i, 0);
		o->name = db_cell(&r, i, 1);
		o->family = db_cell(&r, i, 2);
		o->surcharge = os_surcharge(o->family, db_cell_int(&r, i, 3), b);
	}
	*n = r.nrows;
	return KQ_OK;
}

enum kq_status
pickup_offer(struct db *db, struct arena *a, long long uin, const char *ip,
    const char *code, struct pickup_offer *o)
{
	struct lookup	lk;
	enum kq_status	s;

	memset(o, 0, sizeof(*o));
	o->code = code;
	if ((s = card_usable(db, a, uin, ip, code, NULL, &lk)) != KQ_OK)
		return s;
	o->batch = lk.batch;
	return os_choices(db, a, &o->batch, &o->os, &o->nos);
}

struct confirm_ctx {
	const struct principal	*me;
	const char		*code, *os_code;
	const struct batch	*b;
	long long		 card_id;
	long long		 surcharge;
	long long		 order_id;
};

/*
 * The order is written first so the claim can carry its id: the claim is
 * the single-use check, and a request that loses it rolls the order back.
 * Three statements in all, because pick-ups must sustain thousands a second.
 */
static enum kq_status
confirm_txn(struct db *db, void *arg)
{
	struct confirm_ctx	*c = arg;
	const struct batch	*b = c->b;
	struct db_arg		 a[11];
	const char		*status = c->surcharge > 0 ? "awaiting_payment" : "paid";
	char			 desc[200];
	uint64_t		 n, order_id;
	enum kq_status		 s;

	snprintf(desc, sizeof(desc), "提货卡 %s", b->name);
	a[0] = DB_INT(c->me->uin);
	a[1] = DB_STR(b->product);
	a[2] = DB_INT(b->months);
	a[3] = DB_INT(b->price + c->surcharge);
	a[4] = DB_INT(b->price);
	a[5] = DB_INT(c->surcharge);
	a[6] = DB_INT(c->card_id);
	a[7] = DB_STR(desc);
	a[8] = DB_STR(status);
	a[9] = DB_STR(status);
	a[10] = DB_STR(status);
	if ((s = db_exec(db, SQL_ORDER_INSERT, a, 11, NULL, &order_id)) != KQ_OK)
		return s;
	c->order_id = (long long)order_id;

	a[0] = DB_INT(c->me->uin);
	a[1] = DB_INT(c->order_id);
	a[2] = DB_STR(c->code);
	if ((s = db_exec(db, SQL_CARD_CLAIM, a, 3, &n, NULL)) != KQ_OK)
		return s;
	if (n != 1)
		return KQ_CARD_USED;	/* another request won the race */

	a[0] = DB_INT(c->me->uin);
	a[1] = DB_INT(c->order_id);
	a[2] = DB_STR(b->product);
	a[3] = DB_STR(b->line);
	a[4] = c->os_code ? DB_STR(c->os_code) : DB_NULL;
	a[5] = DB_INT(b->cpu);
	a[6] = DB_INT(b->memory_gb);
	a[7] = DB_INT(b->disk_gb);
	a[8] = DB_INT(b->bandwidth_mbps);
	a[9] = DB_INT(b->months);
	/* an order with cash due is provisioned when it is paid */
	a[10] = DB_STR(c->surcharge > 0 ? "held" : "pending");
	return db_exec(db, SQL_OUTBOX_INSERT, a, 11, NULL, NULL);
}

enum kq_status
pickup_confirm(struct db *db, struct arena *a, const struct principal *me,
    const char *ip, const char *code, const char *os, long long *order_id)
{
	struct lookup		lk;
	struct confirm_ctx	c;
	enum kq_status		s;

	memset(&c, 0, sizeof(c));
	if ((s = card_usable(db, a, me->uin, ip, code, os, &lk)) != KQ_OK)
		return s;
	/* seed 004: a virtual host has no OS; the others need one the line offers */
	if (strcmp(lk.batch.product, "vhost") != 0) {
		if (os == NULL || *os == '\0')
			return KQ_OS_REQUIRED;
		if (lk.os_code == NULL)
			return KQ_OS_INVALID;
		c.os_code = lk.os_code;
		c.surcharge = os_surcharge(lk.os_family, lk.windows_surcharge,
		    &lk.batch);
	}
	c.card_id = lk.card_id;
	c.me = me;
	c.code = code;
	c.b = &lk.batch;
	if ((s = db_txn(db, confirm_txn, &c)) != KQ_OK)
		return s;
	*order_id = c.order_id;
	return KQ_OK;
}

struct provision_ctx {
	struct arena	*arena;
	int		 n;
};

static enum kq_status
provision_txn(struct db *db, void *arg)
{
	struct provision_ctx	*c = arg;
	struct db_result	 r;
	struct db_arg		 x;
	enum kq_status		 s;
	size_t			 i;

	c->n = 0;
	if ((s = db_query(db, c->arena, SQL_OUTBOX_TAKE, NULL, 0, &r)) != KQ_OK)
		return s;
	for (i = 0; i < r.nrows; i++) {
		x = DB_INT(db_cell_int(&r, i, 0));
		if ((s = db_exec(db, SQL_OUTBOX_ACTIVATE, &x, 1, NULL, NULL)) != KQ_OK)
			return s;
		c->n++;
	}
	return KQ_OK;
}

enum kq_status
provision_run(struct db *db, struct arena *a, int *n)
{
	struct provision_ctx	c = { a, 0 };
	enum kq_status		s;

	*n = 0;
	do {	/* 100 requests a transaction, until none is left */
		if ((s = db_txn(db, provision_txn, &c)) != KQ_OK)
			return s;
		*n += c.n;
	} while (c.n > 0);
	return KQ_OK;
}
