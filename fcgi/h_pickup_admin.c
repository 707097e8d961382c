/*
 * h_pickup_admin.c - the finance backend's pickup cards: batch list, create
 * form, batch details with its cards, codes.txt, disable/enable, usage
 * records (seed 004).
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "codes.h"
#include "pickup.h"
#include "present.h"
#include "routes.h"

#define PRODUCT_PATTERN	"cvm|vhost|baremetal"

static const struct field list_fields[] = {
	{ .name = "type", .type = FT_TEXT, .pattern = PRODUCT_PATTERN },
	{ .name = "status", .type = FT_TEXT, .pattern = "normal|disabled|expired" },
	{ .name = "page", .type = FT_INT, .min = 1, .max = 1000000 },
};

static const struct field batch_fields[] = {
	{ .name = "label", .type = FT_TEXT, .maxlen = 100 },
	{ .name = "type", .type = FT_TEXT, .required = 1, .pattern = PRODUCT_PATTERN },
	{ .name = "name", .type = FT_TEXT, .required = 1, .maxlen = 100 },
	{ .name = "line", .type = FT_TEXT, .required = 1, .pattern = "[a-z0-9_]{1,32}" },
	{ .name = "cpu", .type = FT_INT, .required = 1, .min = 1, .max = 512 },
	{ .name = "memory_gb", .type = FT_INT, .required = 1, .min = 1, .max = 8192 },
	{ .name = "disk_gb", .type = FT_INT, .required = 1, .min = 1, .max = 1000000 },
	{ .name = "bandwidth_mbps", .type = FT_INT, .required = 1, .min = 1, .max = 100000 },
	{ .name = "months", .type = FT_INT, .required = 1, .min = 1, .max = 120 },
	{ .name = "price", .type = FT_MONEY, .required = 1 },
	{ .name = "count", .type = FT_INT, .required = 1, .min = 1, .max = BATCH_MAX },
	{ .name = "valid_to", .type = FT_DATE },
	{ .name = "valid_months", .type = FT_INT, .min = 1, .max = 120 },
};
#define NBATCH (sizeof(batch_fields) / sizeof(batch_fields[0]))

static const struct field usage_fields[] = {
	{ .name = "batch", .type = FT_INT, .min = 1, .max = 999999999999LL },
	{ .name = "uin", .type = FT_INT, .min = 1, .max = 999999999999LL },
	{ .name = "from", .type = FT_DATE },
	{ .name = "to", .type = FT_DATE },
	{ .name = "page", .type = FT_INT, .min = 1, .max = 1000000 },
};

static const char *products[] = { "cvm", "vhost", "baremetal", NULL };

/* Options for a <select>: value, text and "selected" on the chosen one. */
static void
show_options(struct view *v, const char *key, const char **values,
    const char **texts, size_t n, const char *chosen)
{
	struct vlist	*l = view_list(v, key);
	struct view	*o;
	size_t		 i;

	for (i = 0; i < n; i++) {
		o = vlist_add(l);
		view_set(o, "value", values[i]);
		view_set(o, "text", texts ? texts[i] : product_name(values[i]));
		if (chosen != NULL && strcmp(chosen, values[i]) == 0)
			view_set(o, "selected", "selected");
	}
}

static const char *
batch_state(const struct batch *b)
{
	if (strcmp(b->status, "disabled") == 0)
		return "disabled";
	return b->expired ? "expired" : "normal";
}

