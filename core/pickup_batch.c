/*
 * pickup_batch.c - creating, listing, disabling batches; their codes.
 */
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "approval.h"
#include "audit.h"
#include "base/clock.h"
#include "base/codes.h"
#include "pickup_batch.h"

/* A batch's used cards, from the counts the pick-ups keep (pickup.c):
 * its 16 rows, not its cards; lists and details want it, the pick-up path
 * does not. */
static const struct db_col used_cols[] = {
	DB_COL(struct batch, used, "COALESCE((SELECT SUM(n.used)"
	    " FROM pickup_batch_counts n WHERE n.batch_id = b.id), 0)"),
	DB_END
};
#define BATCH_WHERE \
    " WHERE (? = '' OR b.product = ?) AND (? = '' OR " BATCH_STATUS("b") " = ?)"

static struct db_sel SQL_BATCH_LIST = DB_SEL(
    "SELECT {cols}" BATCH_FROM BATCH_WHERE PAGER_AFTER("b.id"),
    DB_WHOLE(batch_cols), DB_WHOLE(used_cols));
static const char SQL_BATCH_COUNT[] =
    PAGER_COUNT(" FROM pickup_batches b" BATCH_WHERE);
static struct db_sel SQL_BATCH_GET = DB_SEL(
    "SELECT {cols}" BATCH_FROM " WHERE b.id = ?",
    DB_WHOLE(batch_cols), DB_WHOLE(used_cols));
static const char SQL_BATCH_INSERT[] =
    "INSERT INTO pickup_batches (label, product, name, line, cpu, memory_gb,"
    " disk_gb, bandwidth_mbps, months, price, total, valid_months, valid_to,"
    " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_BATCH_STATUS[] =
    "UPDATE pickup_batches SET status = ? WHERE id = ?";
static const char SQL_BATCH_EXISTS[] = "SELECT 1 FROM pickup_batches WHERE id = ?";

struct create_ctx {
	const struct principal	*admin;
	const char		*ip;
	const struct batch_spec	*spec;
	time_t			 valid_to;
	long long		 id;
	const char		*bad_field;
};

static enum kq_outcome
create_txn(struct db *db, struct arena *ar, void *arg)
{
	struct create_ctx	*c = arg;
	const struct batch_spec	*sp = c->spec;
	struct db_arg		 a[14];
	char			 target[32], detail[32];
	uint64_t		 id;
	enum kq_outcome		 s;

	a[0] = DB_STR(sp->label ? sp->label : "");
	a[1] = DB_STR(pickup_product_names[sp->product]);
	a[2] = DB_STR(sp->name);
	a[3] = DB_STR(sp->line);
	a[4] = DB_INT(sp->cpu);
	a[5] = DB_INT(sp->memory_gb);
	a[6] = DB_INT(sp->disk_gb);
	a[7] = DB_INT(sp->bandwidth_mbps);
	a[8] = DB_INT(sp->months);
	a[9] = DB_INT(sp->price);
	a[10] = DB_INT(sp->count);
	a[11] = sp->valid_to_ymd ? DB_NULL : DB_INT(sp->valid_months);
	a[12] = DB_TIME(c->valid_to);
	a[13] = DB_INT(c->admin->id);
	s = db_exec(db, SQL_BATCH_INSERT, a, 14, NULL, &id);
	if (s == KQ_NOT_FOUND) {	/* no such line */
		c->bad_field = "line";
		return KQ_INVALID_FIELD;
	}
	if (s != KQ_OK)
		return s;
	c->id = (long long)id;
	if ((s = cards_add(db, c->id, sp->count)) != KQ_OK)
		return s;
	(void)ar;
	snprintf(target, sizeof(target), "batch:%lld", c->id);
	snprintf(detail, sizeof(detail), "count=%d", sp->count);
	return audit_write(db, c->admin, "pickup.batch.create", target, detail,
	    c->ip);
}

/* Files batch sp for approval (SPEC §11): the spec as the payload
 * batch_create_approved() reads back. */
static enum kq_outcome
batch_request(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, const struct batch_spec *sp, long long total, long long *id)
{
	struct approval_new	n;

	memset(&n, 0, sizeof(n));
	n.kind = RK_BATCH;
	n.subject = sp->name;
	n.count = sp->count;
	n.unit = sp->price;
	n.amount = total;
	n.payload = approval_payload(a, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i,"
	    " s:i, s:i, s:i, s:I, s:i, s:I, s:i, s:i}",
	    "label", sp->label ? sp->label : "",
	    "product", pickup_product_names[sp->product], "name", sp->name,
	    "line", sp->line, "cpu", sp->cpu, "memory_gb", sp->memory_gb,
	    "disk_gb", sp->disk_gb, "bandwidth_mbps", sp->bandwidth_mbps,
	    "months", sp->months, "price", (json_int_t)sp->price,
	    "count", sp->count, "valid_to", (json_int_t)sp->valid_to_ymd,
	    "valid_months", sp->valid_months, "validity_by", (int)sp->validity_by));
	if (n.payload == NULL)
		return KQ_UNAVAILABLE;
	return approval_request(db, a, admin, ip, &n, id);
}

