/*
 * h_api.c - the API's handlers: each parses, calls the core function the
 * pages call, and answers in JSON (api.h).  Amounts are integer cents,
 * times ISO-8601 UTC, lists newest first with a cursor.
 */
#include <limits.h>
#include <string.h>

#include "account.h"
#include "api.h"
#include "base/money.h"
#include "order.h"
#include "partner_charge.h"
#include "provision.h"
#include "record.h"
#include "voucher.h"
#include "voucher_issue.h"

enum { AO_UIN, AO_PRODUCT, AO_BILLING, AO_SCENARIO, AO_AMOUNT, AO_MONTHS, AO__MAX };
static const struct option billing_opts[] = {
	{ "prepaid", "" }, { "postpaid", "" }, { NULL, NULL }
};
static const struct field order_fields[AO__MAX] = {
	[AO_UIN] = { .name = "uin", .type = FT_INT, .required = 1, .min = 1,
	  .max = UIN_MAX },
	[AO_PRODUCT] = { .name = "product", .type = FT_TEXT, .required = 1,
	  .pattern = "[a-z_]{1,32}" },
	[AO_BILLING] = { .name = "billing", .type = FT_OPTION, .required = 1,
	  .options = billing_opts },
	[AO_SCENARIO] = { .name = "scenario", .type = FT_TEXT, .required = 1,
	  .pattern = ORDER_SCENARIOS },
	/* SPEC §2: cents, at most ¥100,000,000 */
	[AO_AMOUNT] = { .name = "amount", .type = FT_INT, .required = 1, .min = 1,
	  .max = MONEY_MAX_CENTS },
	[AO_MONTHS] = { .name = "months", .type = FT_INT, .min = 0, .max = 1200 },
};
const struct form_def api_order_form = FORM_DEF(order_fields);

enum { AV_UIN, AV_STATUS, AV_TEMPLATE, AV_CURSOR, AV__MAX };
static const struct field vouchers_fields[AV__MAX] = {
	[AV_UIN] = { .name = "uin", .type = FT_INT, .min = 1, .max = UIN_MAX },
	[AV_STATUS] = { .name = "status", .type = FT_TEXT,
	  .pattern = "unactivated|available|frozen|used|expired|invalidated|"
	  "withdrawn" },
	[AV_TEMPLATE] = { .name = "template", .type = FT_INT, .min = 1,
	  .max = 999999999999999999LL },
	[AV_CURSOR] = { .name = "cursor", .type = FT_INT, .min = 1,
	  .max = 999999999999999999LL },
};
const struct form_def api_vouchers_query = FORM_DEF(vouchers_fields);

enum { AC_VOUCHER, AC_COUPON, AC_PROMO, AC__MAX };
static const struct field confirm_fields[AC__MAX] = {
	[AC_VOUCHER] = { .name = "voucher_id", .type = FT_INT, .min = 1,
	  .max = 999999999999999999LL },
	[AC_COUPON] = { .name = "coupon", .type = FT_INT, .min = 1,
	  .max = 999999999999999999LL },
	[AC_PROMO] = { .name = "promo_code", .type = FT_TEXT, .maxlen = 40 },
};
const struct form_def api_confirm_form = FORM_DEF(confirm_fields);

enum { APY_AMOUNT, APY__MAX };
static const struct field pay_fields[APY__MAX] = {
	[APY_AMOUNT] = { .name = "amount", .type = FT_INT, .min = 0,
	  .max = MONEY_MAX_CENTS },
};
const struct form_def api_pay_form = FORM_DEF(pay_fields);

enum { AR_NOTE, AR__MAX };
static const struct field refund_fields[AR__MAX] = {
	[AR_NOTE] = { .name = "note", .type = FT_TEXT, .maxlen = 200,
	  .multiline = 1 },
};
const struct form_def api_refund_form = FORM_DEF(refund_fields);

