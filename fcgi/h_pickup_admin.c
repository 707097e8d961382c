/*
 * h_pickup_admin.c - the finance backend's pickup cards: batch list, create
 * form, batch details with its cards, codes.txt, disable/enable, usage
 * records (seed 004).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "catalog.h"
#include "base/clock.h"
#include "export.h"
#include "flash.h"
#include "handlers.h"
#include "base/i18n.h"
#include "pickup_batch.h"
#include "present.h"
#include "reply.h"

enum { BQ_TYPE, BQ_STATUS, BQ_PAGE, BQ__MAX };
static const struct field batches_fields[BQ__MAX] = {
	[BQ_TYPE] = { .name = "type", .type = FT_OPTION, .options = opt_pickup_product },
	[BQ_STATUS] = { .name = "status", .type = FT_OPTION, .options = opt_batch_status },
	[BQ_PAGE] = PAGE_FIELD,
};
const struct form_def batches_query = FORM_DEF(batches_fields);

static const struct option opt_codes[] = { { "full", "完整卡号" }, { NULL, NULL } };
enum { BQ_CODES = 1, BQ1__MAX };
static const struct field batch_fields_q[BQ1__MAX] = {
	PAGE_FIELD,
	[BQ_CODES] = { .name = "codes", .type = FT_OPTION, .options = opt_codes },
};
const struct form_def batch_query = FORM_DEF(batch_fields_q);

enum {
	BF_LABEL, BF_TYPE, BF_NAME, BF_LINE, BF_CPU, BF_MEMORY, BF_DISK,
	BF_BANDWIDTH, BF_MONTHS, BF_PRICE, BF_COUNT, BF_VALID_TO,
	BF_VALID_MONTHS, BF_VALIDITY, BF__MAX
};
static const struct field batch_fields[BF__MAX] = {
	[BF_LABEL] = { .name = "label", .type = FT_TEXT, .maxlen = 100 },
	[BF_TYPE] = { .name = "type", .type = FT_OPTION, .required = 1,
	  .options = opt_pickup_product },
	[BF_NAME] = { .name = "name", .type = FT_TEXT, .required = 1, .maxlen = 100 },
	[BF_LINE] = { .name = "line", .type = FT_TEXT, .required = 1,
	  .pattern = "[a-z0-9_]{1,32}" },
	[BF_CPU] = { .name = "cpu", .type = FT_INT, .required = 1, .min = 1, .max = 512 },
	[BF_MEMORY] = { .name = "memory_gb", .type = FT_INT, .required = 1, .min = 1,
	  .max = 8192 },
	[BF_DISK] = { .name = "disk_gb", .type = FT_INT, .required = 1, .min = 1,
	  .max = 1000000 },
	[BF_BANDWIDTH] = { .name = "bandwidth_mbps", .type = FT_INT, .required = 1,
	  .min = 1, .max = 100000 },
	[BF_MONTHS] = { .name = "months", .type = FT_INT, .required = 1, .min = 1,
	  .max = 120 },
	[BF_PRICE] = { .name = "price", .type = FT_MONEY, .required = 1 },
	[BF_COUNT] = { .name = "count", .type = FT_INT, .required = 1, .min = 1,
	  .max = BATCH_MAX },
	[BF_VALID_TO] = { .name = "valid_to", .type = FT_DATE },
	[BF_VALID_MONTHS] = { .name = "valid_months", .type = FT_INT, .min = 1,
	  .max = 120 },
	[BF_VALIDITY] = VALIDITY_FIELD,
};
const struct form_def batch_form = FORM_DEF(batch_fields);

enum { UQ_BATCH, UQ_UIN, UQ_FROM, UQ_TO, UQ_PAGE, UQ__MAX };
static const struct field usage_fields[UQ__MAX] = {
	[UQ_BATCH] = { .name = "batch", .type = FT_INT, .min = 1, .max = 999999999999LL },
	[UQ_UIN] = { .name = "uin", .type = FT_INT, .min = 1, .max = UIN_MAX },
	[UQ_FROM] = { .name = "from", .type = FT_DATE },
	[UQ_TO] = { .name = "to", .type = FT_DATE },
	[UQ_PAGE] = PAGE_FIELD,
};
const struct form_def usage_query = FORM_DEF(usage_fields);

static void
show_batch(struct view *v, const struct batch *b)
{
	char date[CLOCK_BUFSZ];

	view_set_int(v, "id", b->id);
	view_set(v, "label", b->label);
	show_state(v, "type", opt_pickup_product, b->product);
	view_set(v, "name", b->name);
	view_set(v, "line", b->line);
	view_set(v, "line_name", L(b->line_name));
	view_set_int(v, "cpu", b->cpu);
	view_set_int(v, "memory_gb", b->memory_gb);
	view_set_int(v, "disk_gb", b->disk_gb);
	view_set_int(v, "bandwidth_mbps", b->bandwidth_mbps);
	view_set_int(v, "months", b->months);
	show_money(v, "price", b->price);
	view_set_int(v, "used", b->used);
	view_set_int(v, "total", b->total);
	show_date(v, "valid_to", b->valid_to);
	clock_display_date(b->valid_to, date, sizeof(date));
	if (b->valid_months)
		view_setf(v, "validity", Ln("%d 个月(至 %s)",
		    b->valid_months), b->valid_months, date);
	else
		view_set(v, "validity", arena_strdup(v->arena, date));
	show_state(v, "status", opt_batch_status, b->status);
	if (b->status == BATCH_DISABLED)
		view_set(v, "disabled", "1");
	show_time(v, "created_at", b->created_at);
	view_set(v, "created_by", b->created_by);
	view_setf(v, "href", "/admin/pickup/batches/%lld", b->id);
	view_setf(v, "codes_href", "/admin/pickup/batches/%lld/codes.txt", b->id);
	view_setf(v, "disable_href", "/admin/pickup/batches/%lld/disable", b->id);
	view_setf(v, "enable_href", "/admin/pickup/batches/%lld/enable", b->id);
}

void
h_batches(struct req *r)
{
	struct pager pg = { .page = r->page, .after = r->after };
	struct batch	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = batch_list(r->app->db, r->arena, (int)form_int(&r->q, BQ_TYPE, -1),
	    (int)form_int(&r->q, BQ_STATUS, -1), &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	show_choices(v, "types", opt_pickup_product, r->q.v[BQ_TYPE].raw,
	    "selected");
	show_choices(v, "statuses", opt_batch_status, r->q.v[BQ_STATUS].raw,
	    "selected");
	l = view_list(v, "batches");
	for (i = 0; i < n; i++)
		show_batch(vlist_add(l), &rows[i]);
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.pickup.batches", v);
}

/* The create form: new (f NULL) or re-shown with what was typed. */
static void
batch_page(struct req *r, int status, const struct form *f, enum kq_outcome err,
    const char *bad)
{
	struct view	*v = reply_view(r), *fv;
	struct line	*lines;
	struct option	*opts;
	size_t		 n;
	enum kq_outcome	 s;
	const char	*line = f ? f->v[BF_LINE].raw : NULL;

	if ((s = catalog_lines(r->app->db, r->arena, &lines, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (f != NULL) {
		flash_reshow(v, f, err, bad);
		/* a batch has no start date: its end is after today, or it
		 * is missing, and then so are the months (issue 31) */
		if (bad != NULL && strcmp(bad, "valid_to") == 0)
			mark_field(r->arena, v, bad, f->v[BF_VALID_TO].present &&
			    *f->v[BF_VALID_TO].raw != '\0' ?
			    L("到期日期须晚于今天。") :
			    L("请填写到期日期,或选择“按时长”并填写月数。"));
	} else {
		fv = view_map(v, "f");
		view_set(fv, "cpu", "2");
		view_set(fv, "memory_gb", "4");
		view_set(fv, "disk_gb", "50");
		view_set(fv, "bandwidth_mbps", "5");
		view_set(fv, "months", "1");
		view_set(fv, "count", "10");
		view_set(fv, "valid_months", "12");
	}
	/* a new batch: by duration, twelve months (issue 31) */
	show_validity(v, f, BF_VALIDITY, "duration");
	show_choices(v, "types", opt_pickup_product, f ? f->v[BF_TYPE].raw :
	    "cvm", "selected");
	if ((opts = OPTIONS_OF(r->arena, lines, n)) == NULL) {
		reply_fail(r, KQ_UNAVAILABLE);
		return;
	}
	show_choices(v, "lines", opts, line, "selected");
	reply_page(r, status, "admin.pickup.batch.new", v);
}

void
h_batch_new(struct req *r)
{
	batch_page(r, 200, NULL, KQ_OK, NULL);
}

void
h_batch_create(struct req *r)
{
	const struct fvalue	*v = r->f.v;
	struct batch_spec	 sp;
	enum kq_outcome		 s;
	const char		*bad = NULL;
	long long		 id = 0;

	if ((s = r->f_outcome) == KQ_OK) {
		memset(&sp, 0, sizeof(sp));
		sp.label = form_str(&r->f, BF_LABEL, "");
		sp.product = (enum pickup_product)v[BF_TYPE].i;
		sp.name = v[BF_NAME].s;
		sp.line = v[BF_LINE].s;
		sp.cpu = (int)v[BF_CPU].i;
		sp.memory_gb = (int)v[BF_MEMORY].i;
		sp.disk_gb = (int)v[BF_DISK].i;
		sp.bandwidth_mbps = (int)v[BF_BANDWIDTH].i;
		sp.months = (int)v[BF_MONTHS].i;
		sp.price = v[BF_PRICE].i;
		sp.count = (int)v[BF_COUNT].i;
		sp.valid_to_ymd = form_int(&r->f, BF_VALID_TO, 0);
		sp.valid_months = (int)form_int(&r->f, BF_VALID_MONTHS, 0);
		sp.validity_by = validity_of(&r->f, BF_VALIDITY);
		s = batch_create(r->app->db, r->arena, &r->me, r->remote_addr, &sp,
		    &id, &bad);
	}
	if (s == KQ_INVALID_FIELD) {
		batch_page(r, 422, &r->f, s, bad);
		return;
	}
	reply_made(r, s, id, "batch_created",
	    arena_printf(r->arena, "/admin/pickup/batches/%lld", id));
}

/* One card of a batch's list (r: whether the viewer may change it). */
static void
show_card_row(struct req *r, struct view *c, const void *row)
{
	const struct card *card = row;

	view_set_int(c, "id", card->id);
	view_setf(c, "anchor", "card-%lld", card->id);
	show_card(c, "code", card->code);
	show_state(c, "status", opt_card_status, card->status);
	if (card->uin)
		view_set_int(c, "uin", card->uin);
	show_time(c, "time", card->used_at);
	if (card->order_id) {
		view_set_int(c, "order", card->order_id);
		view_setf(c, "order_href", "/admin/orders/%lld", card->order_id);
	}
	if (r->me.is_admin_role && card_can_disable(card->stored)) {
		view_set(c, "can_disable", "1");
		view_setf(c, "disable_href", "/admin/pickup/cards/%lld/disable",
		    card->id);
	}
	if (r->me.is_admin_role && card->stored == CARD_DISABLED) {
		view_set(c, "can_enable", "1");
		view_setf(c, "enable_href", "/admin/pickup/cards/%lld/enable",
		    card->id);
	}
}

static const struct csv_col card_csv[] = {
	{ "卡号", "code", CSV_TEXT }, { "状态", "status_text", CSV_TEXT },
	{ "提货 UIN", "uin", CSV_TEXT }, { "提货时间", "time", CSV_TIME },
	{ "订单", "order", CSV_TEXT }, { NULL, NULL, CSV_TEXT }
};

/* A batch's page, or (csv) all its cards as cards.csv. */
static void
batch_cards(struct req *r, int csv)
{
	struct pager pg = { .page = r->page, .after = r->after };
	struct export	 ex = { .req = NULL };
	struct batch	 b;
	struct card	*cards;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;
	int		 full = r->q.v[BQ_CODES].present;

	if ((s = batch_get(r->app->db, r->arena, r->id, &b)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (csv)
		export_begin(r, &ex, &pg, arena_printf(r->arena,
		    "pickup-batch-%lld-cards.csv", r->id), card_csv, show_card_row);
	s = cards_of_batch(r->app->db, r->arena, &r->me, r->remote_addr, full,
	    r->id, b.total, &pg, &cards, &n);
	if (export_answered(r, &ex, s))
		return;
	v = reply_view(r);
	show_batch(view_map(v, "batch"), &b);
	view_setf(v, "bulk_action", "/admin/pickup/batches/%lld/cards/disable",
	    b.id);
	if (full)
		view_set(v, "codes_full", "1");
	else if (r->me.is_admin_role)
		view_setf(v, "full_href", "/admin/pickup/batches/%lld?codes=full&page=%d%s",
		    r->id, pg.page, pg.after > 0 ? arena_printf(r->arena,
		    "&after=%lld", pg.after) : "");
	view_setf(v, "csv_href", "/admin/pickup/batches/%lld/cards.csv%s", r->id,
	    full ? "?codes=full" : "");
	l = view_list(v, "cards");
	for (i = 0; i < n; i++)
		show_card_row(r, vlist_add(l), &cards[i]);
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.pickup.batch", v);
}

void
h_batch(struct req *r)
{
	batch_cards(r, 0);
}

void
h_batch_cards_csv(struct req *r)
{
	batch_cards(r, 1);
}

void
h_batch_codes(struct req *r)
{
	export_codes(r, arena_printf(r->arena, "pickup-batch-%lld.txt", r->id),
	    batch_codes);
}

static void
set_batch_status(struct req *r, int enable)
{
	reply_done(r, batch_set_status(r->app->db, r->arena, &r->me, r->remote_addr,
	    r->id, enable), enable ? "batch_enabled" : "batch_disabled",
	    arena_printf(r->arena, "/admin/pickup/batches/%lld", r->id));
}

void
h_batch_disable(struct req *r)
{
	set_batch_status(r, 0);
}

void
h_batch_enable(struct req *r)
{
	set_batch_status(r, 1);
}

static void
set_card_status(struct req *r, int enable)
{
	long long	batch_id = 0;
	enum kq_outcome	s;

	s = card_disable(r->app->db, r->arena, &r->me, r->remote_addr, r->id,
	    enable, &batch_id);
	reply_done(r, s, enable ? "card_enabled" : "card_disabled",
	    arena_printf(r->arena, "/admin/pickup/batches/%lld", batch_id));
}

void
h_card_disable(struct req *r)
{
	set_card_status(r, 0);
}

void
h_card_enable(struct req *r)
{
	set_card_status(r, 1);
}

/* The newest batches as the batch filter's choices (issue 31: a picker,
 * not an id to remember): the batch list's first page. */
static enum kq_outcome
show_batch_choices(struct req *r, struct view *v)
{
	struct pager	 pg = { .page = 1 };
	struct batch	*rows;
	struct vlist	*l = view_list(v, "batch_choices");
	enum kq_outcome	 s;
	size_t		 i, n;

	if ((s = batch_list(r->app->db, r->arena, -1, -1, &pg, &rows, &n)) != KQ_OK)
		return s;
	for (i = 0; i < n; i++) {
		struct view *x = vlist_add(l);

		view_set_int(x, "id", rows[i].id);
		view_setf(x, "text", "#%lld %s%s%s", rows[i].id, rows[i].name,
		    *rows[i].label ? " · " : "", rows[i].label);
	}
	return KQ_OK;
}

/* The cards ticked on a batch's page (issue 31), disabled at once: first
 * a confirmation that lists them, then (confirm=1) the change. */
enum { CD_CARD, CD_CONFIRM, CD__MAX };
static const struct field cards_fields[CD__MAX] = {
	[CD_CARD] = { .name = "card", .type = FT_INT, .required = 1,
	  .repeated = 1, .min = 1, .max = 999999999999999999LL },
	[CD_CONFIRM] = { .name = "confirm", .type = FT_TEXT, .pattern = "1" },
};
const struct form_def cards_form = FORM_DEF(cards_fields);

void
h_cards_disable(struct req *r)
{
	const struct fvalue	*c = &r->f.v[CD_CARD];
	const char		*back = arena_printf(r->arena,
				    "/admin/pickup/batches/%lld", r->id);
	struct batch		 b;
	struct view		*v;
	struct vlist		*l;
	long long		*ids, changed;
	enum kq_outcome		 s = r->f_outcome;
	size_t			 i, n;

	if (s != KQ_OK || c->nlist > CARDS_DISABLE_MAX) {
		reply_fail_at(r, KQ_INVALID_FIELD, "card", NULL);
		return;
	}
	if ((ids = arena_alloc(r->arena, c->nlist * sizeof(*ids))) == NULL) {
		reply_fail(r, KQ_UNAVAILABLE);
		return;
	}
	for (i = 0; i < c->nlist; i++)
		ids[i] = strtoll(c->list[i], NULL, 10);
	n = c->nlist;
	cards_ids_unique(ids, &n);
	if (r->f.v[CD_CONFIRM].present) {
		s = cards_disable(r->app->db, r->arena, &r->me, r->remote_addr,
		    r->id, ids, n, &changed);
		if (s != KQ_OK) {
			reply_fail(r, s);
			return;
		}
		reply_flash_count(r, "cards_disabled", (int)changed);
		reply_redirect(r, back);
		return;
	}
	if ((s = batch_get(r->app->db, r->arena, r->id, &b)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	show_batch(view_map(v, "batch"), &b);
	view_set_int(v, "count", (long long)n);
	view_setf(v, "count_text", Ln("将禁用 %d 张提货卡:它们将不能提货;"
	    "已使用的卡不受影响。", (long long)n), (int)n);
	view_set(v, "back", back);
	view_setf(v, "action", "/admin/pickup/batches/%lld/cards/disable", r->id);
	l = view_list(v, "cards");
	for (i = 0; i < n; i++)
		view_set_int(vlist_add(l), "id", ids[i]);
	reply_page(r, 200, "admin.pickup.cards.disable", v);
}

/* A card's place is its batch's page, the page of the list it is on. */
void
h_card(struct req *r)
{
	long long	batch_id, after;
	int		pageno;
	enum kq_outcome	s;

	if ((s = card_place(r->app->db, r->id, &batch_id, &pageno, &after)) !=
	    KQ_OK)
		reply_fail(r, s);
	else
		reply_redirect(r, arena_printf(r->arena,
		    "/admin/pickup/batches/%lld?page=%d%s#card-%lld", batch_id,
		    pageno, after > 0 ? arena_printf(r->arena, "&after=%lld",
		    after) : "", r->id));
}

static void
show_usage_row(struct req *r, struct view *v, const void *row)
{
	(void)r;
	show_usage(v, row, "/admin/orders");
}

static const struct csv_col usage_csv[] = {
	{ "批次", "batch", CSV_TEXT }, { "卡号", "card", CSV_TEXT },
	{ "UIN", "uin", CSV_TEXT }, { "类型", "type_text", CSV_TEXT },
	{ "名称", "name", CSV_TEXT }, { "提货时间", "time", CSV_TIME },
	{ "订单", "order", CSV_TEXT }, { "批次备注", "batch_label", CSV_TEXT },
	{ NULL, NULL, CSV_TEXT }
};

/* The usage records, or (csv) all that match as usage.csv. */
static void
usage_page(struct req *r, int csv)
{
	struct usage_filter uf = { 0 };
	struct pager pg = { .page = r->page, .after = r->after };
	struct export	 ex = { .req = NULL };
	struct usage	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	uf.batch_id = form_int(&r->q, UQ_BATCH, 0);
	uf.uin = form_int(&r->q, UQ_UIN, 0);
	uf.from_ymd = form_int(&r->q, UQ_FROM, 0);
	uf.to_ymd = form_int(&r->q, UQ_TO, 0);
	if (csv)
		export_begin(r, &ex, &pg, "pickup-usage.csv", usage_csv,
		    show_usage_row);
	s = usage_list(r->app->db, r->arena, &uf, &pg, &rows, &n);
	if (export_answered(r, &ex, s))
		return;
	v = reply_view(r);
	flash_reshow(v, &r->q, KQ_OK, NULL);
	l = view_list(v, "usage");
	for (i = 0; i < n; i++)
		show_usage_row(r, vlist_add(l), &rows[i]);
	view_set(v, "csv_href", query_href(r, "/admin/pickup/usage.csv"));
	if ((s = show_batch_choices(r, v)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	show_date_presets(r, v, params_get(&r->query, "from"),
	    params_get(&r->query, "to"));
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.pickup.usage", v);
}

void
h_usage(struct req *r)
{
	usage_page(r, 0);
}

void
h_usage_csv(struct req *r)
{
	usage_page(r, 1);
}