/* A batch, checked; above the cap (gate) filed for approval instead. */
static enum kq_outcome
batch_run(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, const struct batch_spec *spec, int gate, long long *id,
    const char **bad_field)
{
	struct create_ctx	c;
	struct batch_spec	sp = *spec;
	enum kq_outcome		s;
	long long		total;

	*bad_field = NULL;
	memset(&c, 0, sizeof(c));
	/* a date or a number of months, the one chosen (issue 9) */
	switch (validity_pick(spec->validity_by, spec->valid_to_ymd != 0,
	    spec->valid_months != 0)) {
	case VB_DATES:
		sp.valid_months = 0;
		sp.validity_by = VB_DATES;
		break;
	case VB_DURATION:
		sp.valid_to_ymd = 0;
		sp.validity_by = VB_DURATION;
		break;
	default:
		*bad_field = "validity";
		return KQ_INVALID_FIELD;
	}
	spec = &sp;
	/* SPEC §2: a date means the end of that day in display_tz */
	if (spec->valid_to_ymd)
		c.valid_to = clock_end_of_day(spec->valid_to_ymd);
	else if (spec->valid_months)
		c.valid_to = clock_add_months(time(NULL), spec->valid_months);
	if (spec->count < 1 || spec->count > BATCH_MAX)
		*bad_field = "count";
	else if (c.valid_to <= time(NULL))
		*bad_field = spec->valid_to_ymd || !spec->valid_months ?
		    "valid_to" : "valid_months";
	if (*bad_field != NULL)
		return KQ_INVALID_FIELD;
	/* SPEC §11: its reference value, count × price */
	if (gate && approval_needed(spec->count, spec->price, &total))
		return batch_request(db, a, admin, ip, spec, total, id);
	c.admin = admin;
	c.ip = ip;
	c.spec = spec;
	s = db_txn(db, a, create_txn, &c);
	cards_forget(db);
	*id = c.id;
	*bad_field = c.bad_field;
	return s;
}

enum kq_outcome
batch_create(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, const struct batch_spec *spec, long long *id,
    const char **bad_field)
{
	return batch_run(db, a, admin, ip, spec, 1, id, bad_field);
}

enum kq_outcome
batch_create_approved(struct db *db, struct arena *a,
    const struct principal *admin, const char *ip, const char *payload,
    long long *id, const char **bad_field)
{
	struct batch_spec	 sp;
	json_t			*j;
	json_int_t		 price, valid_to;
	const char		*label, *product, *name, *line;
	int			 p, by;
	enum kq_outcome		 s = KQ_UNAVAILABLE;

	*bad_field = NULL;
	memset(&sp, 0, sizeof(sp));
	if ((j = json_loads(payload, 0, NULL)) == NULL)
		return KQ_UNAVAILABLE;
	if (json_unpack(j, "{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:I,"
	    " s:i, s:I, s:i, s:i}", "label", &label, "product", &product,
	    "name", &name, "line", &line, "cpu", &sp.cpu,
	    "memory_gb", &sp.memory_gb, "disk_gb", &sp.disk_gb,
	    "bandwidth_mbps", &sp.bandwidth_mbps, "months", &sp.months,
	    "price", &price, "count", &sp.count, "valid_to", &valid_to,
	    "valid_months", &sp.valid_months, "validity_by", &by) == 0 &&
	    (p = state_index(pickup_product_names, product)) >= 0 &&
	    by >= 0 && by < VB__MAX &&
	    (sp.label = arena_strdup(a, label)) != NULL &&
	    (sp.name = arena_strdup(a, name)) != NULL &&
	    (sp.line = arena_strdup(a, line)) != NULL) {
		sp.product = (enum pickup_product)p;
		sp.price = (long long)price;
		sp.valid_to_ymd = (long long)valid_to;
		sp.validity_by = (enum validity_by)by;
		s = batch_run(db, a, admin, ip, &sp, 0, id, bad_field);
	}
	json_decref(j);
	return s;
}

enum kq_outcome
batch_list(struct db *db, struct arena *a, int product, int status,
    struct pager *pg, struct batch **out, size_t *n)
{
	struct db_arg args[8];

	args[0] = args[1] = DB_STR(product >= 0 ? pickup_product_names[product] : "");
	args[2] = args[3] = DB_STR(status >= 0 ? batch_status_names[status] : "");
	return pager_select(db, a, &SQL_BATCH_LIST, SQL_BATCH_COUNT, args, 4, pg,
	    sizeof(**out), offsetof(struct batch, id), out, n);
}

enum kq_outcome
batch_get(struct db *db, struct arena *a, long long id, struct batch *b)
{
	struct db_arg arg = DB_INT(id);

	return db_select_one(db, a, &SQL_BATCH_GET, &arg, 1, b, sizeof(*b));
}

struct status_ctx {
	const struct principal	*admin;
	const char		*ip;
	long long		 id;
	int			 enable;
};

static enum kq_outcome
status_txn(struct db *db, struct arena *a, void *arg)
{
	struct status_ctx	*c = arg;
	struct db_arg		 args[2] = { DB_STR(batch_status_names[c->enable ?
				    BATCH_NORMAL : BATCH_DISABLED]), DB_INT(c->id) };
	uint64_t		 n;
	char			 target[32];
	enum kq_outcome		 s;

	(void)a;
	if ((s = db_exec(db, SQL_BATCH_STATUS, args, 2, &n, NULL)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_NOT_FOUND;
	snprintf(target, sizeof(target), "batch:%lld", c->id);
	return audit_write(db, c->admin, c->enable ? "pickup.batch.enable" :
	    "pickup.batch.disable", target, NULL, c->ip);
}

enum kq_outcome
batch_set_status(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long id, int enable)
{
	struct status_ctx c = { admin, ip, id, enable };

	return db_txn(db, a, status_txn, &c);
}

/* card_display with the signature codes_download() takes. */
static void
show_card_code(const char *code, char *out)
{
	card_display(code, out);
}

enum kq_outcome
batch_codes(struct db *db, const struct principal *admin, const char *ip,
    long long id, int (*fn)(void *, const char *), void *ctx)
{
	char target[32];

	snprintf(target, sizeof(target), "batch:%lld", id);
	return codes_download(db, admin, ip, SQL_BATCH_EXISTS, id,
	    "pickup.codes.download", target, CK_CARD, show_card_code, fn, ctx);
}