enum { AI_UINS, AI__MAX };
static const struct field issue_fields[AI__MAX] = {
	[AI_UINS] = { .name = "uins", .type = FT_INT, .required = 1, .repeated = 1,
	  .min = 1, .max = UIN_MAX },
};
const struct form_def api_issue_form = FORM_DEF(issue_fields);

enum { AT_LIMIT, AT__MAX };
static const struct field take_fields[AT__MAX] = {
	[AT_LIMIT] = { .name = "limit", .type = FT_INT, .min = 1, .max = 100 },
};
const struct form_def api_take_form = FORM_DEF(take_fields);

enum { AF_REASON, AF__MAX };
static const struct field failed_fields[AF__MAX] = {
	[AF_REASON] = { .name = "reason", .type = FT_TEXT, .required = 1,
	  .multiline = 1,
	  .maxlen = 200 },
};
const struct form_def api_failed_form = FORM_DEF(failed_fields);

enum { AH_CUSTOMER, AH_FROM, AH_TO, AH_CURSOR, AH__MAX };
static const struct field charges_fields[AH__MAX] = {
	[AH_CUSTOMER] = { .name = "customer", .type = FT_INT, .min = 1,
	  .max = UIN_MAX },
	[AH_FROM] = { .name = "from", .type = FT_DATE },
	[AH_TO] = { .name = "to", .type = FT_DATE },
	[AH_CURSOR] = { .name = "cursor", .type = FT_INT, .min = 1,
	  .max = 999999999999999999LL },
};
const struct form_def api_charges_query = FORM_DEF(charges_fields);

/* A list's pager: by cursor from the start (no count; the API has no
 * pages), the rows after cursor when one is given. */
static struct pager
api_pager(long long cursor)
{
	struct pager pg = { .page = 1, .after = cursor ? cursor : LLONG_MAX };

	return pg;
}

/* A list page's next_cursor: its last id when rows are left after it,
 * else null. */
static json_t *
next_cursor(const struct pager *pg)
{
	return pg->more ? json_integer(pg->last) : json_null();
}

/* The order of req->id (any account's): KQ_OK, or answered. */
static int
order_of(struct req *r, struct api_call *c, struct order *o)
{
	enum kq_outcome s = order_get(r->app->db, r->arena, 0, r->id, o);

	if (s != KQ_OK)
		api_fail(r, c, s, NULL, s == KQ_NOT_FOUND ? "No such order." : NULL);
	return s == KQ_OK ? 0 : -1;
}

/* An order after a change: status with it as it is now. */
static void
order_answer(struct req *r, struct api_call *c, enum kq_outcome s, int status)
{
	struct order o;

	if (s != KQ_OK)
		api_fail(r, c, s, NULL, NULL);
	else if (order_of(r, c, &o) == 0)
		api_send(r, c, status, order_json(&o));
}

void
ha_order_create(struct req *r, struct api_call *c)
{
	enum kq_outcome s;

	s = order_create(r->app->db, r->f.v[AO_UIN].i, r->f.v[AO_PRODUCT].s,
	    r->f.v[AO_BILLING].s, r->f.v[AO_SCENARIO].s, r->f.v[AO_AMOUNT].i,
	    (int)form_int(&r->f, AO_MONTHS, 0), &r->id);
	if (s == KQ_NOT_FOUND)		/* the account's foreign key */
		api_fail(r, c, KQ_INVALID_FIELD, "uin", "No such account.");
	else if (s == KQ_INVALID_FIELD)
		api_fail(r, c, s, "product", "No such product.");
	else
		order_answer(r, c, s, 201);
}

void
ha_order_get(struct req *r, struct api_call *c)
{
	struct order o;

	if (order_of(r, c, &o) == 0)
		api_send(r, c, 200, order_json(&o));
}

static void
order_act(struct req *r, struct api_call *c,
    enum kq_outcome (*fn)(struct db *, struct arena *, long long, long long))
{
	struct order o;

	if (order_of(r, c, &o) == 0)
		order_answer(r, c, fn(r->app->db, r->arena, o.uin, o.id), 200);
}

/* The gateway's callback (SPEC §7): what it says it collected, when it
 * says, is the cash due. */
