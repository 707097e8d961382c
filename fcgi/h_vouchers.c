/*
 * h_vouchers.c - the member's vouchers: My Vouchers with status tabs, one
 * voucher with its ledger (收支明细) and ledger.csv, redeeming a code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "codes.h"
#include "present.h"
#include "routes.h"
#include "voucher.h"

static const struct field list_fields[] = {
	{ .name = "status", .type = FT_TEXT,
	  .pattern = "available|frozen|used|expired|all" },
	{ .name = "expires", .type = FT_DATE },
	{ .name = "page", .type = FT_INT, .min = 1, .max = 1000000 },
};

static const struct field code_fields[] = {
	{ .name = "code", .type = FT_VCODE, .required = 1 },
};

/* "全部通用产品" / "仅限 云服务器、Redis" / "通用产品,不含 域名注册" */
static const char *
scope_words(struct arena *a, const struct voucher *v)
{
	if (strcmp(v->scope, "include") == 0)
		return arena_printf(a, "仅限 %s", v->product_names);
	if (strcmp(v->scope, "exclude") == 0)
		return arena_printf(a, "通用产品,不含 %s", v->product_names);
	return "全部通用产品";
}

void
show_voucher(struct arena *a, struct view *x, const struct voucher *v)
{
	char shown[VCODE_LEN + 3];

	view_set_int(x, "id", v->id);
	view_setf(x, "href", "/user/vouchers/%lld", v->id);
	view_set(x, "name", v->name);
	show_money(x, "face", v->face);
	show_money(x, "balance", v->balance);
	view_set(x, "status", v->status);
	view_set(x, "status_text", status_name(v->status));
	show_date(x, "valid_from", v->valid_from);
	show_date(x, "valid_to", v->valid_to);
	view_set(x, "scope", v->scope);
	view_set(x, "scope_text", scope_words(a, v));
	view_set(x, "mode", v->balance_mode);
	view_set(x, "mode_text", strcmp(v->balance_mode, "carry_over") == 0 ?
	    "余额可多次使用" : "单次使用,余额不退");
	if (v->uin)
		view_set_int(x, "uin", v->uin);
	if (v->order_id)
		view_set_int(x, "order", v->order_id);
	if (v->code != NULL) {
		vcode_display(v->code, shown);
		view_set(x, "code", arena_strdup(a, shown));
	}
	if (v->deduct)
		show_money(x, "deduct", v->deduct);
}

