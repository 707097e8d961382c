/*
 * h_orders.c - the member's orders: list, one order, pay the cash due,
 * cancel.
 */
#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "order.h"
#include "voucher.h"
#include "present.h"
#include "routes.h"

static void
show_order(struct view *v, const struct order *o)
{
	view_set_int(v, "id", o->id);
	view_setf(v, "href", "/user/orders/%lld", o->id);
	view_setf(v, "pay_href", "/user/orders/%lld/pay", o->id);
	view_setf(v, "cancel_href", "/user/orders/%lld/cancel", o->id);
	view_set(v, "product", o->product);
	view_set(v, "product_text", product_name(o->product));
	view_set(v, "description", o->description);
	view_set(v, "status", o->status);
	view_set(v, "status_text", status_name(o->status));
	view_set_int(v, "months", o->months);
	show_money(v, "amount", o->amount);
	show_money(v, "card_amount", o->card_amount);
	show_money(v, "voucher_amount", o->voucher_amount);
	show_money(v, "cash", o->cash);
	/* SPEC §5: only the cash part is invoiceable */
	show_money(v, "invoiceable", o->cash);
	show_time(v, "created_at", o->created_at);
	show_time(v, "paid_at", o->paid_at);
	if (strcmp(o->status, "confirmed") == 0 ||
	    strcmp(o->status, "awaiting_payment") == 0)
		show_time(v, "pay_by", o->pay_by);
	if (o->voucher_id)
		view_set_int(v, "voucher", o->voucher_id);
	if (o->card_code != NULL) {
		show_card(v, "card", o->card_code);
	}
	if (o->instance_status != NULL) {
		view_set(v, "instance", o->instance_status);
		view_set(v, "instance_text",
		    strcmp(o->instance_status, "held") == 0 ? "待支付后开通" :
		    strcmp(o->instance_status, "pending") == 0 ? "开通中" :
		    status_name(o->instance_status));
		view_set(v, "os", o->os ? o->os : "");
		view_set(v, "line", o->line_name ? o->line_name : "");
	}
	if (strcmp(o->status, "awaiting_payment") == 0 ||
	    strcmp(o->status, "confirmed") == 0)
		view_set(v, "can_pay", "1");
	if (strcmp(o->status, "paid") == 0)
		view_set(v, "can_refund", "1");
	view_setf(v, "confirm_href", "/user/orders/%lld/confirm", o->id);
	view_setf(v, "refund_href", "/user/orders/%lld/refund", o->id);
	if (strcmp(o->status, "awaiting_payment") == 0 ||
	    strcmp(o->status, "pending") == 0 || strcmp(o->status, "confirmed") == 0)
		view_set(v, "can_cancel", "1");
}

void
h_orders(struct req *r)
{
	struct page_info pg = { 0 };
	struct order	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_status	 s;
	size_t		 n, i;

	pg.page = query_page(r);
	if ((s = order_list(r->app->db, r->arena, r->me.uin, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	l = view_list(v, "orders");
	for (i = 0; i < n; i++)
		show_order(vlist_add(l), &rows[i]);
	show_pager(r, v, "/user/orders", &pg);
	page(r, 200, "user.orders", v);
}

void
h_order(struct req *r)
{
	struct order	 o;
	struct view	*v;
	enum kq_status	 s;

	if ((s = order_get(r->app->db, r->arena, r->me.uin, r->id, &o)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	show_order(view_map(v, "order"), &o);
	if (strcmp(o.status, "pending") == 0) {
		struct voucher	*c;
		struct vlist	*l;
		struct view	*x;
		size_t		 n, i;

		if ((s = order_candidates(r->app->db, r->arena, r->me.uin, r->id,
		    &c, &n)) != KQ_OK) {
			fail(r, s);
			return;
		}
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

static const struct field confirm_fields[] = {
	{ .name = "voucher", .type = FT_INT, .min = 1, .max = 999999999999LL },
};

void
h_order_confirm(struct req *r)
{
	struct form	f;
	enum kq_status	s;

	if ((s = form_parse(r->arena, confirm_fields, 1, &r->body, &f)) == KQ_OK)
		s = order_confirm(r->app->db, r->arena, r->me.uin, r->id,
		    form_int(&f, "voucher", 0));
	if (s != KQ_OK) {
		fail(r, s);
		return;
	}
	flash_set(r, "ok", "order_confirmed");
	redirect(r, arena_printf(r->arena, "/user/orders/%lld", r->id));
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
order_action(struct req *r, enum kq_status (*fn)(struct db *, long long, long long),
    const char *flash)
{
	enum kq_status s = fn(r->app->db, r->me.uin, r->id);

	if (s != KQ_OK) {
		fail(r, s);
		return;
	}
	flash_set(r, "ok", flash);
	redirect(r, arena_printf(r->arena, "/user/orders/%lld", r->id));
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