void
ha_order_pay(struct req *r, struct api_call *c)
{
	struct order o;

	if (order_of(r, c, &o) < 0)
		return;
	if (r->f.v[APY_AMOUNT].present && r->f.v[APY_AMOUNT].i != o.cash)
		api_fail(r, c, KQ_INVALID_FIELD, "amount", arena_printf(r->arena,
		    "The order's cash due is %lld.", o.cash));
	else
		order_answer(r, c, order_pay(r->app->db, r->arena, o.uin, o.id),
		    200);
}

void
ha_order_cancel(struct req *r, struct api_call *c)
{
	order_act(r, c, order_cancel);
}

enum { ACQ_PROMO, ACQ__MAX };
static const struct field candidates_fields[ACQ__MAX] = {
	[ACQ_PROMO] = { .name = "promo_code", .type = FT_TEXT, .maxlen = 40 },
};
const struct form_def api_candidates_query = FORM_DEF(candidates_fields);

/* A discount for the order: what it takes off, or why not. */
static json_t *
discount_json(const struct campaign *k, long long coupon_id)
{
	json_t *x = json_pack("{s:I, s:s, s:s}", "campaign", (json_int_t)k->id,
	    "name", k->name, "kind", campaign_kind_names[k->kind]);

	if (coupon_id)
		json_object_set_new(x, "coupon", json_integer(coupon_id));
	if (k->unfit == DU_FITS)
		json_object_set_new(x, "discount", json_integer(k->off));
	else
		json_object_set_new(x, "reason",
		    json_string(discount_unfit_names[k->unfit]));
	return x;
}

void
ha_order_candidates(struct req *r, struct api_call *c)
{
	struct order	 o;
	struct voucher	*fit, *unfit;
	struct coupon	*k;
	struct campaign	 pc;
	enum kq_outcome	 s;
	json_t		*a, *b, *x, *ks, *promo = NULL;
	const char	*code = form_str(&r->q, ACQ_PROMO, "");
	long long	 off = 0;
	size_t		 n, nu, nk, i;

	if (order_of(r, c, &o) < 0)
		return;
	if ((s = order_coupons(r->app->db, r->arena, &o, &k, &nk)) != KQ_OK) {
		api_fail(r, c, s, NULL, NULL);
		return;
	}
	/* the vouchers fit the price after the code previewed, or else after
	 * the coupon recommended (SPEC §10) */
	if (*code != '\0') {
		s = order_promo_preview(r->app->db, r->arena, &o, code,
		    r->remote_addr, &pc);
		if (s != KQ_OK) {
			api_fail(r, c, s, "promo_code", NULL);
			return;
		}
		promo = discount_json(&pc, 0);
		json_object_set_new(promo, "code", json_string(pc.code));
		off = pc.off;
	} else if (nk > 0 && k[0].c.unfit == DU_FITS)
		off = k[0].c.off;
	if ((s = order_candidates(r->app->db, r->arena, &o, off, &fit, &n)) != KQ_OK ||
	    (s = order_unfit(r->app->db, r->arena, &o, &unfit, &nu)) != KQ_OK) {
		json_decref(promo);
		api_fail(r, c, s, NULL, NULL);
		return;
	}
	ks = json_array();
	for (i = 0; i < nk; i++) {
		k[i].c.id = k[i].campaign_id;
		json_array_append_new(ks, discount_json(&k[i].c, k[i].id));
	}
	/* best first (SPEC §5): the first is the one recommended */
	a = json_array();
	for (i = 0; i < n; i++) {
		x = voucher_json(&fit[i]);
		json_object_set_new(x, "deduct", json_integer(fit[i].deduct));
		json_array_append_new(a, x);
	}
	b = json_array();
	for (i = 0; i < nu; i++) {
		x = voucher_json(&unfit[i]);
		json_object_set_new(x, "reason", json_string(unfit_names[unfit[i].unfit]));
		json_array_append_new(b, x);
	}
	api_send(r, c, 200, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "order", order_json(&o),
	    "recommended", n > 0 ? json_integer(fit[0].id) : json_null(),
	    "candidates", a, "not_applicable", b, "coupons", ks,
	    "recommended_coupon", nk > 0 && k[0].c.unfit == DU_FITS ?
	    json_integer(k[0].id) : json_null(),
	    "promo_code", promo ? promo : json_null()));
}

