/*
 * h_campaigns.c - discount campaigns (SPEC §10): the finance backend's
 * campaigns (list, create, view, edit until the first claim, disable and
 * enable) and the member's coupons (领取优惠券: claim one or all, the
 * account's coupons by status).
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/i18n.h"
#include "base/money.h"
#include "campaign.h"
#include "catalog.h"
#include "coupon.h"
#include "export.h"
#include "flash.h"
#include "handlers.h"
#include "present.h"
#include "reply.h"

enum {
	CF_NAME, CF_KIND, CF_CODE, CF_DISCOUNT, CF_AMOUNT_OFF, CF_PERCENT_OFF,
	CF_CAP, CF_SCOPE, CF_PRODUCTS, CF_SCENARIOS, CF_BILLING, CF_MIN_AMOUNT,
	CF_FIRST_PURCHASE, CF_VALID_FROM, CF_VALID_TO, CF_CLAIM_DAYS,
	CF_AUDIENCE, CF_UINS, CF_TOTAL_LIMIT, CF_PER_ACCOUNT, CF__MAX
};
static const struct field campaign_fields[CF__MAX] = {
	[CF_NAME] = { .name = "name", .type = FT_TEXT, .required = 1, .maxlen = 100 },
	[CF_KIND] = { .name = "kind", .type = FT_OPTION, .required = 1,
	  .options = opt_campaign_kind },
	[CF_CODE] = { .name = "code", .type = FT_TEXT, .maxlen = 40 },
	[CF_DISCOUNT] = { .name = "discount", .type = FT_OPTION, .required = 1,
	  .options = opt_discount_type },
	[CF_AMOUNT_OFF] = { .name = "amount_off", .type = FT_MONEY },
	[CF_PERCENT_OFF] = { .name = "percent_off", .type = FT_INT, .min = 1,
	  .max = 99 },
	[CF_CAP] = { .name = "cap", .type = FT_MONEY },
	[CF_SCOPE] = { .name = "scope", .type = FT_OPTION, .required = 1,
	  .options = opt_scope },
	[CF_PRODUCTS] = { .name = "products", .type = FT_TEXT, .repeated = 1,
	  .pattern = "[a-z_]{1,32}" },
	[CF_SCENARIOS] = { .name = "scenarios", .type = FT_OPTION, .repeated = 1,
	  .options = opt_scenario },
	[CF_BILLING] = { .name = "billing", .type = FT_OPTION, .repeated = 1,
	  .options = opt_billing },
	[CF_MIN_AMOUNT] = { .name = "min_amount", .type = FT_MONEY },
	[CF_FIRST_PURCHASE] = { .name = "first_purchase", .type = FT_TEXT,
	  .pattern = "[01]" },
	[CF_VALID_FROM] = { .name = "valid_from", .type = FT_DATE, .required = 1 },
	[CF_VALID_TO] = { .name = "valid_to", .type = FT_DATE, .required = 1 },
	[CF_CLAIM_DAYS] = { .name = "claim_days", .type = FT_INT, .min = 1,
	  .max = 3650 },
	[CF_AUDIENCE] = { .name = "audience", .type = FT_OPTION,
	  .options = opt_audience },
	[CF_UINS] = { .name = "uins", .type = FT_TEXT, .maxlen = 20000,
	  .multiline = 1 },
	[CF_TOTAL_LIMIT] = { .name = "total_limit", .type = FT_INT, .min = 0,
	  .max = 1000000000 },
	[CF_PER_ACCOUNT] = { .name = "per_account", .type = FT_INT, .min = 1,
	  .max = 1000000 },
};
const struct form_def campaign_form = FORM_DEF(campaign_fields);

enum { CQ_KIND, CQ_STATUS, CQ_PAGE, CQ__MAX };
static const struct field campaigns_fields[CQ__MAX] = {
	[CQ_KIND] = { .name = "kind", .type = FT_OPTION,
	  .options = opt_campaign_kind },
	[CQ_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_campaign_status },
	[CQ_PAGE] = PAGE_FIELD,
};
const struct form_def campaigns_query = FORM_DEF(campaigns_fields);

enum { KQ_Q_STATUS, KQ_Q_PAGE, KQ_Q__MAX };
static const struct field coupons_fields[KQ_Q__MAX] = {
	[KQ_Q_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_coupon_status },
	[KQ_Q_PAGE] = PAGE_FIELD,
};
const struct form_def coupons_query = FORM_DEF(coupons_fields);

enum { UQ_STATUS, UQ_PAGE, UQ__MAX };
static const struct field uses_fields[UQ__MAX] = {
	[UQ_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_use_status },
	[UQ_PAGE] = PAGE_FIELD,
};
const struct form_def uses_query = FORM_DEF(uses_fields);

enum { CL_CAMPAIGN, CL_ALL, CL__MAX };
static const struct field claim_fields[CL__MAX] = {
	[CL_CAMPAIGN] = { .name = "campaign", .type = FT_INT, .min = 1,
	  .max = 999999999999LL },
	[CL_ALL] = { .name = "all", .type = FT_TEXT, .pattern = "1" },
};
const struct form_def claim_form = FORM_DEF(claim_fields);

/* What a discount takes off, in words; data-value the cents off or NN%. */
static void
show_discount(struct view *x, const struct campaign *c)
{
	char money[MONEY_BUFSZ];

	if (c->discount == DT_AMOUNT) {
		money_format(c->amount_off, money, sizeof(money));
		view_setf(x, "discount", L("减 %s"), money);
		view_set_int(x, "discount_v", c->amount_off);
		return;
	}
	view_setf(x, "discount_v", "%d%%", c->percent_off);
	if (c->cap > 0) {
		money_format(c->cap, money, sizeof(money));
		view_setf(x, "discount", L("减 %d%%,最多 %s"), c->percent_off, money);
	} else
		view_setf(x, "discount", L("减 %d%%"), c->percent_off);
}