static void
show_batch(struct view *v, const struct batch *b)
{
	char date[CLOCK_BUFSZ];

	view_set_int(v, "id", b->id);
	view_set(v, "label", b->label);
	view_set(v, "type", b->product);
	view_set(v, "type_text", product_name(b->product));
	view_set(v, "name", b->name);
	view_set(v, "line", b->line);
	view_set(v, "line_name", b->line_name);
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
		view_setf(v, "validity", "%d 个月(至 %s)", b->valid_months, date);
	else
		view_set(v, "validity", arena_strdup(v->arena, date));
	view_set(v, "status", batch_state(b));
	view_set(v, "status_text", status_name(batch_state(b)));
	if (strcmp(b->status, "disabled") == 0)
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
	struct form	 f;
	struct page_info pg = { 0 };
	struct batch	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_status	 s;
	size_t		 n, i;
	const char	*type, *status;

	if ((s = form_parse(r->arena, list_fields, 3, &r->query, &f)) != KQ_OK) {
		fail(r, s);
		return;
	}
	type = form_str(&f, "type", "");
	status = form_str(&f, "status", "");
	pg.page = query_page(r);
	if ((s = batch_list(r->app->db, r->arena, type, status, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	show_options(v, "types", products, NULL, 3, type);
	{
		static const char *st[] = { "normal", "disabled", "expired" };
		static const char *stt[] = { "正常", "已禁用", "已过期" };
		show_options(v, "statuses", st, stt, 3, status);
	}
	l = view_list(v, "batches");
	for (i = 0; i < n; i++)
		show_batch(vlist_add(l), &rows[i]);
	show_pager(r, v, "/admin/pickup/batches", &pg);
	if (r->me.is_admin_role)
		view_set(v, "can_write", "1");
	page(r, 200, "admin.pickup.batches", v);
}

static void
batch_form(struct req *r, int status, const struct form *f, enum kq_status err)
{
	struct view	*v = page_view(r), *fv = view_map(v, "f");
	const char	**codes, **names;
	size_t		 n, i;
	enum kq_status	 s;

	if ((s = lines_list(r->app->db, r->arena, &codes, &names, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	if (f != NULL) {
		for (i = 0; i < NBATCH; i++)
			view_set(fv, batch_fields[i].name, f->v[i].raw);
		if (err != KQ_OK)
			flash_now(v, err, f->bad);
	} else {
		view_set(fv, "cpu", "2");
		view_set(fv, "memory_gb", "4");
		view_set(fv, "disk_gb", "50");
		view_set(fv, "bandwidth_mbps", "5");
		view_set(fv, "months", "1");
		view_set(fv, "count", "100");
		view_set(fv, "valid_months", "12");
	}
	show_options(v, "types", products, NULL, 3,
	    f ? form_get(f, "type")->raw : "cvm");
	show_options(v, "lines", codes, names, n, f ? form_get(f, "line")->raw : NULL);
	page(r, status, "admin.pickup.batch.new", v);
}

void
h_batch_new(struct req *r)
{
	batch_form(r, 200, NULL, KQ_OK);
}

void
h_batch_create(struct req *r)
{
	struct batch_spec sp;
	struct form	 f;
	enum kq_status	 s;
	const char	*bad = NULL;
	long long	 id;
	char		 loc[64];

	s = form_parse(r->arena, batch_fields, NBATCH, &r->body, &f);
	if (s == KQ_OK && !form_get(&f, "valid_to")->present &&
	    !form_get(&f, "valid_months")->present) {
		s = KQ_INVALID_FIELD;
		f.bad = "valid_to";
	}
	if (s != KQ_OK) {
		batch_form(r, kq_http_status(s), &f, s);
		return;
	}
	memset(&sp, 0, sizeof(sp));
	sp.label = form_str(&f, "label", "");
	sp.product = form_get(&f, "type")->s;
	sp.name = form_get(&f, "name")->s;
	sp.line = form_get(&f, "line")->s;
	sp.cpu = (int)form_get(&f, "cpu")->i;
	sp.memory_gb = (int)form_get(&f, "memory_gb")->i;
	sp.disk_gb = (int)form_get(&f, "disk_gb")->i;
	sp.bandwidth_mbps = (int)form_get(&f, "bandwidth_mbps")->i;
	sp.months = (int)form_get(&f, "months")->i;
	sp.price = form_get(&f, "price")->i;
	sp.count = (int)form_get(&f, "count")->i;
	/* a date means the end of that day in display_tz (SPEC §2) */
	if (form_get(&f, "valid_to")->present)
		sp.valid_to = clock_end_of_day(form_get(&f, "valid_to")->i);
	else {
		sp.valid_months = (int)form_get(&f, "valid_months")->i;
		sp.valid_to = clock_add_months(time(NULL), sp.valid_months);
	}
	s = batch_create(r->app->db, &r->me, r->remote_addr, &sp, &id, &bad);
	if (s == KQ_INVALID_FIELD) {
		f.bad = bad;
		batch_form(r, 422, &f, s);
		return;
	}
	if (s != KQ_OK) {
		fail(r, s);
		return;
	}
	flash_set(r, "ok", "batch_created");
	snprintf(loc, sizeof(loc), "/admin/pickup/batches/%lld", id);
	redirect(r, loc);
}

void
h_batch(struct req *r)
{
	struct page_info pg = { 0 };
	struct batch	 b;
	struct card	*cards;
	struct view	*v, *c;
	struct vlist	*l;
	enum kq_status	 s;
	size_t		 n, i;

	pg.page = query_page(r);
	if ((s = batch_get(r->app->db, r->arena, r->id, &b)) != KQ_OK ||
	    (s = batch_cards(r->app->db, r->arena, r->id, &pg, &cards, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	show_batch(view_map(v, "batch"), &b);
	l = view_list(v, "cards");
	for (i = 0; i < n; i++) {
		c = vlist_add(l);
		view_set_int(c, "id", cards[i].id);
		show_card(c, "code", cards[i].code);
		view_set(c, "status", cards[i].status);
		view_set(c, "status_text", status_name(cards[i].status));
		if (cards[i].uin)
			view_set_int(c, "uin", cards[i].uin);
		show_time(c, "time", cards[i].used_at);
		if (cards[i].order_id) {
			view_set_int(c, "order", cards[i].order_id);
			view_setf(c, "order_href", "/admin/orders/%lld", cards[i].order_id);
		}
		if (r->me.is_admin_role && strcmp(cards[i].status, "unused") == 0) {
			view_set(c, "can_disable", "1");
			view_setf(c, "disable_href", "/admin/pickup/cards/%lld/disable",
			    cards[i].id);
		}
	}
	show_pager(r, v, arena_printf(r->arena, "/admin/pickup/batches/%lld", r->id), &pg);
	if (r->me.is_admin_role)
		view_set(v, "can_write", "1");
	page(r, 200, "admin.pickup.batch", v);
}

void
h_batch_codes(struct req *r)
{
	struct attachment at = { r, arena_printf(r->arena,
	    "pickup-batch-%lld.txt", r->id) };
	enum kq_status	 s;

	s = batch_codes(r->app->db, &r->me, r->remote_addr, r->id,
	    attachment_line, &at);
	if (s != KQ_OK && !r->sent)
		fail(r, s);
}

static void
set_batch_status(struct req *r, int enable)
{
	enum kq_status s = batch_set_status(r->app->db, &r->me, r->remote_addr,
	    r->id, enable);

	if (s != KQ_OK) {
		fail(r, s);
		return;
	}
	flash_set(r, "ok", enable ? "batch_enabled" : "batch_disabled");
	redirect(r, arena_printf(r->arena, "/admin/pickup/batches/%lld", r->id));
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

void
h_card_disable(struct req *r)
{
	long long	batch_id;
	enum kq_status	s;

	s = card_disable(r->app->db, &r->me, r->remote_addr, r->id, &batch_id);
	if (s != KQ_OK) {
		fail(r, s);
		return;
	}
	flash_set(r, "ok", "card_disabled");
	redirect(r, arena_printf(r->arena, "/admin/pickup/batches/%lld", batch_id));
}

void
h_usage(struct req *r)
{
	struct usage_filter uf = { 0 };
	struct page_info pg = { 0 };
	struct usage	*rows;
	struct form	 f;
	struct view	*v, *fv;
	struct vlist	*l;
	enum kq_status	 s;
	size_t		 n, i;

	if ((s = form_parse(r->arena, usage_fields, 5, &r->query, &f)) != KQ_OK) {
		fail(r, s);
		return;
	}
	uf.batch_id = form_int(&f, "batch", 0);
	uf.uin = form_int(&f, "uin", 0);
	/* from: the start of that day; to: its end, both in display_tz */
	if (form_get(&f, "from")->present)
		uf.from = clock_end_of_day(form_get(&f, "from")->i) - 86399;
	if (form_get(&f, "to")->present)
		uf.to = clock_end_of_day(form_get(&f, "to")->i);
	pg.page = query_page(r);
	if ((s = usage_list(r->app->db, r->arena, &uf, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	fv = view_map(v, "f");
	for (i = 0; i < 4; i++)
		view_set(fv, usage_fields[i].name, f.v[i].raw);
	l = view_list(v, "usage");
	for (i = 0; i < n; i++)
		show_usage(vlist_add(l), &rows[i], "/admin/orders");
	show_pager(r, v, "/admin/pickup/usage", &pg);
	page(r, 200, "admin.pickup.usage", v);
}
