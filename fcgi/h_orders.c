/*
 * h_orders.c - the member's orders: list, one order with its candidates,
 * confirm, pay the cash due, cancel, ask for a refund; the backend's
 * orders: list, one order, refund or reject a request (SPEC §5).
 */
#include <stdio.h>
#include <string.h>

#include "order.h"
#include "base/i18n.h"
#include "present.h"
#include "routes.h"

enum { CF_VOUCHER, CF__MAX };
static const struct field confirm_fields[CF__MAX] = {
	[CF_VOUCHER] = { .name = "voucher", .type = FT_INT, .min = 1,
	  .max = 999999999999LL },
};
const struct form_def confirm_form = FORM_DEF(confirm_fields);

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

enum { AO_UIN, AO_STATUS, AO_REFUND, AO_PAGE, AO__MAX };
static const struct field admin_orders_fields[AO__MAX] = {
	[AO_UIN] = { .name = "uin", .type = FT_INT, .min = 1,
	  .max = 999999999999LL },
	[AO_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_order_status },
	[AO_REFUND] = { .name = "refund", .type = FT_OPTION,
	  .options = opt_refund_state },
	[AO_PAGE] = PAGE_FIELD,
};
const struct form_def admin_orders_query = FORM_DEF(admin_orders_fields);

static void
show_order(struct view *v, const struct order *o)
{
	unsigned can = order_actions(o->status);

	view_set_int(v, "id", o->id);
	view_setf(v, "href", "/user/orders/%lld", o->id);
	view_setf(v, "pay_href", "/user/orders/%lld/pay", o->id);
	view_setf(v, "cancel_href", "/user/orders/%lld/cancel", o->id);
	view_setf(v, "confirm_href", "/user/orders/%lld/confirm", o->id);
	view_setf(v, "refund_href", "/user/orders/%lld/refund", o->id);
	view_setf(v, "admin_refund_href", "/admin/orders/%lld/refund", o->id);
	view_setf(v, "admin_reject_href", "/admin/orders/%lld/refund-reject", o->id);
	view_set_int(v, "uin", o->uin);
	view_setf(v, "admin_href", "/admin/orders/%lld", o->id);
	view_set(v, "product", o->product);
	/* a pick-up's product in words; others carry their product's name */
	view_set(v, "product_text", o->card_id ?
	    option_text_of(opt_pickup_product, o->product) : L(o->description));
	view_set(v, "description", L(o->description));
	show_state(v, "status", opt_order_status, o->status);
	view_set_int(v, "months", o->months);
	if (o->months > 0)
		view_setf(v, "months_text", L("%d 个月"), o->months);
	view_setf(v, "uin_href", "/admin/orders?uin=%lld", o->uin);
	show_money(v, "amount", o->amount);
	show_money(v, "card_amount", o->card_amount);
	/* a cancelled order deducted nothing: what it froze went back */
	show_money(v, "voucher_amount", o->status == OS_CANCELLED ? 0 :
	    o->voucher_amount);
	show_money(v, "cash", o->cash);
	/* SPEC §5: only the cash part is invoiceable, and nothing once it
	 * is refunded or cancelled */
	show_money(v, "invoiceable", o->status == OS_REFUNDED ||
	    o->status == OS_CANCELLED ? 0 : o->cash);
	show_state(v, "refund", opt_refund_state, o->refund);
	if (*o->refund_reason)
		view_set(v, "refund_reason", o->refund_reason);
	if (*o->refund_note)
		view_set(v, "refund_note", o->refund_note);
	if (o->refund_requested_at)
		show_time(v, "refund_requested_at", o->refund_requested_at);
	show_time(v, "created_at", o->created_at);
	show_time(v, "paid_at", o->paid_at);
	if (can & OA_PAY)
		show_time(v, "pay_by", o->pay_by);
	if (o->voucher_id)
		view_set_int(v, "voucher", o->voucher_id);
	if (o->card_last4 != NULL)	/* the last four: the rest is the
					   audited full views' (SPEC §7) */
		show_card_last4(v, "card", o->card_last4);
	if (o->instance != IS_NONE) {
		show_state(v, "instance", opt_instance_status, o->instance);
		view_set(v, "os", o->os ? o->os : "");
		view_set(v, "os_text", o->os_name ? o->os_name : "");
		view_set(v, "line", o->line_name ? L(o->line_name) : "");
		if (o->instance_ended)
			show_time(v, "instance_ended", o->instance_ended);
	}
	if (can & OA_PAY)
		view_set(v, "can_pay", "1");
	if (order_can_request_refund(o->status, o->refund, o->cash))
		view_set(v, "can_request_refund", "1");
	if (can & OA_REFUND)
		view_set(v, "can_refund", "1");
	if (order_can_reject_refund(o->status, o->refund))
		view_set(v, "can_reject_refund", "1");
	if (can & OA_CANCEL)
		view_set(v, "can_cancel", "1");
}

