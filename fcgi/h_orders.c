/*
 * h_orders.c - the member's orders: list, one order with its candidates,
 * confirm, pay the cash due, cancel, ask for a refund; the backend's
 * orders: list, one order, refund or reject a request (SPEC §5).
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "export.h"
#include "flash.h"
#include "handlers.h"
#include "base/i18n.h"
#include "order.h"
#include "present.h"
#include "record.h"
#include "reply.h"

enum { CF_VOUCHER, CF_COUPON, CF_PROMO, CF__MAX };
static const struct field confirm_fields[CF__MAX] = {
	[CF_VOUCHER] = { .name = "voucher", .type = FT_INT, .min = 1,
	  .max = 999999999999LL },
	[CF_COUPON] = { .name = "coupon", .type = FT_INT, .min = 1,
	  .max = 999999999999LL },
	[CF_PROMO] = { .name = "promo_code", .type = FT_TEXT, .maxlen = 40 },
};
const struct form_def confirm_form = FORM_DEF(confirm_fields);

/* a promo code previewed (SPEC §10) */
enum { OQ_PROMO, OQ_REFRESH, OQ__MAX };
static const struct field order_query_fields[OQ__MAX] = {
	[OQ_PROMO] = { .name = "promo_code", .type = FT_TEXT, .maxlen = 40 },
	[OQ_REFRESH] = { .name = "refresh", .type = FT_INT, .min = 0, .max = 1 },
};
const struct form_def order_query = FORM_DEF(order_query_fields);

/* The member's reason (required) or finance's note (optional: a refund
 * nobody asked for may say why; a rejection needs one, reject_form). */
enum { RR_REASON, RR__MAX };
static const struct field refund_fields[RR__MAX] = {
	[RR_REASON] = { .name = "reason", .type = FT_TEXT, .required = 1,
	  .multiline = 1,
	  .maxlen = 200 },
};
const struct form_def refund_form = FORM_DEF(refund_fields);
static const struct field note_fields[RR__MAX] = {
	[RR_REASON] = { .name = "reason", .type = FT_TEXT, .maxlen = 200,
	  .multiline = 1 },
};
const struct form_def note_form = FORM_DEF(note_fields);

enum { AO_UIN, AO_STATUS, AO_REFUND, AO_FROM, AO_TO, AO_PAGE, AO__MAX };
static const struct field admin_orders_fields[AO__MAX] = {
	[AO_UIN] = { .name = "uin", .type = FT_INT, .min = 1, .max = UIN_MAX },
	[AO_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_order_status },
	[AO_REFUND] = { .name = "refund", .type = FT_OPTION,
	  .options = opt_refund_state },
	[AO_FROM] = { .name = "from", .type = FT_DATE },
	[AO_TO] = { .name = "to", .type = FT_DATE },
	[AO_PAGE] = PAGE_FIELD,
};
const struct form_def admin_orders_query = FORM_DEF(admin_orders_fields);

void
h_orders(struct req *r)
{
	struct pager pg = { .page = r->page, .after = r->after };
	struct order	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = order_list(r->app->db, r->arena, r->me.uin, &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	l = view_list(v, "orders");
	for (i = 0; i < n; i++)
		show_order(vlist_add(l), &rows[i]);
	show_pager(r, v, &pg);
	reply_page(r, 200, "user.orders", v);
}

/* What a discount takes off, in words: an amount, or a percentage. */
static void
show_off(struct view *x, const struct campaign *c)
{
	show_money(x, "off", c->off);
	if (c->discount == DT_PERCENT)
		view_setf(x, "terms", L("减 %d%%"), c->percent_off);
}

/* The account's coupons for the order (SPEC §10): the fitting ones, the
 * first recommended and chosen unless a promo code is; the others with
 * why.  Returns what the chosen one takes off. */
static long long
show_coupons(struct view *v, const struct coupon *k, size_t n, int promo)
{
	struct vlist	*l = view_list(v, "coupons");
	struct view	*x;
	long long	 off = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "id", k[i].id);
		view_set(x, "name", k[i].c.name);
		view_setf(x, "radio_id", "coupon-%lld", k[i].id);
		show_date(x, "valid_to", k[i].valid_to);
		if (k[i].c.unfit != DU_FITS) {
			show_state(x, "reason", opt_discount_unfit, k[i].c.unfit);
			continue;
		}
		view_set(x, "fits", "1");
		show_off(x, &k[i].c);
		if (i == 0) {	/* the most off, then the earliest expiry */
			view_set(x, "recommended", "recommended");
			if (!promo) {
				view_set(x, "checked", "checked");
				off = k[i].c.off;
			}
		}
	}
	if (off == 0)
		view_set(v, "no_coupon_checked", "checked");
	return off;
}