void
ha_order_confirm(struct req *r, struct api_call *c)
{
	struct order		o;
	struct order_choice	ch = { 0 };
	enum kq_outcome		s;

	if (order_of(r, c, &o) < 0)
		return;
	ch.voucher_id = form_int(&r->f, AC_VOUCHER, 0);
	ch.coupon_id = form_int(&r->f, AC_COUPON, 0);
	ch.promo_code = *form_str(&r->f, AC_PROMO, "") ? r->f.v[AC_PROMO].s : NULL;
	ch.ip = r->remote_addr;
	s = order_confirm(r->app->db, r->arena, o.uin, o.id, &ch);
	if (s == KQ_INVALID_FIELD || s == KQ_PROMO_UNKNOWN) {
		api_fail(r, c, s, "promo_code", NULL);
		return;
	}
	if (s == KQ_DISCOUNT_NOT_APPLICABLE) {
		api_fail_reason(r, c, s, discount_unfit_names[ch.why]);
		return;
	}
	order_answer(r, c, s, 200);
}

void
ha_order_refund(struct req *r, struct api_call *c)
{
	order_answer(r, c, order_refund(r->app->db, r->arena, &c->me,
	    r->remote_addr, r->id, form_str(&r->f, AR_NOTE, "")), 200);
}

void
ha_voucher_invalidate(struct req *r, struct api_call *c)
{
	struct voucher	v;
	enum kq_outcome	s;

	s = voucher_invalidate(r->app->db, r->arena, &c->me, r->remote_addr, r->id);
	if (s == KQ_OK)
		s = voucher_get(r->app->db, r->arena, 0, r->id, &v);
	if (s != KQ_OK)
		api_fail(r, c, s, NULL, s == KQ_NOT_FOUND ? "No such voucher." : NULL);
	else
		api_send(r, c, 200, voucher_json(&v));
}

void
ha_template_issue(struct req *r, struct api_call *c)
{
	const struct fvalue	*u = &r->f.v[AI_UINS];
	const char		*bad = NULL;
	struct issue		 is;
	struct abuf		 uins;
	long long		 issue_id = 0;
	enum kq_outcome		 s;
	json_t			*res;
	size_t			 i;

	abuf_init(&uins, r->arena);
	for (i = 0; i < u->nlist; i++)
		abuf_printf(&uins, "%s\n", u->list[i]);
	s = voucher_issue(r->app->db, r->arena, &c->me, r->remote_addr, r->id,
	    IM_TARGETED, abuf_str(&uins), 0, 0, &issue_id, &bad);
	if (s == KQ_APPROVAL_PENDING) {	/* SPEC §11: nothing made yet */
		api_send(r, c, 202, json_pack("{s:I}", "approval",
		    (json_int_t)issue_id));
		return;
	}
	if (s == KQ_OK)
		s = issue_get(r->app->db, r->arena, issue_id, &is);
	if (s != KQ_OK) {
		api_fail(r, c, s, bad, s == KQ_NOT_FOUND ? "No such template." : NULL);
		return;
	}
	res = json_array();
	for (i = 0; i < is.noutcomes; i++)
		json_array_append_new(res, json_pack("{s:I, s:s}", "uin",
		    (json_int_t)is.outcomes[i].uin, "result",
		    issue_result_names[is.outcomes[i].result]));
	api_send(r, c, 201, json_pack("{s:I, s:I, s:o}", "issue_id",
	    (json_int_t)issue_id, "template_id", (json_int_t)r->id, "results", res));
}