static void
show_campaign(struct arena *a, struct view *x, const struct campaign *c)
{
	view_set_int(x, "id", c->id);
	view_setf(x, "href", "/admin/campaigns/%lld", c->id);
	view_set(x, "name", c->name);
	show_state(x, "kind", opt_campaign_kind, c->kind);
	view_set(x, "code", c->code);
	show_discount(x, c);
	show_state(x, "scope", opt_scope, c->scope);
	view_set(x, "scope_text", scope_text(a, c->scope,
	    catalog_names(a, c->products)));
	view_set(x, "scenarios_text", *c->scenarios ?
	    list_text(a, opt_scenario, c->scenarios) : L("全部场景"));
	view_set(x, "billing_text", *c->billing ?
	    list_text(a, opt_billing, c->billing) : L("全部计费方式"));
	show_money(x, "min_amount", c->min_amount);
	if (c->first_purchase)
		view_set(x, "first_purchase", "1");
	show_date(x, "valid_from", c->valid_from);
	show_date(x, "valid_to", c->valid_to);
	view_set_int(x, "claim_days", c->claim_days);
	show_state(x, "audience", opt_audience, c->audience);
	view_set_int(x, "total_limit", c->total_limit);
	view_set(x, "total_limit_text", c->total_limit ?
	    arena_printf(a, "%d", c->total_limit) : L("不限"));
	view_set_int(x, "per_account", c->per_account);
	show_state(x, "status", opt_campaign_status, c->status);
	/* coupons count their claims; promo codes their uses */
	view_set_int(x, "claimed", c->kind == CK_COUPON ? c->claims : 0);
	view_set_int(x, "used", c->used);
	if (c->total_limit > 0)
		view_set_int(x, "left", c->total_limit > c->taken ?
		    c->total_limit - c->taken : 0);
	else
		view_set(x, "left_text", L("不限"));
	if (c->claims > 0)
		view_set(x, "locked", "1");
	view_setf(x, "uses_href", "/admin/campaigns/%lld/uses", c->id);
	if (c->status == CS_ACTIVE)
		view_setf(x, "disable_href", "/admin/campaigns/%lld/disable", c->id);
	else
		view_setf(x, "enable_action", "/admin/campaigns/%lld/enable", c->id);
}