/* The promo code previewed: what it takes off, or why not; *off gets it. */
static enum kq_outcome
show_promo(struct req *r, struct view *v, const struct order *o,
    const char *typed, long long *off)
{
	struct campaign	 c;
	struct view	*x = view_map(v, "promo");
	enum kq_outcome	 s;

	view_set(x, "typed", typed);
	s = order_promo_preview(r->app->db, r->arena, o, typed, r->remote_addr, &c);
	if (s != KQ_OK) {
		flash_now(v, s, "promo_code");
		mark_field(v->arena, v, "promo_code", L(kq_message(s)));
		return s;
	}
	view_set(x, "code", c.code);
	view_set(x, "name", c.name);
	if (c.unfit != DU_FITS) {
		show_state(x, "reason", opt_discount_unfit, c.unfit);
		mark_field(v->arena, v, "promo_code",
		    L(option_text(opt_discount_unfit, c.unfit)));
		return KQ_OK;
	}
	view_set(x, "fits", "1");
	show_off(x, &c);
	*off = c.off;
	return KQ_OK;
}

void
h_order(struct req *r)
{
	struct order	 o;
	struct voucher	*c, *u;
	struct coupon	*k;
	struct vlist	*l;
	struct view	*v, *x;
	enum kq_outcome	 s, ps = KQ_OK;
	const char	*typed = form_str(&r->q, OQ_PROMO, "");
	long long	 off = 0;
	size_t		 n, nu, nk, i;

	if ((s = order_get(r->app->db, r->arena, r->me.uin, r->id, &o)) != KQ_OK ||
	    (s = order_coupons(r->app->db, r->arena, &o, &k, &nk)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	show_order(x = view_map(v, "order"), &o);
	/* cash is paid at the checkout, or, in a demo, by the stand-in */
	if ((order_actions(o.status) & OA_PAY) && o.cash > 0)
		view_set(x, r->app->cfg->demo_payments ? "demo_payment" :
		    "pay_at_checkout", "1");
	/* a server being set up: the page looks again by itself (issue 31),
	 * unless the member stops it (WCAG 2.2.1: a timed refresh the user
	 * can turn off) */
	if (o.instance == IS_PENDING) {
		view_set(x, "provisioning", "1");
		view_setf(x, "norefresh_href", "/user/orders/%lld?refresh=0", o.id);
		if (form_int(&r->q, OQ_REFRESH, 1) != 0)
			view_set(v, "refresh", "1");
	}
	if (order_actions(o.status) & OA_CONFIRM) {
		view_set(v, "can_confirm", "1");
		view_setf(v, "preview_action", "/user/orders/%lld", o.id);
		/* SPEC §10: the vouchers fit the price after the discount
		 * chosen, a promo code previewed or the coupon recommended */
		if (*typed != '\0')
			ps = show_promo(r, v, &o, typed, &off);
		off += show_coupons(v, k, nk, *typed != '\0');
		if (ps == KQ_RATE_LIMITED || ps == KQ_PROMO_UNKNOWN) {
			/* the page as it was, the code refused at its field */
		} else if (ps != KQ_OK) {
			reply_fail(r, ps);
			return;
		}
	}
	if ((s = order_candidates(r->app->db, r->arena, &o, off, &c, &n)) != KQ_OK ||
	    (s = order_unfit(r->app->db, r->arena, &o, &u, &nu)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (order_actions(o.status) & OA_CONFIRM) {
		l = view_list(v, "candidates");
		for (i = 0; i < n; i++) {
			x = vlist_add(l);
			show_voucher(r->arena, x, &c[i]);
			show_voucher_terms(r->arena, x, &c[i]);
			/* nothing left to pay after the discount: it deducts 0 */
			show_money(x, "deduct", c[i].deduct);
			view_setf(x, "radio_id", "voucher-%lld", c[i].id);
			/* SPEC §5: the largest deduction, then the earliest expiry */
			if (i == 0) {
				view_set(x, "recommended", "recommended");
				view_set(x, "checked", "checked");
			}
		}
		if (n == 0)
			view_set(v, "none_checked", "checked");
		/* SPEC §5 in words: why each other voucher does not apply */
		l = nu ? view_list(v, "unfit") : NULL;
		for (i = 0; i < nu; i++) {
			x = vlist_add(l);
			show_voucher(r->arena, x, &u[i]);
			show_state(x, "reason", opt_unfit, u[i].unfit);
		}
	}
	reply_page(r, ps == KQ_OK ? 200 : kq_http_status(ps), "user.order", v);
}

void
h_order_confirm(struct req *r)
{
	struct order_choice	 ch = { 0 };
	enum kq_outcome		 s = r->f_outcome;
	const char		*promo = form_str(&r->f, CF_PROMO, "");

	if (s == KQ_OK) {
		ch.voucher_id = form_int(&r->f, CF_VOUCHER, 0);
		ch.coupon_id = form_int(&r->f, CF_COUPON, 0);
		ch.promo_code = *promo ? promo : NULL;
		ch.ip = r->remote_addr;
		s = order_confirm(r->app->db, r->arena, r->me.uin, r->id, &ch);
	}
	if (s == KQ_DISCOUNT_NOT_APPLICABLE) {
		reply_fail_reason(r, s, discount_unfit_names[ch.why],
		    L(option_text(opt_discount_unfit, ch.why)));
		return;
	}
	if (s == KQ_INVALID_FIELD || s == KQ_PROMO_UNKNOWN) {
		reply_fail_at(r, s, r->f.bad ? r->f.bad : "promo_code", NULL);
		return;
	}
	reply_done(r, s, "order_confirmed",
	    arena_printf(r->arena, "/user/orders/%lld", r->id));
}

static void
show_order_row(struct req *r, struct view *x, const void *row)
{
	(void)r;
	show_order(x, row);
}

/* orders.csv (issue 31): the list's columns, with how each was paid */
static const struct csv_col orders_csv[] = {
	{ "订单", "id", CSV_TEXT }, { "会员 UIN", "uin", CSV_TEXT },
	{ "产品", "product_text", CSV_TEXT }, { "金额(元)", "amount", CSV_MONEY },
	{ "优惠(元)", "discount", CSV_MONEY },
	{ "代金券抵扣(元)", "voucher_amount", CSV_MONEY },
	{ "提货卡抵扣(元)", "card_amount", CSV_MONEY },
	{ "现金(元)", "cash", CSV_MONEY }, { "状态", "status_text", CSV_TEXT },
	{ "退款", "refund_text", CSV_TEXT }, { "下单时间", "created_at", CSV_TIME },
	{ NULL, NULL, CSV_TEXT }
};

static void
admin_orders(struct req *r, int csv)
{
	struct pager	 pg = { .page = r->page, .after = r->after };
	struct export	 ex = { .req = NULL };
	struct order_filter	 f;
	struct order		*rows;
	struct view		*v;
	struct vlist		*l;
	enum kq_outcome		 s;
	size_t			 n, i;

	f.uin = form_int(&r->q, AO_UIN, 0);
	f.status = (int)form_int(&r->q, AO_STATUS, -1);
	f.refund = (int)form_int(&r->q, AO_REFUND, -1);
	f.from_ymd = form_int(&r->q, AO_FROM, 0);
	f.to_ymd = form_int(&r->q, AO_TO, 0);
	if (csv)
		export_begin(r, &ex, &pg, "orders.csv", orders_csv, show_order_row);
	s = order_list_all(r->app->db, r->arena, &f, &pg, &rows, &n);
	if (export_answered(r, &ex, s))
		return;
	v = reply_view(r);
	view_set(v, "csv_href", query_href(r, "/admin/orders.csv"));
	l = view_list(v, "orders");
	for (i = 0; i < n; i++)
		show_order(vlist_add(l), &rows[i]);
	flash_reshow(v, &r->q, KQ_OK, NULL);
	show_choices(v, "statuses", opt_order_status,
	    form_str(&r->q, AO_STATUS, ""), "selected");
	show_choices(v, "refunds", opt_refund_state,
	    form_str(&r->q, AO_REFUND, ""), "selected");
	show_date_presets(r, v, params_get(&r->query, "from"),
	    params_get(&r->query, "to"));
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.orders", v);
}

void
h_admin_orders(struct req *r)
{
	admin_orders(r, 0);
}

void
h_admin_orders_csv(struct req *r)
{
	admin_orders(r, 1);
}

/* The finance backend's view of any order. */
void
h_admin_order(struct req *r)
{
	struct order	 o;
	struct view	*v, *ov;
	enum kq_outcome	 s;

	if ((s = order_get(r->app->db, r->arena, 0, r->id, &o)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	ov = view_map(v, "order");
	show_order(ov, &o);
	reply_page(r, 200, "admin.order", v);
}

static void
order_action(struct req *r, enum kq_outcome (*fn)(struct db *, struct arena *,
    long long, long long), const char *flash)
{
	reply_done(r, fn(r->app->db, r->arena, r->me.uin, r->id), flash,
	    arena_printf(r->arena, "/user/orders/%lld", r->id));
}

/* The host platform's checkout for the cash due (SPEC §7): checkout_url
 * with order=ID&amount=CENTS appended. */
static const char *
checkout_href(struct req *r, long long cash)
{
	const char *url = r->app->cfg->checkout_url;

	return arena_printf(r->arena, "%s%corder=%lld&amount=%lld", url,
	    strchr(url, '?') != NULL ? '&' : '?', r->id, cash);
}

/* SPEC §7: the member's pay completes an order only when nothing is due
 * in cash; with cash due it hands off to the checkout, whose callback (the
 * signed API) records the payment.  The demo's button stands in for it. */
void
h_order_pay(struct req *r)
{
	long long	cash = 0;
	enum kq_outcome	s;

	s = order_pay_member(r->app->db, r->arena, r->me.uin, r->id,
	    r->app->cfg->demo_payments, &cash);
	if (s == KQ_CASH_DUE && r->app->cfg->checkout_url != NULL) {
		reply_redirect(r, checkout_href(r, cash));
		return;
	}
	reply_done(r, s, "order_paid", arena_printf(r->arena, "/user/orders/%lld", r->id));
}

void
h_order_cancel(struct req *r)
{
	order_action(r, order_cancel, "order_cancelled");
}

void
h_order_refund(struct req *r)
{
	enum kq_outcome s = r->f_outcome;

	if (s == KQ_OK)
		s = order_refund_request(r->app->db, r->arena, r->me.uin, r->id,
		    r->f.v[RR_REASON].s);
	reply_done_with_reason(r, s, "refund_requested",
	    arena_printf(r->arena, "/user/orders/%lld", r->id));
}

void
h_admin_refund(struct req *r)
{
	enum kq_outcome s = r->f_outcome;

	if (s == KQ_OK)
		s = order_refund(r->app->db, r->arena, &r->me, r->remote_addr,
		    r->id, form_str(&r->f, RR_REASON, ""));
	reply_done_with_reason(r, s, "order_refunded",
	    arena_printf(r->arena, "/admin/orders/%lld", r->id));
}

void
h_admin_refund_reject(struct req *r)
{
	enum kq_outcome s = r->f_outcome;

	if (s == KQ_OK)
		s = order_refund_reject(r->app->db, r->arena, &r->me,
		    r->remote_addr, r->id, form_str(&r->f, RR_REASON, ""));
	reply_done_with_reason(r, s, "refund_rejected",
	    arena_printf(r->arena, "/admin/orders/%lld", r->id));
}
