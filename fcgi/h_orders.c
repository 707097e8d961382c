/*
 * h_orders.c - the member's orders: list, one order with its candidates,
 * confirm, pay the cash due, cancel, refund; the backend's order page.
 */
#include <stdio.h>
#include <string.h>

#include "order.h"
#include "present.h"
#include "routes.h"

enum { CF_VOUCHER, CF__MAX };
static const struct field confirm_fields[CF__MAX] = {
	[CF_VOUCHER] = { .name = "voucher", .type = FT_INT, .min = 1,
	  .max = 999999999999LL },
};
const struct form_def confirm_form = FORM_DEF(confirm_fields);

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
	view_set(v, "product", o->product);
	view_set(v, "product_text", option_text_of(opt_pickup_product, o->product));
	view_set(v, "description", o->description);
	show_state(v, "status", opt_order_status, o->status);
	view_set_int(v, "months", o->months);
	show_money(v, "amount", o->amount);
	show_money(v, "card_amount", o->card_amount);
	show_money(v, "voucher_amount", o->voucher_amount);
	show_money(v, "cash", o->cash);
	/* SPEC §5: only the cash part is invoiceable */
	show_money(v, "invoiceable", o->cash);
	show_time(v, "created_at", o->created_at);
	show_time(v, "paid_at", o->paid_at);
	if (can & OA_PAY)
		show_time(v, "pay_by", o->pay_by);
	if (o->voucher_id)
		view_set_int(v, "voucher", o->voucher_id);
	if (o->card_code != NULL)
		show_card(v, "card", o->card_code);
	if (o->instance != IS_NONE) {
		show_state(v, "instance", opt_instance_status, o->instance);
		view_set(v, "os", o->os ? o->os : "");
		view_set(v, "line", o->line_name ? o->line_name : "");
	}
	if (can & OA_PAY)
		view_set(v, "can_pay", "1");
	if (can & OA_REFUND)
		view_set(v, "can_refund", "1");
	if (can & OA_CANCEL)
		view_set(v, "can_cancel", "1");
}

void
h_orders(struct req *r)
{
	struct page_info pg = { r->page, 0, 0 };
	struct order	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_status	 s;
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
	struct voucher	*c;
	struct vlist	*l;
	struct view	*v, *x;
	enum kq_status	 s;
	size_t		 n, i;

	if ((s = order_get(r->app->db, r->arena, r->me.uin, r->id, &o)) != KQ_OK ||
	    (s = order_candidates(r->app->db, r->arena, &o, &c, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	show_order(view_map(v, "order"), &o);
	if (order_actions(o.status) & OA_CONFIRM) {
		view_set(v, "can_confirm", "1");
		l = view_list(v, "candidates");
		for (i = 0; i < n; i++) {
			x = vlist_add(l);
			show_voucher(r->arena, x, &c[i]);
			/* SPEC §5: the largest deduction, then the earliest expiry */
			if (i == 0) {
				view_set(x, "recommended", "recommended");
				view_set(x, "checked", "checked");
			}
		}
		if (n == 0)
			view_set(v, "none_checked", "checked");
	}
	page(r, 200, "user.order", v);
}

void
h_order_confirm(struct req *r)
{
	enum kq_status s = r->fstatus;

	if (s == KQ_OK)
		s = order_confirm(r->app->db, r->arena, r->me.uin, r->id,
		    form_int(&r->f, CF_VOUCHER, 0));
	done(r, s, "order_confirmed",
	    arena_printf(r->arena, "/user/orders/%lld", r->id));
}

/* The finance backend's view of any order (the "order" links of the
 * pickup records). */
void
h_admin_order(struct req *r)
{
	struct order	 o;
	struct view	*v, *ov;
	enum kq_status	 s;

	if ((s = order_get(r->app->db, r->arena, 0, r->id, &o)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	ov = view_map(v, "order");
	show_order(ov, &o);
	view_set_int(ov, "uin", o.uin);
	page(r, 200, "admin.order", v);
}

static void
order_action(struct req *r, enum kq_status (*fn)(struct db *, struct arena *,
    long long, long long), const char *flash)
{
	done(r, fn(r->app->db, r->arena, r->me.uin, r->id), flash,
	    arena_printf(r->arena, "/user/orders/%lld", r->id));
}

void
h_order_pay(struct req *r)
{
	order_action(r, order_pay, "order_paid");
}

void
h_order_cancel(struct req *r)
{
	order_action(r, order_cancel, "order_cancelled");
}

void
h_order_refund(struct req *r)
{
	order_action(r, order_refund, "order_refunded");
}
