/*
 * record.c - the records' fields, once for the page and the API
 * (record.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/codes.h"
#include "base/i18n.h"
#include "record.h"

/* Where a record's fields go: a page's view, or an API object. */
struct rec {
	struct view	*v;
	json_t		*j;
};

/* An id: absent when 0 (a page leaves it out, JSON says null). */
static void
rec_id(struct rec *r, const char *key, const char *name, long long id)
{
	if (r->v != NULL && key != NULL && id != 0)
		view_set_int(r->v, key, id);
	if (r->j != NULL && name != NULL)
		json_object_set_new(r->j, name, id ? json_integer(id) : json_null());
}

static void
rec_int(struct rec *r, const char *key, const char *name, long long n)
{
	if (r->v != NULL && key != NULL)
		view_set_int(r->v, key, n);
	if (r->j != NULL && name != NULL)
		json_object_set_new(r->j, name, json_integer(n));
}

static void
rec_text(struct rec *r, const char *key, const char *name, const char *s)
{
	if (r->v != NULL && key != NULL)
		view_set(r->v, key, s);
	if (r->j != NULL && name != NULL)
		json_object_set_new(r->j, name, json_string(s != NULL ? s : ""));
}

static void
rec_money(struct rec *r, const char *key, const char *name, long long cents)
{
	if (r->v != NULL && key != NULL)
		show_money(r->v, key, cents);
	if (r->j != NULL && name != NULL)
		json_object_set_new(r->j, name, json_integer(cents));
}

/* A time; a page shows it as a date or a time (date). */
static void
rec_time(struct rec *r, const char *key, const char *name, time_t t, int date)
{
	if (r->v != NULL && key != NULL)
		(date ? show_date : show_time)(r->v, key, t);
	if (r->j != NULL && name != NULL)
		json_object_set_new(r->j, name, api_time(t));
}

/* A state: a page's words from its option table, the API's name. */
static void
rec_state(struct rec *r, const char *key, const char *name,
    const struct option *o, const char *const *names, int i)
{
	if (r->v != NULL && key != NULL)
		show_state(r->v, key, o, i);
	if (r->j != NULL && name != NULL)
		json_object_set_new(r->j, name, json_string(names[i]));
}

json_t *
api_time(time_t t)
{
	struct tm	tm;
	char		buf[32];

	if (t == 0 || gmtime_r(&t, &tm) == NULL)
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

/* An order's description in the page's words: a pick-up's is kept as
 * "提货卡 " and its batch's name (core/order.c), the batch's name being
 * what finance typed; a product's is its name in the catalog. */
const char *
order_words(struct arena *a, const struct order *o)
{
	size_t len = strlen(ORDER_PICKUP_DESC);

	if (o->card_id && strncmp(o->description, ORDER_PICKUP_DESC, len) == 0)
		return arena_printf(a, L("提货卡 %s"), o->description + len);
	return L(o->description);
}

/* ------------------------------------------------------------ accounts */

void
show_accounts(struct view *v, const char *key, const struct customer *rows,
    size_t n)
{
	struct vlist	*l = view_list(v, key);
	struct view	*x;
	size_t		 i;

	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "uin", rows[i].uin);
		view_set(x, "name", rows[i].name);
	}
}

/* ------------------------------------------------------------ vouchers */

static void
voucher_fields(struct rec *r, const struct voucher *v)
{
	rec_id(r, "id", "id", v->id);
	rec_id(r, "uin", "uin", v->uin);
	rec_id(r, "template", "template_id", v->template_id);
	rec_text(r, "name", "name", v->name);
	rec_state(r, "status", "status", opt_voucher_status,
	    voucher_status_names, v->status);
	rec_state(r, "scope", "scope", opt_scope, voucher_scope_names, v->scope);
	rec_state(r, "mode", "balance_mode", opt_balance_mode, balance_mode_names,
	    v->mode);
	rec_text(r, NULL, "products", v->products);
	rec_money(r, "face", "face", v->face);
	rec_money(r, "balance", "balance", v->balance);
	rec_time(r, "valid_from", "valid_from", v->valid_from, 1);
	rec_time(r, "valid_to", "valid_to", v->valid_to, 1);
	rec_time(r, NULL, "created_at", v->created_at, 0);
	rec_time(r, "redeemed_at", "activated_at", v->activated_at, 0);
	rec_id(r, "order", "order_id", v->order_id);
}