void
h_campaigns(struct req *r)
{
	struct pager		 pg = { .page = r->page, .after = r->after };
	struct campaign_filter	 f;
	struct campaign		*rows;
	struct view		*v;
	struct vlist		*l;
	enum kq_outcome		 s;
	size_t			 n, i;

	f.kind = (int)form_int(&r->q, CQ_KIND, -1);
	f.status = (int)form_int(&r->q, CQ_STATUS, -1);
	if ((s = campaign_list(r->app->db, r->arena, &f, &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	flash_reshow(v, &r->q, KQ_OK, NULL);
	show_choices(v, "kinds", opt_campaign_kind, form_str(&r->q, CQ_KIND, ""),
	    "selected");
	show_choices(v, "statuses", opt_campaign_status,
	    form_str(&r->q, CQ_STATUS, ""), "selected");
	l = view_list(v, "campaigns");
	for (i = 0; i < n; i++)
		show_campaign(r->arena, vlist_add(l), &rows[i]);
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.campaigns", v);
}

static void
show_use(struct req *r, struct view *x, const void *row)
{
	const struct discount_use *u = row;

	(void)r;
	view_set_int(x, "id", u->id);
	view_set_int(x, "uin", u->uin);
	view_set_int(x, "order", u->order_id);
	view_setf(x, "order_href", "/admin/orders/%lld", u->order_id);
	view_set(x, "product", u->product);
	view_set(x, "product_text", L(u->product_name));
	if (u->coupon_id)
		view_set_int(x, "coupon", u->coupon_id);
	show_money(x, "discount", u->amount);
	show_state(x, "status", opt_use_status, u->status);
	show_time(x, "time", u->created_at);
}

static const struct csv_col use_csv[] = {
	{ "会员 UIN", "uin", CSV_TEXT }, { "订单", "order", CSV_TEXT },
	{ "产品", "product_text", CSV_TEXT }, { "优惠券", "coupon", CSV_TEXT },
	{ "优惠(元)", "discount", CSV_MONEY }, { "状态", "status_text", CSV_TEXT },
	{ "时间", "time", CSV_TIME }, { NULL, NULL, CSV_TEXT }
};

/* A campaign's uses, or (csv) all that match as uses.csv. */
static void
uses_page(struct req *r, int csv)
{
	struct pager pg = { .page = r->page, .after = r->after };
	struct export		 ex = { .req = NULL };
	struct campaign		 c;
	struct discount_use	*rows;
	struct view		*v;
	struct vlist		*l;
	enum kq_outcome		 s;
	size_t			 n, i;

	if ((s = campaign_get(r->app->db, r->arena, r->id, &c)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (csv)
		export_begin(r, &ex, &pg, arena_printf(r->arena,
		    "campaign-%lld-uses.csv", r->id), use_csv, show_use);
	s = discount_uses(r->app->db, r->arena, r->id,
	    (int)form_int(&r->q, UQ_STATUS, -1), &pg, &rows, &n);
	if (export_answered(r, &ex, s))
		return;
	v = reply_view(r);
	show_campaign(r->arena, view_map(v, "campaign"), &c);
	show_choices(v, "statuses", opt_use_status, form_str(&r->q, UQ_STATUS, ""),
	    "selected");
	l = view_list(v, "uses");
	for (i = 0; i < n; i++)
		show_use(r, vlist_add(l), &rows[i]);
	view_set(v, "csv_href", query_href(r, arena_printf(r->arena,
	    "/admin/campaigns/%lld/uses.csv", c.id)));
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.campaign.uses", v);
}

void
h_campaign_uses(struct req *r)
{
	uses_page(r, 0);
}

void
h_campaign_uses_csv(struct req *r)
{
	uses_page(r, 1);
}

/* The form's values of a stored campaign. */
static void
show_campaign_form(struct arena *a, struct view *f, const struct campaign *c,
    const char *uins)
{
	char buf[CLOCK_BUFSZ > MONEY_BUFSZ ? CLOCK_BUFSZ : MONEY_BUFSZ];

	view_set(f, "name", c->name);
	view_set(f, "code", c->code);
	if (c->discount == DT_AMOUNT) {
		money_plain(c->amount_off, buf, sizeof(buf));
		view_set(f, "amount_off", arena_strdup(a, buf));
	} else {
		view_set_int(f, "percent_off", c->percent_off);
		money_plain(c->cap, buf, sizeof(buf));
		view_set(f, "cap", arena_strdup(a, buf));
	}
	money_plain(c->min_amount, buf, sizeof(buf));
	view_set(f, "min_amount", arena_strdup(a, buf));
	clock_display_date(c->valid_from, buf, sizeof(buf));
	view_set(f, "valid_from", arena_strdup(a, buf));
	clock_display_date(c->valid_to, buf, sizeof(buf));
	view_set(f, "valid_to", arena_strdup(a, buf));
	view_set_int(f, "claim_days", c->claim_days);
	view_set(f, "uins", uins);
	view_set_int(f, "total_limit", c->total_limit);
	view_set_int(f, "per_account", c->per_account);
}

/* The campaign page: new (c NULL), existing (c), or re-shown (f). */
static void
campaign_page(struct req *r, int status, const struct campaign *c,
    const struct form *f, enum kq_outcome err, const char *bad)
{
	const struct product	*p;
	struct option		*opts;
	struct view		*v = reply_view(r), *fv;
	const char		*products = "", *scen = "purchase,upgrade", *bill = "";
	const char		*uins = "";
	int			 kind = CK_COUPON, disc = DT_AMOUNT, scope = SCOPE_ALL;
	int			 aud = AU_ALL, first = 0;
	size_t			 n;
	enum kq_outcome		 s;

	if ((s = catalog_products(r->app->db, &p, &n)) != KQ_OK ||
	    (c != NULL && (s = campaign_audience_text(r->app->db, r->arena, c->id,
	    &uins)) != KQ_OK)) {
		reply_fail(r, s);
		return;
	}
	if (f != NULL) {
		flash_reshow(v, f, err, bad);
		products = form_join(r->arena, f, CF_PRODUCTS);
		scen = form_join(r->arena, f, CF_SCENARIOS);
		bill = form_join(r->arena, f, CF_BILLING);
		kind = (int)form_int(f, CF_KIND, CK_COUPON);
		disc = (int)form_int(f, CF_DISCOUNT, DT_AMOUNT);
		scope = (int)form_int(f, CF_SCOPE, SCOPE_ALL);
		aud = (int)form_int(f, CF_AUDIENCE, AU_ALL);
		first = strcmp(form_str(f, CF_FIRST_PURCHASE, "0"), "1") == 0;
	} else if (c != NULL) {
		show_campaign_form(r->arena, view_map(v, "f"), c, uins);
		products = c->products;
		scen = c->scenarios;
		bill = c->billing;
		kind = c->kind;
		disc = c->discount;
		scope = c->scope;
		aud = c->audience;
		first = c->first_purchase;
	} else {
		fv = view_map(v, "f");
		view_set(fv, "claim_days", "30");
		view_set(fv, "per_account", "1");
		view_set(fv, "total_limit", "0");
	}
	if (err != KQ_OK && f == NULL)
		flash_now(v, err, bad);
	show_choices(v, "kinds", opt_campaign_kind, campaign_kind_names[kind],
	    "checked");
	show_choices(v, "discounts", opt_discount_type, discount_type_names[disc],
	    "checked");
	show_choices(v, "scopes", opt_scope, voucher_scope_names[scope], "checked");
	show_choices(v, "audiences", opt_audience, audience_names[aud], "checked");
	if (first)
		view_set(v, "first_checked", "checked");
	if ((opts = OPTIONS_OF(r->arena, p, n)) == NULL) {
		reply_fail(r, KQ_UNAVAILABLE);
		return;
	}
	show_choices(v, "products", opts, products, "checked");
	show_choices(v, "scenarios", opt_scenario, scen, "checked");
	show_choices(v, "billings", opt_billing, bill, "checked");
	if (c != NULL) {
		show_campaign(r->arena, view_map(v, "campaign"), c);
		view_setf(v, "action", "/admin/campaigns/%lld", c->id);
	} else
		view_set(v, "action", "/admin/campaigns");
	reply_page(r, status, "admin.campaign", v);
}

void
h_campaign_new(struct req *r)
{
	campaign_page(r, 200, NULL, NULL, KQ_OK, NULL);
}

void
h_campaign(struct req *r)
{
	struct campaign	c;
	enum kq_outcome	s;

	if ((s = campaign_get(r->app->db, r->arena, r->id, &c)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	campaign_page(r, 200, &c, NULL, KQ_OK, NULL);
}

static void
campaign_post(struct req *r, long long id)
{
	const struct form	*f = &r->f;
	struct campaign_spec	 c;
	struct campaign		 cur;
	enum kq_outcome		 s = r->f_outcome;
	const char		*bad = NULL;
	long long		 saved = 0;

	if (s == KQ_OK) {
		memset(&c, 0, sizeof(c));
		c.id = id;
		c.name = f->v[CF_NAME].s;
		c.kind = (enum campaign_kind)f->v[CF_KIND].i;
		c.code = form_str(f, CF_CODE, "");
		c.discount = (enum discount_type)f->v[CF_DISCOUNT].i;
		c.amount_off = form_int(f, CF_AMOUNT_OFF, 0);
		c.percent_off = (int)form_int(f, CF_PERCENT_OFF, 0);
		c.cap = form_int(f, CF_CAP, 0);
		c.scope = (enum voucher_scope)f->v[CF_SCOPE].i;
		c.products = form_join(r->arena, f, CF_PRODUCTS);
		c.scenarios = form_join(r->arena, f, CF_SCENARIOS);
		c.billing = form_join(r->arena, f, CF_BILLING);
		c.min_amount = form_int(f, CF_MIN_AMOUNT, 0);
		c.first_purchase = strcmp(form_str(f, CF_FIRST_PURCHASE, "0"),
		    "1") == 0;
		c.from_ymd = form_int(f, CF_VALID_FROM, 0);
		c.to_ymd = form_int(f, CF_VALID_TO, 0);
		c.claim_days = (int)form_int(f, CF_CLAIM_DAYS, 30);
		c.audience = (enum audience)form_int(f, CF_AUDIENCE, AU_ALL);
		c.uins = form_str(f, CF_UINS, "");
		c.total_limit = (int)form_int(f, CF_TOTAL_LIMIT, 0);
		c.per_account = (int)form_int(f, CF_PER_ACCOUNT, 1);
		s = campaign_save(r->app->db, r->arena, &r->me, r->remote_addr, &c,
		    &saved, &bad);
	}
	if (s == KQ_INVALID_FIELD) {
		campaign_page(r, 422, id && campaign_get(r->app->db, r->arena, id,
		    &cur) == KQ_OK ? &cur : NULL, f, s, bad);
		return;
	}
	reply_done(r, s, "campaign_saved",
	    arena_printf(r->arena, "/admin/campaigns/%lld", saved));
}

void
h_campaign_create(struct req *r)
{
	campaign_post(r, 0);
}

void
h_campaign_update(struct req *r)
{
	campaign_post(r, r->id);
}

static void
campaign_status(struct req *r, enum campaign_status to, const char *flash)
{
	reply_done(r, campaign_set_status(r->app->db, r->arena, &r->me,
	    r->remote_addr, r->id, to), flash,
	    arena_printf(r->arena, "/admin/campaigns/%lld", r->id));
}

void
h_campaign_disable(struct req *r)
{
	campaign_status(r, CS_DISABLED, "campaign_disabled");
}

void
h_campaign_enable(struct req *r)
{
	campaign_status(r, CS_ACTIVE, "campaign_enabled");
}

/* ------------------------------------------------------------ members */

void
h_coupons(struct req *r)
{
	struct pager	 pg = { .page = r->page, .after = r->after };
	struct campaign	*open;
	struct coupon	*rows;
	struct view	*v, *x;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, no, i;

	if ((s = campaigns_claimable(r->app->db, r->arena, r->me.uin, &open,
	    &no)) != KQ_OK ||
	    (s = coupon_list_mine(r->app->db, r->arena, r->me.uin,
	    (int)form_int(&r->q, KQ_Q_STATUS, -1), &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	l = view_list(v, "campaigns");
	for (i = 0; i < no; i++) {
		x = vlist_add(l);
		show_campaign(r->arena, x, &open[i]);
	}
	show_choices(v, "statuses", opt_coupon_status,
	    form_str(&r->q, KQ_Q_STATUS, ""), "selected");
	l = view_list(v, "coupons");
	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "id", rows[i].id);
		view_set(x, "name", rows[i].c.name);
		show_discount(x, &rows[i].c);
		show_state(x, "status", opt_coupon_status, rows[i].status);
		show_date(x, "valid_to", rows[i].valid_to);
		if (rows[i].c.min_amount > 0)
			show_money(x, "min_amount", rows[i].c.min_amount);
	}
	show_pager(r, v, &pg);
	reply_page(r, 200, "user.coupons", v);
}

void
h_coupon_claim(struct req *r)
{
	enum kq_outcome		s = r->f_outcome;
	enum discount_unfit	why = DU_FITS;
	long long		id;
	int			n = 0;

	if (s == KQ_OK && r->f.v[CL_ALL].present)
		s = coupons_claim_all(r->app->db, r->arena, r->me.uin, &n);
	else if (s == KQ_OK && r->f.v[CL_CAMPAIGN].present) {
		s = coupon_claim(r->app->db, r->arena, r->me.uin,
		    r->f.v[CL_CAMPAIGN].i, &id, &why);
		n = s == KQ_OK;
	} else if (s == KQ_OK)
		s = KQ_INVALID_FIELD;
	if (s == KQ_DISCOUNT_NOT_APPLICABLE) {
		reply_fail_reason(r, s, discount_unfit_names[why],
		    L(option_text(opt_discount_unfit, why)));
		return;
	}
	if (s != KQ_OK) {
		reply_fail_at(r, s, s == KQ_INVALID_FIELD ? "campaign" : NULL, NULL);
		return;
	}
	reply_flash_count(r, n == 0 ? "claimed_none" : "claimed", n);
	reply_redirect(r, "/user/coupons");
}