void
ha_vouchers(struct req *r, struct api_call *c)
{
	struct vfilter	 f = { 0 };
	struct pager	 pg = api_pager(form_int(&r->q, AV_CURSOR, 0));
	struct voucher	*rows;
	enum kq_outcome	 s;
	json_t		*list, *out;
	size_t		 n, i;
	const char	*st = form_str(&r->q, AV_STATUS, "");

	f.uin = form_int(&r->q, AV_UIN, 0);
	f.template_id = form_int(&r->q, AV_TEMPLATE, 0);
	f.purpose = -1;
	f.status = state_index(voucher_status_names, st);	/* "": -1, any */
	if ((s = voucher_list(r->app->db, r->arena, &f, &pg, &rows, &n)) != KQ_OK) {
		api_fail(r, c, s, NULL, NULL);
		return;
	}
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, voucher_json(&rows[i]));
	out = json_pack("{s:o}", "vouchers", list);
	json_object_set_new(out, "next_cursor", next_cursor(&pg));
	api_send(r, c, 200, out);
}

void
ha_voucher(struct req *r, struct api_call *c)
{
	struct voucher		 v;
	struct ledger_row	*l;
	enum kq_outcome		 s;
	json_t			*j, *rows, *x;
	size_t			 n, i;

	s = voucher_get(r->app->db, r->arena, 0, r->id, &v);
	if (s == KQ_OK)
		s = voucher_ledger(r->app->db, r->arena, v.id, &l, &n);
	if (s != KQ_OK) {
		api_fail(r, c, s, NULL, s == KQ_NOT_FOUND ? "No such voucher." : NULL);
		return;
	}
	j = voucher_json(&v);
	rows = json_array();
	for (i = 0; i < n; i++) {
		x = json_object();
		json_object_set_new(x, "id", json_integer(l[i].id));
		json_object_set_new(x, "kind", json_string(ledger_kind_names[l[i].kind]));
		json_object_set_new(x, "amount", json_integer(l[i].amount));
		json_object_set_new(x, "balance", json_integer(l[i].balance));
		json_object_set_new(x, "order_id", l[i].order_id ?
		    json_integer(l[i].order_id) : json_null());
		json_object_set_new(x, "actor", json_string(l[i].actor ? l[i].actor : ""));
		json_object_set_new(x, "time", api_time(l[i].time));
		json_array_append_new(rows, x);
	}
	json_object_set_new(j, "ledger", rows);
	api_send(r, c, 200, j);
}

static json_t *
outbox_json(const struct outbox_row *o)
{
	json_t *j = json_object();

	json_object_set_new(j, "id", json_integer(o->id));
	/* what to do: boot it, or stop what a refund ended */
	json_object_set_new(j, "action", json_string(o->status == IS_STOPPING ?
	    "stop" : "boot"));
	json_object_set_new(j, "status", json_string(instance_status_names[o->status]));
	json_object_set_new(j, "uin", json_integer(o->uin));
	json_object_set_new(j, "order_id", json_integer(o->order_id));
	json_object_set_new(j, "product", json_string(o->product));
	json_object_set_new(j, "line", json_string(o->line));
	json_object_set_new(j, "os", o->os ? json_string(o->os) : json_null());
	json_object_set_new(j, "cpu", json_integer(o->cpu));
	json_object_set_new(j, "memory_gb", json_integer(o->memory_gb));
	json_object_set_new(j, "disk_gb", json_integer(o->disk_gb));
	json_object_set_new(j, "bandwidth_mbps", json_integer(o->bandwidth_mbps));
	json_object_set_new(j, "months", json_integer(o->months));
	json_object_set_new(j, "created_at", api_time(o->created_at));
	json_object_set_new(j, "taken_at", api_time(o->taken_at));
	return j;
}

void
ha_provision_take(struct req *r, struct api_call *c)
{
	struct outbox_row	*rows;
	enum kq_outcome		 s;
	json_t			*list;
	size_t			 n, i;

	if ((s = provision_take(r->app->db, r->arena, c->key.id,
	    (int)form_int(&r->f, AT_LIMIT, 10), &rows, &n)) != KQ_OK) {
		api_fail(r, c, s, NULL, NULL);
		return;
	}
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, outbox_json(&rows[i]));
	api_send(r, c, 200, json_pack("{s:o, s:i}", "requests", list,
	    "lease_minutes", PROVISION_LEASE_MIN));
}