void
show_voucher(struct arena *a, struct view *x, const struct voucher *v)
{
	struct rec	rec = { x, NULL };
	char		shown[VCODE_LEN + 3], masked[VCODE_LEN + 1];

	voucher_fields(&rec, v);
	view_setf(x, "href", "/user/vouchers/%lld", v->id);
	view_set(x, "scope_text", scope_text(a, v->scope, v->product_names));
	if (voucher_ends_soon(v->status, v->valid_to, time(NULL)))
		view_set(x, "soon", "1");
	/* the last four: a code is kept no more (SPEC §7), and shown whole
	 * only through the audited codes.txt */
	if (v->code_last4 != NULL) {
		code_masked(v->code_last4, VCODE_LEN, masked);
		vcode_display(masked, shown);
		view_set(x, "code", arena_strdup(a, shown));
	}
	if (v->deduct)
		show_money(x, "deduct", v->deduct);
}

json_t *
voucher_json(const struct voucher *v)
{
	struct rec rec = { NULL, json_object() };

	voucher_fields(&rec, v);
	return rec.j;
}

void
show_voucher_terms(struct arena *a, struct view *x, const struct voucher *v)
{
	view_set(x, "conditions", conditions_text(a, v->scenarios, v->billing,
	    v->min_amount, v->min_months));
}

void
show_voucher_admin(struct view *x, const struct voucher *v)
{
	view_setf(x, "admin_href", "/admin/vouchers/%lld", v->id);
	view_setf(x, "template_href", "/admin/vouchers/templates/%lld",
	    v->template_id);
	if (v->order_id)
		view_setf(x, "order_href", "/admin/orders/%lld", v->order_id);
}

/* ------------------------------------------------------------ partner vouchers */

void
show_pvoucher_fields(struct arena *a, struct view *x, const struct pvoucher *v)
{
	struct rec rec = { x, NULL };

	rec_id(&rec, "id", NULL, v->id);
	rec_text(&rec, "name", NULL, v->name);
	rec_id(&rec, "template_id", NULL, v->template_id);
	rec_state(&rec, "type", NULL, opt_pv_type, pv_type_names, v->type);
	rec_id(&rec, "partner", NULL, v->partner_uin);
	rec_text(&rec, "partner_name", NULL, v->partner_name);
	rec_id(&rec, "customer", NULL, v->customer_uin);
	rec_state(&rec, "approval", NULL, opt_approval, approval_names,
	    v->approval);
	rec_state(&rec, "status", NULL, opt_voucher_status, voucher_status_names,
	    v->status);
	rec_money(&rec, "face", NULL, v->face);
	rec_money(&rec, "balance", NULL, v->balance);
	rec_money(&rec, "min_amount", NULL, v->min_amount);
	rec_time(&rec, "valid_from", NULL, v->valid_from, 1);
	rec_time(&rec, "valid_to", NULL, v->valid_to, 1);
	rec_state(&rec, "scope", NULL, opt_scope, voucher_scope_names, v->scope);
	rec_text(&rec, "billing", NULL, v->billing);
	if (*v->reason)
		rec_text(&rec, "reason", NULL, v->reason);
	rec_time(&rec, "time", NULL, v->created_at, 0);
	rec_id(&rec, "associated", NULL, v->associated);
	view_set(x, "scope_text", scope_text(a, v->scope, v->product_names));
	view_setf(x, "validity_days", Ln("审核通过后 %d 天",
	    v->valid_days), v->valid_days);
}

/* ------------------------------------------------------------ orders */

