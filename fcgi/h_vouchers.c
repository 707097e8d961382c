/*
 * h_vouchers.c - the member's vouchers: My Vouchers with status tabs, one
 * voucher with its ledger (收支明细) and ledger.csv, redeeming a code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/codes.h"
#include "export.h"
#include "flash.h"
#include "handlers.h"
#include "present.h"
#include "record.h"
#include "reply.h"
#include "voucher.h"
#include "voucher_redeem.h"

enum { VQ_STATUS, VQ_EXPIRES, VQ_PAGE, VQ__MAX };
static const struct field vouchers_fields[VQ__MAX] = {
	[VQ_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_my_voucher_tab },
	[VQ_EXPIRES] = { .name = "expires", .type = FT_DATE },
	[VQ_PAGE] = PAGE_FIELD,
};
const struct form_def vouchers_query = FORM_DEF(vouchers_fields);

enum { CF_CODE, CODE__MAX };
static const struct field code_fields[CODE__MAX] = {
	[CF_CODE] = { .name = "code", .type = FT_VCODE, .required = 1 },
};
const struct form_def code_form = FORM_DEF(code_fields);

void
h_vouchers(struct req *r)
{
	struct vfilter	 f = { 0 };
	struct pager pg = { .page = r->page, .after = r->after };
	struct voucher	*rows;
	struct view	*v, *t;
	struct vlist	*l;
	enum kq_outcome	 s;
	const char	*tab = form_str(&r->q, VQ_STATUS, "available");
	size_t		 n, i;

	f.uin = r->me.uin;
	f.status = state_index(voucher_status_names, tab);	/* all: -1 */
	f.expires_ymd = form_int(&r->q, VQ_EXPIRES, 0);
	if ((s = voucher_list_mine(r->app->db, r->arena, &f, &pg, &rows,
	    &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	l = view_list(v, "tabs");
	for (i = 0; opt_my_voucher_tab[i].value != NULL; i++) {
		t = vlist_add(l);
		view_set(t, "text", L(opt_my_voucher_tab[i].text));
		view_setf(t, "href", "/user/vouchers?status=%s",
		    opt_my_voucher_tab[i].value);
		if (strcmp(tab, opt_my_voucher_tab[i].value) == 0)
			view_set(t, "current", "page");
	}
	view_set(v, "status", tab);
	view_set(v, "expires", r->q.v[VQ_EXPIRES].raw);
	l = view_list(v, "vouchers");
	for (i = 0; i < n; i++)
		show_voucher(r->arena, vlist_add(l), &rows[i]);
	show_pager(r, v, &pg);
	reply_page(r, 200, "user.vouchers", v);
}

/* The voucher of this account (the backend: any) and its ledger. */
static enum kq_outcome
voucher_and_ledger(struct req *r, struct voucher *vo, struct ledger_row **rows,
    size_t *n)
{
	enum kq_outcome s;

	if ((s = voucher_get(r->app->db, r->arena,
	    r->me.kind == P_MEMBER ? r->me.uin : 0, r->id, vo)) != KQ_OK)
		return s;
	return voucher_ledger(r->app->db, r->arena, r->id, rows, n);
}

static void
voucher_page(struct req *r, const char *order_base, const char *name)
{
	struct voucher	 vo;
	struct ledger_row *rows;
	struct view	*v, *x;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = voucher_and_ledger(r, &vo, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	x = view_map(v, "voucher");
	show_voucher(r->arena, x, &vo);
	show_voucher_terms(r->arena, x, &vo);
	if (r->me.kind != P_MEMBER)
		show_voucher_admin(x, &vo);
	l = view_list(v, "ledger");
	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "id", rows[i].id);
		show_time(x, "time", rows[i].time);
		show_state(x, "kind", opt_ledger_kind, rows[i].kind);
		if (rows[i].order_id) {
			view_set_int(x, "order", rows[i].order_id);
			view_setf(x, "order_href", "%s/%lld", order_base,
			    rows[i].order_id);
		}
		show_money(x, "amount", rows[i].amount);
		show_money(x, "balance", rows[i].balance);
	}
	view_setf(v, "csv_href", "%s/%lld/ledger.csv", r->me.kind == P_MEMBER ?
	    "/user/vouchers" : "/admin/vouchers", r->id);
	if (voucher_can_invalidate(vo.status))
		view_setf(v, "invalidate_href", "/admin/vouchers/%lld/invalidate",
		    r->id);
	reply_page(r, 200, name, v);
}

void
h_voucher(struct req *r)
{
	voucher_page(r, "/user/orders", "user.voucher");
}

void
h_admin_voucher(struct req *r)
{
	voucher_page(r, "/admin/orders", "admin.voucher");
}

void
h_voucher_csv(struct req *r)
{
	struct voucher	 vo;
	struct ledger_row *rows;
	enum kq_outcome	 s;
	size_t		 n;

	if ((s = voucher_and_ledger(r, &vo, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	export_ledger(r, arena_printf(r->arena, "voucher-%lld-ledger.csv", r->id),
	    rows, n, 0);
}

static void
redeem_page(struct req *r, int status, const char *typed, enum kq_outcome err)
{
	struct view *v = reply_view(r);

	if (typed != NULL)
		view_set(v, "code", typed);
	if (err != KQ_OK)
		flash_code(v, err, "code", typed);
	reply_page(r, status, "user.redeem", v);
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
	struct view	*v, *x;
	char		 typed[VCODE_LEN + 3];
	enum kq_outcome	 s = r->f_outcome;

	if (s == KQ_OK)
		s = redeem_lookup(r->app->db, r->arena, r->me.uin, r->remote_addr,
		    r->f.v[CF_CODE].s, &vo);
	if (s == KQ_UNAVAILABLE) {
		reply_fail(r, s);
		return;
	}
	if (s != KQ_OK) {
		redeem_page(r, kq_http_status(s), r->f.v[CF_CODE].raw, s);
		return;
	}
	v = reply_view(r);
	show_voucher(r->arena, x = view_map(v, "voucher"), &vo);
	/* the code as typed: the member's own, for the confirmation */
	vcode_display(r->f.v[CF_CODE].s, typed);
	view_set(x, "code", arena_strdup(r->arena, typed));
	reply_page(r, 200, "user.redeem.verify", v);
}

void
h_redeem_confirm(struct req *r)
{
	enum kq_outcome	s = r->f_outcome;
	long long	id;

	if (s == KQ_OK)
		s = redeem_confirm(r->app->db, r->arena, &r->me, r->remote_addr,
		    r->f.v[CF_CODE].s, &id);
	if (s == KQ_UNAVAILABLE)
		reply_fail(r, s);
	else if (s != KQ_OK)
		redeem_page(r, kq_http_status(s), r->f.v[CF_CODE].raw, s);
	else
		reply_done(r, s, "redeemed", arena_printf(r->arena, "/user/vouchers/%lld", id));
}