void
h_orders(struct req *r)
{
	struct pager pg = { .page = r->page };
	struct order	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = order_list(r->app->db, r->arena, r->me.uin, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	l = view_list(v, "orders");
	for (i = 0; i < n; i++)
		show_order(vlist_add(l), &rows[i]);
	show_pager(r, v, &pg);
	page(r, 200, "user.orders", v);
}

void
h_order(struct req *r)
{
	struct order	 o;
	struct voucher	*c, *u;
	struct vlist	*l;
	struct view	*v, *x;
	enum kq_outcome	 s;
	size_t		 n, nu, i;

	if ((s = order_get(r->app->db, r->arena, r->me.uin, r->id, &o)) != KQ_OK ||
	    (s = order_candidates(r->app->db, r->arena, &o, &c, &n)) != KQ_OK ||
	    (s = order_unfit(r->app->db, r->arena, &o, &u, &nu)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	show_order(x = view_map(v, "order"), &o);
	/* cash is paid at the checkout, or, in a demo, by the stand-in */
	if ((order_actions(o.status) & OA_PAY) && o.cash > 0)
		view_set(x, r->app->cfg->demo_payments ? "demo_payment" :
		    "pay_at_checkout", "1");
	if (order_actions(o.status) & OA_CONFIRM) {
		view_set(v, "can_confirm", "1");
		l = view_list(v, "candidates");
		for (i = 0; i < n; i++) {
			x = vlist_add(l);
			show_voucher(r->arena, x, &c[i]);
			show_voucher_terms(r->arena, x, &c[i]);
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
	page(r, 200, "user.order", v);
}

void
h_order_confirm(struct req *r)
{
	enum kq_outcome s = r->f_outcome;

	if (s == KQ_OK)
		s = order_confirm(r->app->db, r->arena, r->me.uin, r->id,
		    form_int(&r->f, CF_VOUCHER, 0));
	done(r, s, "order_confirmed",
	    arena_printf(r->arena, "/user/orders/%lld", r->id));
}

void
h_admin_orders(struct req *r)
{
	struct pager	 pg = { .page = r->page };
	struct order_filter	 f;
	struct order		*rows;
	struct view		*v;
	struct vlist		*l;
	enum kq_outcome		 s;
	size_t			 n, i;

	f.uin = form_int(&r->q, AO_UIN, 0);
	f.status = (int)form_int(&r->q, AO_STATUS, -1);
	f.refund = (int)form_int(&r->q, AO_REFUND, -1);
	if ((s = order_list_all(r->app->db, r->arena, &f, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	l = view_list(v, "orders");
	for (i = 0; i < n; i++)
		show_order(vlist_add(l), &rows[i]);
	form_reshow(v, &r->q, KQ_OK, NULL);
	show_choices(v, "statuses", opt_order_status,
	    form_str(&r->q, AO_STATUS, ""), "selected");
	show_choices(v, "refunds", opt_refund_state,
	    form_str(&r->q, AO_REFUND, ""), "selected");
	show_pager(r, v, &pg);
	page(r, 200, "admin.orders", v);
}

/* The finance backend's view of any order. */
void
h_admin_order(struct req *r)
{
	struct order	 o;
	struct view	*v, *ov;
	enum kq_outcome	 s;

	if ((s = order_get(r->app->db, r->arena, 0, r->id, &o)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	ov = view_map(v, "order");
	show_order(ov, &o);
	page(r, 200, "admin.order", v);
}

static void
order_action(struct req *r, enum kq_outcome (*fn)(struct db *, struct arena *,
    long long, long long), const char *flash)
{
	done(r, fn(r->app->db, r->arena, r->me.uin, r->id), flash,
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
		redirect(r, checkout_href(r, cash));
		return;
	}
	done(r, s, "order_paid", arena_printf(r->arena, "/user/orders/%lld", r->id));
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
	done_with_reason(r, s, "refund_requested",
	    arena_printf(r->arena, "/user/orders/%lld", r->id));
}

void
h_admin_refund(struct req *r)
{
	enum kq_outcome s = r->f_outcome;

	if (s == KQ_OK)
		s = order_refund(r->app->db, r->arena, &r->me, r->remote_addr,
		    r->id, form_str(&r->f, RR_REASON, ""));
	done_with_reason(r, s, "order_refunded",
	    arena_printf(r->arena, "/admin/orders/%lld", r->id));
}

void
h_admin_refund_reject(struct req *r)
{
	enum kq_outcome s = r->f_outcome;

	if (s == KQ_OK)
		s = order_refund_reject(r->app->db, r->arena, &r->me,
		    r->remote_addr, r->id, form_str(&r->f, RR_REASON, ""));
	done_with_reason(r, s, "refund_rejected",
	    arena_printf(r->arena, "/admin/orders/%lld", r->id));
}