void
h_vouchers(struct req *r)
{
	static const char *tabs[] = { "available", "frozen", "used", "expired", "all" };
	static const char *tab_text[] = { "可用", "已冻结", "已使用", "已过期", "全部" };
	struct vfilter	 f = { 0 };
	struct page_info pg = { 0 };
	struct voucher	*rows;
	struct form	 form;
	struct view	*v, *t;
	struct vlist	*l;
	enum kq_status	 s;
	size_t		 n, i;

	if ((s = form_parse(r->arena, list_fields, 3, &r->query, &form)) != KQ_OK) {
		fail(r, s);
		return;
	}
	f.uin = r->me.uin;
	f.status = form_str(&form, "status", "available");
	if (form_get(&form, "expires")->present)
		f.valid_before = clock_end_of_day(form_get(&form, "expires")->i);
	pg.page = query_page(r);
	if ((s = voucher_list(r->app->db, r->arena, &f, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	l = view_list(v, "tabs");
	for (i = 0; i < 5; i++) {
		t = vlist_add(l);
		view_set(t, "text", tab_text[i]);
		view_setf(t, "href", "/user/vouchers?status=%s", tabs[i]);
		if (strcmp(f.status, tabs[i]) == 0)
			view_set(t, "current", "page");
	}
	view_set(v, "status", f.status);
	view_set(v, "expires", form_get(&form, "expires")->raw);
	l = view_list(v, "vouchers");
	for (i = 0; i < n; i++)
		show_voucher(r->arena, vlist_add(l), &rows[i]);
	show_pager(r, v, "/user/vouchers", &pg);
	page(r, 200, "user.vouchers", v);
}

static const char *
ledger_kind(const char *k)
{
	static const struct { const char *k, *t; } kinds[] = {
		{ "issue", "发放" }, { "activate", "兑换" }, { "freeze", "冻结" },
		{ "release", "解冻" }, { "deduct", "抵扣" }, { "forfeit", "余额作废" },
		{ "expire", "过期" }, { "invalidate", "作废" },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].k, k) == 0)
			return kinds[i].t;
	return k;
}

void
h_voucher(struct req *r)
{
	struct voucher	 vo;
	struct ledger_row *rows;
	struct view	*v, *x;
	struct vlist	*l;
	enum kq_status	 s;
	size_t		 n, i;

	if ((s = voucher_get(r->app->db, r->arena, r->me.uin, r->id, &vo)) != KQ_OK ||
	    (s = voucher_ledger(r->app->db, r->arena, r->id, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	show_voucher(r->arena, view_map(v, "voucher"), &vo);
	l = view_list(v, "ledger");
	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "id", rows[i].id);
		show_time(x, "time", rows[i].time);
		view_set(x, "kind", rows[i].kind);
		view_set(x, "kind_text", ledger_kind(rows[i].kind));
		if (rows[i].order_id) {
			view_set_int(x, "order", rows[i].order_id);
			view_setf(x, "order_href", "/user/orders/%lld", rows[i].order_id);
		}
		show_money(x, "amount", rows[i].amount);
		show_money(x, "balance", rows[i].balance);
	}
	view_setf(v, "csv_href", "/user/vouchers/%lld/ledger.csv", r->id);
	page(r, 200, "user.voucher", v);
}

/* One CSV cell: quoted, quotes doubled, and a leading = + - @ or tab
 * neutralised with a ' so a spreadsheet never runs it (SPEC §7). */
static void
csv_cell(FCGX_Stream *out, const char *s, int last)
{
	FCGX_PutChar('"', out);
	if (strchr("=+-@\t", *s) != NULL && *s != '\0')
		FCGX_PutChar('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			FCGX_PutChar('"', out);
		FCGX_PutChar(*s, out);
	}
	FCGX_PutS(last ? "\"\r\n" : "\",", out);
}

void
h_voucher_csv(struct req *r)
{
	struct voucher	 vo;
	struct ledger_row *rows;
	enum kq_status	 s;
	size_t		 n, i;
	char		 t[CLOCK_BUFSZ], amount[32], balance[32], order[24];
	FCGX_Stream	*out = r->fcgx->out;

	if ((s = voucher_get(r->app->db, r->arena, r->me.uin, r->id, &vo)) != KQ_OK ||
	    (s = voucher_ledger(r->app->db, r->arena, r->id, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	header_add(r, arena_printf(r->arena, "Content-Disposition: attachment;"
	    " filename=\"voucher-%lld-ledger.csv\"", r->id));
	send_headers(r, 200, "text/csv; charset=utf-8");
	FCGX_PutS("\xef\xbb\xbf", out);	/* BOM: spreadsheets read UTF-8 */
	FCGX_PutS("\"时间(UTC)\",\"类型\",\"订单\",\"金额(元)\",\"余额(元)\"\r\n", out);
	for (i = 0; i < n; i++) {
		clock_iso(rows[i].time, t, sizeof(t));
		snprintf(amount, sizeof(amount), "%s%lld.%02lld",
		    rows[i].amount < 0 ? "-" : "", llabs(rows[i].amount) / 100,
		    llabs(rows[i].amount) % 100);
		snprintf(balance, sizeof(balance), "%lld.%02lld",
		    rows[i].balance / 100, rows[i].balance % 100);
		snprintf(order, sizeof(order), "%lld", rows[i].order_id);
		csv_cell(out, t, 0);
		csv_cell(out, ledger_kind(rows[i].kind), 0);
		csv_cell(out, rows[i].order_id ? order : "", 0);
		csv_cell(out, amount, 0);
		csv_cell(out, balance, 1);
	}
}

static void
redeem_page(struct req *r, int status, const char *typed, enum kq_status err)
{
	struct view *v = page_view(r);

	if (typed != NULL)
		view_set(v, "code", typed);
	if (err != KQ_OK)
		flash_now(v, err, NULL);
	page(r, status, "user.redeem", v);
}

void
h_redeem_form(struct req *r)
{
	redeem_page(r, 200, NULL, KQ_OK);
}

void
h_redeem_verify(struct req *r)
{
	struct voucher	 vo;
	struct form	 f;
	struct view	*v;
	enum kq_status	 s;

	s = form_parse(r->arena, code_fields, 1, &r->body, &f);
	if (s == KQ_OK)
		s = redeem_lookup(r->app->db, r->arena, r->me.uin, r->remote_addr,
		    form_get(&f, "code")->s, &vo);
	if (s == KQ_UNAVAILABLE) {
		fail(r, s);
		return;
	}
	if (s != KQ_OK) {
		redeem_page(r, kq_http_status(s), form_get(&f, "code")->raw, s);
		return;
	}
	v = page_view(r);
	show_voucher(r->arena, view_map(v, "voucher"), &vo);
	page(r, 200, "user.redeem.verify", v);
}

void
h_redeem_confirm(struct req *r)
{
	struct form	f;
	enum kq_status	s;
	long long	id;

	s = form_parse(r->arena, code_fields, 1, &r->body, &f);
	if (s == KQ_OK)
		s = redeem_confirm(r->app->db, r->arena, &r->me, r->remote_addr,
		    form_get(&f, "code")->s, &id);
	if (s == KQ_UNAVAILABLE) {
		fail(r, s);
		return;
	}
	if (s != KQ_OK) {
		redeem_page(r, kq_http_status(s), form_get(&f, "code")->raw, s);
		return;
	}
	flash_set(r, "ok", "redeemed");
	redirect(r, arena_printf(r->arena, "/user/vouchers/%lld", id));
}