static void
order_fields(struct rec *r, const struct order *o)
{
	unsigned can = order_actions(o->status);

	rec_id(r, "id", "id", o->id);
	rec_id(r, "uin", "uin", o->uin);
	rec_text(r, "product", "product", o->product);
	rec_text(r, NULL, "billing", o->billing);
	rec_text(r, NULL, "scenario", o->scenario);
	rec_int(r, "months", "months", o->months);
	rec_state(r, "status", "status", opt_order_status, order_status_names,
	    o->status);
	rec_state(r, "refund", "refund", opt_refund_state, refund_state_names,
	    o->refund);
	rec_money(r, "amount", "amount", o->amount);
	rec_money(r, "card_amount", "card_amount", o->card_amount);
	/* a cancelled order deducted nothing: what it froze went back (the
	 * page says so; the API has always given what was frozen) */
	rec_money(r, "voucher_amount", NULL,
	    o->status == OS_CANCELLED ? 0 : o->voucher_amount);
	rec_money(r, NULL, "voucher_amount", o->voucher_amount);
	rec_money(r, "cash", "cash", o->cash);
	/* SPEC §10: a cancelled order took no discount (it went back) */
	rec_money(r, "discount", NULL, o->status == OS_CANCELLED ? 0 : o->discount);
	rec_money(r, NULL, "discount", o->discount);
	/* which discount: a coupon (its id) or a promo code (the code) */
	if (r->j != NULL)
		json_object_set_new(r->j, "discount_source", !o->discount_campaign_id ?
		    json_null() : json_string(o->coupon_id ? "coupon" : "promo_code"));
	rec_id(r, NULL, "coupon_id", o->coupon_id);
	if (o->discount_campaign_id && !o->coupon_id)
		rec_text(r, "discount_code", "promo_code", o->discount_code);
	if (o->discount_campaign_id)
		rec_text(r, "discount_name", NULL, o->discount_name);
	rec_id(r, "voucher", "voucher_id", o->voucher_id);
	rec_id(r, NULL, "card_id", o->card_id);
	rec_time(r, "created_at", "created_at", o->created_at, 0);
	/* the page names the deadline only while it can be paid */
	rec_time(r, can & OA_PAY ? "pay_by" : NULL, "pay_by", o->pay_by, 0);
	rec_time(r, "paid_at", "paid_at", o->paid_at, 0);
}

json_t *
order_json(const struct order *o)
{
	struct rec rec = { NULL, json_object() };

	order_fields(&rec, o);
	return rec.j;
}

void
show_order(struct view *v, const struct order *o)
{
	struct rec	rec = { v, NULL };
	unsigned	can = order_actions(o->status);

	order_fields(&rec, o);
	view_setf(v, "href", "/user/orders/%lld", o->id);
	if (o->voucher_id)	/* the order names the voucher it used (issue 31) */
		view_setf(v, "voucher_href", "/user/vouchers/%lld", o->voucher_id);
	view_setf(v, "pay_href", "/user/orders/%lld/pay", o->id);
	view_setf(v, "cancel_href", "/user/orders/%lld/cancel", o->id);
	view_setf(v, "confirm_href", "/user/orders/%lld/confirm", o->id);
	view_setf(v, "refund_href", "/user/orders/%lld/refund", o->id);
	view_setf(v, "admin_refund_href", "/admin/orders/%lld/refund", o->id);
	view_setf(v, "admin_reject_href", "/admin/orders/%lld/refund-reject", o->id);
	view_setf(v, "admin_href", "/admin/orders/%lld", o->id);
	/* a pick-up's product in words; others carry their product's name */
	view_set(v, "product_text", o->card_id ?
	    option_text_of(opt_pickup_product, o->product) : L(o->description));
	view_set(v, "description", order_words(v->arena, o));
	if (o->months > 0)
		view_setf(v, "months_text", Ln("%d 个月", o->months), o->months);
	view_setf(v, "uin_href", "/admin/orders?uin=%lld", o->uin);
	/* SPEC §5: only the cash part is invoiceable, and nothing once it
	 * is refunded or cancelled */
	show_money(v, "invoiceable", o->status == OS_REFUNDED ||
	    o->status == OS_CANCELLED ? 0 : o->cash);
	if (*o->refund_reason)
		view_set(v, "refund_reason", o->refund_reason);
	if (*o->refund_note)
		view_set(v, "refund_note", o->refund_note);
	if (o->refund_requested_at)
		show_time(v, "refund_requested_at", o->refund_requested_at);
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