/* The request after an acknowledgement: 200 with it as it is now. */
static void
outbox_answer(struct req *r, struct api_call *c, enum kq_outcome s)
{
	struct outbox_row	 o;
	struct order		 ord;

	if (s == KQ_OK)
		s = provision_get(r->app->db, r->arena, r->id, &o);
	if (s == KQ_OK)
		s = order_get(r->app->db, r->arena, 0, o.order_id, &ord);
	if (s != KQ_OK) {
		api_fail(r, c, s, NULL, s == KQ_NOT_FOUND ? "No such request." :
		    s == KQ_CONFLICT ? "The request is neither to boot nor to stop"
		    " (acknowledged already, or its order ended)." :
		    s == KQ_NOT_LEASED ? "Take the request first: only the API key"
		    " holding its lease acknowledges it." : NULL);
		return;
	}
	api_send(r, c, 200, json_pack("{s:o, s:o}", "request", outbox_json(&o),
	    "order", order_json(&ord)));
}

void
ha_provision_active(struct req *r, struct api_call *c)
{
	outbox_answer(r, c, provision_done(r->app->db, r->id, c->key.id));
}

void
ha_provision_failed(struct req *r, struct api_call *c)
{
	struct outbox_row	o;
	enum kq_outcome		s;

	s = provision_get(r->app->db, r->arena, r->id, &o);
	if (s == KQ_OK)
		s = order_provision_failed(r->app->db, r->arena, &c->me,
		    r->remote_addr, o.order_id, r->f.v[AF_REASON].s);
	outbox_answer(r, c, s);
}

void
ha_partner_charges(struct req *r, struct api_call *c)
{
	struct pager	 pg = api_pager(form_int(&r->q, AH_CURSOR, 0));
	struct partner	 p;
	struct charge	*rows;
	struct cfilter	 f = { .partner = r->id,
	    .customer = form_int(&r->q, AH_CUSTOMER, 0),
	    .from_ymd = form_int(&r->q, AH_FROM, 0),
	    .to_ymd = form_int(&r->q, AH_TO, 0) };
	enum kq_outcome	 s;
	json_t		*list, *x;
	size_t		 n, i;

	if ((s = partner_get(r->app->db, r->arena, r->id, &p)) == KQ_OK)
		s = charge_list(r->app->db, r->arena, &f, &pg, &rows, &n);
	if (s != KQ_OK) {
		api_fail(r, c, s, NULL, s == KQ_NOT_FOUND ? "No such partner." : NULL);
		return;
	}
	list = json_array();
	for (i = 0; i < n; i++) {
		x = json_object();
		json_object_set_new(x, "id", json_integer(rows[i].id));
		json_object_set_new(x, "customer_uin", json_integer(rows[i].customer_uin));
		json_object_set_new(x, "order_id", json_integer(rows[i].order_id));
		json_object_set_new(x, "product", json_string(rows[i].product));
		json_object_set_new(x, "billing", json_string(rows[i].billing));
		json_object_set_new(x, "scenario", json_string(rows[i].scenario));
		json_object_set_new(x, "amount", json_integer(rows[i].amount));
		json_object_set_new(x, "partner_voucher_id", rows[i].voucher_id ?
		    json_integer(rows[i].voucher_id) : json_null());
		json_object_set_new(x, "voucher_amount", json_integer(rows[i].voucher_amount));
		json_object_set_new(x, "cash", json_integer(rows[i].cash));
		json_object_set_new(x, "status", json_string(charge_status_names[rows[i].status]));
		json_object_set_new(x, "created_at", api_time(rows[i].created_at));
		json_array_append_new(list, x);
	}
	api_send(r, c, 200, json_pack("{s:I, s:o, s:o}", "partner_uin",
	    (json_int_t)p.uin, "charges", list, "next_cursor",
	    next_cursor(&pg)));
}
