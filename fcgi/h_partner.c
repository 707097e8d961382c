/*
 * h_partner.c - the partner center (SPEC §6, seeds 002 and 003): the
 * partner's customers, its two template lists (partner voucher templates
 * for Type II applications, customer voucher templates for discounts),
 * its partner vouchers and its customers' vouchers with their usage
 * details, its charges, and its switch.  Every page reads only the
 * partner's own rows: another partner's id is a 404.
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "catalog.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/money.h"
#include "partner_charge.h"
#include "partner_voucher.h"
#include "base/i18n.h"
#include "present.h"
#include "routes.h"
#include "voucher.h"
#include "voucher_issue.h"
#include "voucher_template.h"

#define UIN_MAX	999999999999LL

/* Both template forms: a partner template has no dates (its days count
 * from approval), so its form ends before PT_VALID_FROM. */
enum {
	PT_NAME, PT_FACE, PT_SCOPE, PT_PRODUCTS, PT_BILLING, PT_MIN_AMOUNT,
	PT_VALID_DAYS, PT_VALID_FROM, PT_VALID_TO, PT_VALIDITY, PT__MAX
};
#define TEMPLATE_FIELDS(scopes) \
	[PT_NAME] = { .name = "name", .type = FT_TEXT, .required = 1, .maxlen = 100 }, \
	[PT_FACE] = { .name = "face", .type = FT_MONEY, .required = 1 }, \
	[PT_SCOPE] = { .name = "scope", .type = FT_OPTION, .required = 1, \
	  .options = (scopes) }, \
	[PT_PRODUCTS] = { .name = "products", .type = FT_TEXT, .repeated = 1, \
	  .pattern = "[a-z_]{1,32}" }, \
	[PT_BILLING] = { .name = "billing", .type = FT_OPTION, .repeated = 1, \
	  .required = 1, .options = opt_billing }, \
	[PT_MIN_AMOUNT] = { .name = "min_amount", .type = FT_MONEY }
static const struct field ptemplate_fields[PT_VALID_FROM] = {
	TEMPLATE_FIELDS(opt_partner_scope),
	[PT_VALID_DAYS] = { .name = "valid_days", .type = FT_INT, .required = 1,
	  .min = 1, .max = 3650 },
};
const struct form_def ptemplate_form = FORM_DEF(ptemplate_fields);
static const struct field ctemplate_fields[PT__MAX] = {
	TEMPLATE_FIELDS(opt_scope),
	[PT_VALID_DAYS] = { .name = "valid_days", .type = FT_INT, .min = 1,
	  .max = 3650 },
	[PT_VALID_FROM] = { .name = "valid_from", .type = FT_DATE },
	[PT_VALID_TO] = { .name = "valid_to", .type = FT_DATE },
	[PT_VALIDITY] = VALIDITY_FIELD,
};
const struct form_def ctemplate_form = FORM_DEF(ctemplate_fields);

/* apply (Type II) and issue (a discount voucher): a customer, an amount */
enum { GF_UIN, GF_AMOUNT, GF__MAX };
static const struct field grant_fields[GF__MAX] = {
	[GF_UIN] = { .name = "uin", .type = FT_INT, .required = 1, .min = 1,
	  .max = UIN_MAX },
	[GF_AMOUNT] = { .name = "amount", .type = FT_MONEY },
};
const struct form_def grant_form = FORM_DEF(grant_fields);

enum { PQ_TYPE, PQ_APPROVAL, PQ_STATUS, PQ_CUSTOMER, PQ_BALANCE, PQ_PAGE, PQ__MAX };
static const struct field pvouchers_fields[PQ__MAX] = {
	[PQ_TYPE] = { .name = "type", .type = FT_OPTION, .options = opt_pv_type },
	[PQ_APPROVAL] = { .name = "approval", .type = FT_OPTION,
	  .options = opt_approval },
	[PQ_STATUS] = { .name = "status", .type = FT_OPTION, .options = opt_pv_status },
	[PQ_CUSTOMER] = { .name = "customer", .type = FT_INT, .min = 1,
	  .max = UIN_MAX },
	[PQ_BALANCE] = { .name = "balance", .type = FT_OPTION,
	  .options = opt_balance_filter },
	[PQ_PAGE] = PAGE_FIELD,
};
const struct form_def pvouchers_query = FORM_DEF(pvouchers_fields);

enum { CQ_UIN, CQ_PURPOSE, CQ_STATUS, CQ_PAGE, CQ__MAX };
static const struct field cvouchers_fields[CQ__MAX] = {
	[CQ_UIN] = { .name = "uin", .type = FT_INT, .min = 1, .max = UIN_MAX },
	[CQ_PURPOSE] = { .name = "purpose", .type = FT_OPTION,
	  .options = opt_purpose },
	[CQ_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_voucher_status },
	[CQ_PAGE] = PAGE_FIELD,
};
const struct form_def cvouchers_query = FORM_DEF(cvouchers_fields);

enum { HQ_UIN, HQ_FROM, HQ_TO, HQ_PAGE, HQ__MAX };
static const struct field charges_fields[HQ__MAX] = {
	[HQ_UIN] = { .name = "uin", .type = FT_INT, .min = 1, .max = UIN_MAX },
	[HQ_FROM] = { .name = "from", .type = FT_DATE },
	[HQ_TO] = { .name = "to", .type = FT_DATE },
	[HQ_PAGE] = PAGE_FIELD,
};
const struct form_def charges_query = FORM_DEF(charges_fields);

enum { SF_ASSOCIATED_FIRST, SF__MAX };
static const struct field psettings_fields[SF__MAX] = {
	[SF_ASSOCIATED_FIRST] = { .name = "associated_first", .type = FT_TEXT,
	  .required = 1, .pattern = "[01]" },
};
const struct form_def psettings_form = FORM_DEF(psettings_fields);

/* ------------------------------------------------------------ shared */

/* A partner voucher's row or details, with what the partner may do. */
static void
show_pvoucher(struct arena *a, struct view *x, const struct pvoucher *v)
{
	view_set_int(x, "id", v->id);
	view_setf(x, "href", "/partner/vouchers/%lld", v->id);
	view_set(x, "name", v->name);
	show_state(x, "type", opt_pv_type, v->type);
	view_set_int(x, "partner", v->partner_uin);
	view_set(x, "partner_name", v->partner_name);
	if (v->customer_uin)
		view_set_int(x, "customer", v->customer_uin);
	show_state(x, "approval", opt_approval, v->approval);
	show_state(x, "status", opt_voucher_status, v->status);
	show_money(x, "face", v->face);
	show_money(x, "balance", v->balance);
	show_money(x, "min_amount", v->min_amount);
	show_date(x, "valid_from", v->valid_from);
	show_date(x, "valid_to", v->valid_to);
	view_setf(x, "validity_days", L("审核通过后 %d 天"), v->valid_days);
	view_set(x, "scope", voucher_scope_names[v->scope]);
	view_set(x, "scope_text", scope_text(a, v->scope, v->product_names));
	view_set(x, "billing", v->billing);
	if (*v->reason)
		view_set(x, "reason", v->reason);
	show_time(x, "time", v->created_at);
	if (v->associated) {
		view_set_int(x, "associated", v->associated);
		view_setf(x, "associated_href", "/partner/customer-vouchers/%lld",
		    v->associated);
	}
	if (pv_can_review(v->approval))
		view_setf(x, "cancel_href", "/partner/vouchers/%lld/cancel", v->id);
	if (pv_can_invalidate(v->status))
		view_setf(x, "invalidate_href", "/partner/vouchers/%lld/invalidate",
		    v->id);
}

/* A usage-details table: list "ledger" with the customer of each row. */
static void
show_ledger(struct view *v, const struct ledger_row *rows, size_t n)
{
	struct vlist	*l = view_list(v, "ledger");
	struct view	*x;
	size_t		 i;

	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "id", rows[i].id);
		show_time(x, "time", rows[i].time);
		show_state(x, "kind", opt_ledger_kind, rows[i].kind);
		if (rows[i].order_id)
			view_set_int(x, "order", rows[i].order_id);
		if (rows[i].customer)
			view_set_int(x, "customer", rows[i].customer);
		show_money(x, "amount", rows[i].amount);
		show_money(x, "balance", rows[i].balance);
	}
}

/* The partner's customers as choices for a UIN input (a datalist). */
static enum kq_outcome
show_customers(struct req *r, struct view *v)
{
	struct pager pg = { .page = 1 };
	struct customer	*rows;
	struct view	*x;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = partner_customers(r->app->db, r->arena, r->me.uin, &pg, &rows,
	    &n)) != KQ_OK)
		return s;
	l = view_list(v, "customers");
	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "uin", rows[i].uin);
		view_set(x, "name", rows[i].name);
	}
	return KQ_OK;
}

/* ------------------------------------------------------------ home, customers */

void
h_partner_home(struct req *r)
{
	struct partner	 p;
	struct view	*v, *x;
	enum kq_outcome	 s;

	if ((s = partner_get(r->app->db, r->arena, r->me.uin, &p)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	x = view_map(v, "partner");
	view_set_int(x, "uin", p.uin);
	view_set(x, "name", p.name);
	view_set_int(x, "customers", p.customers);
	view_set(x, "associated_first", p.associated_first ? "1" : "0");
	if (p.associated_first)
		view_set(x, "associated_first_on", "1");
	page(r, 200, "partner.home", v);
}

void
h_partner_customers(struct req *r)
{
	struct pager pg = { .page = r->page };
	struct customer	*rows;
	struct view	*v, *x;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = partner_customers(r->app->db, r->arena, r->me.uin, &pg, &rows,
	    &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	l = view_list(v, "customers");
	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "uin", rows[i].uin);
		view_set(x, "name", rows[i].name);
		show_date(x, "since", rows[i].created_at);
		view_setf(x, "vouchers_href", "/partner/customer-vouchers?uin=%lld",
		    rows[i].uin);
		view_setf(x, "charges_href", "/partner/charges?uin=%lld", rows[i].uin);
	}
	show_pager(r, v, &pg);
	page(r, 200, "partner.customers", v);
}

/* ------------------------------------------------------------ templates */

/* What differs between the two template lists. */
struct tdesc {
	enum template_kind	 kind;
	const char		*base;		/* its URL */
	const char		*list_page, *page;
	const struct option	*scopes;
	const char		*grant;		/* "apply" or "issue" */
};
static const struct tdesc partner_templates = {
	TK_PARTNER, "/partner/templates", "partner.templates", "partner.template",
	opt_partner_scope, "apply"
};
static const struct tdesc customer_templates = {
	TK_CUSTOMER, "/partner/customer-templates", "partner.customer_templates",
	"partner.customer_template", opt_scope, "issue"
};

static void
show_ptemplate(struct arena *a, struct view *x, const struct tdesc *d,
    const struct vtemplate *t)
{
	char f[CLOCK_BUFSZ], to[CLOCK_BUFSZ];

	view_set_int(x, "id", t->id);
	view_setf(x, "href", "%s/%lld", d->base, t->id);
	view_set(x, "name", t->name);
	show_money(x, "face", t->face);
	view_set(x, "scope", voucher_scope_names[t->scope]);
	view_set(x, "scope_text", scope_text(a, t->scope,
	    catalog_names(a, t->products)));
	view_set(x, "billing", t->billing);
	view_set(x, "billing_text", option_text_of(opt_billing, t->billing));
	show_money(x, "min_amount", t->min_amount);
	if (t->valid_days)
		view_setf(x, "validity", d->kind == TK_PARTNER ?
		    L("审核通过后 %d 天") : L("发放后 %d 天"), t->valid_days);
	else {
		clock_display_date(t->valid_from, f, sizeof(f));
		clock_display_date(t->valid_to, to, sizeof(to));
		view_setf(x, "validity", L("%s 至 %s"), f, to);
	}
	view_set_int(x, "issued", t->issued);
	if (t->issued)
		view_set(x, "locked", "1");
}

static void
ptemplates(struct req *r, const struct tdesc *d)
{
	struct pager pg = { .page = r->page };
	const struct product *p;
	struct vtemplate *rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	/* the catalog names the products of each row */
	if ((s = catalog_products(r->app->db, &p, &n)) != KQ_OK ||
	    (s = template_list_of(r->app->db, r->arena, d->kind,
	    r->me.uin, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	l = view_list(v, "templates");
	for (i = 0; i < n; i++)
		show_ptemplate(r->arena, vlist_add(l), d, &rows[i]);
	show_pager(r, v, &pg);
	page(r, 200, d->list_page, v);
}

/* The template page: new (t NULL), existing (t), or a form re-shown (f)
 * with the error err on field bad. */
static void
ptemplate_page(struct req *r, const struct tdesc *d, int status,
    const struct vtemplate *t, const struct form *f, enum kq_outcome err,
    const char *bad)
{
	const struct product	*p;
	struct option		*opts;
	struct view		*v = page_view(r);
	const char		*products = "", *bill = "prepaid";
	const char		*scope = d->scopes[0].value;
	size_t			 n;
	enum kq_outcome		 s;

	if ((s = catalog_products(r->app->db, &p, &n)) != KQ_OK ||
	    (s = show_customers(r, v)) != KQ_OK) {
		fail(r, s);
		return;
	}
	if (f != NULL && f->def == (d->kind == TK_PARTNER ? &ptemplate_form :
	    &ctemplate_form)) {
		form_reshow(v, f, err, bad);
		products = form_join(r->arena, f, PT_PRODUCTS);
		bill = form_join(r->arena, f, PT_BILLING);
		scope = f->v[PT_SCOPE].raw;
	} else if (t != NULL) {
		show_template_form(r->arena, view_map(v, "f"), t);
		products = t->products;
		bill = t->billing;
		scope = voucher_scope_names[t->scope];
	} else if (d->kind == TK_PARTNER)
		view_set(view_map(v, "f"), "valid_days", "90");
	show_validity(v, f != NULL && f->def == &ctemplate_form ? f : NULL,
	    PT_VALIDITY);
	if (err != KQ_OK && (f == NULL || f->def == &grant_form))
		flash_now(v, err, bad);
	if (f != NULL && f->def == &grant_form)
		view_set(view_map(v, "g"), "uin", f->v[GF_UIN].raw);
	show_choices(v, "scopes", d->scopes, scope, "checked");
	if ((opts = OPTIONS_OF(r->arena, p, n)) == NULL) {
		fail(r, KQ_UNAVAILABLE);
		return;
	}
	show_choices(v, "products", opts, products, "checked");
	show_choices(v, "billings", opt_billing, bill, "checked");
	if (d->kind == TK_CUSTOMER)
		view_set(v, "dates", "1");
	if (t != NULL) {
		show_ptemplate(r->arena, view_map(v, "template"), d, t);
		view_setf(v, "action", "%s/%lld", d->base, t->id);
		view_setf(v, "grant_action", "%s/%lld/%s", d->base, t->id, d->grant);
	} else {
		view_set(v, "action", d->base);
		view_set(v, "new", "1");
	}
	page(r, status, d->page, v);
}

static void
ptemplate_show(struct req *r, const struct tdesc *d)
{
	struct vtemplate t;
	enum kq_outcome	 s;

	if ((s = template_get_of(r->app->db, r->arena, d->kind, r->me.uin, r->id,
	    &t)) != KQ_OK) {
		fail(r, s);
		return;
	}
	ptemplate_page(r, d, 200, &t, NULL, KQ_OK, NULL);
}

static void
ptemplate_post(struct req *r, const struct tdesc *d, long long id)
{
	const struct form	*f = &r->f;
	struct template_spec	 t;
	struct vtemplate	 cur;
	enum kq_outcome		 s = r->f_outcome;
	const char		*bad = NULL;
	long long		 saved = 0;

	if (s == KQ_OK) {
		memset(&t, 0, sizeof(t));
		t.id = id;
		t.kind = d->kind;
		t.owner = r->me.uin;
		t.name = f->v[PT_NAME].s;
		t.face = f->v[PT_FACE].i;
		t.mode = BM_CARRY_OVER;		/* SPEC §6 */
		t.scope = (enum voucher_scope)state_index(voucher_scope_names,
		    f->v[PT_SCOPE].raw);
		t.products = form_join(r->arena, f, PT_PRODUCTS);
		t.scenarios = "";
		t.billing = form_join(r->arena, f, PT_BILLING);
		t.min_amount = form_int(f, PT_MIN_AMOUNT, 0);
		t.valid_days = (int)form_int(f, PT_VALID_DAYS, 0);
		if (d->kind == TK_CUSTOMER) {
			t.from_ymd = form_int(f, PT_VALID_FROM, 0);
			t.to_ymd = form_int(f, PT_VALID_TO, 0);
			t.validity_by = validity_of(f, PT_VALIDITY);
		}
		s = template_save(r->app->db, r->arena, &r->me, r->remote_addr, &t,
		    &saved, &bad);
	}
	if (s == KQ_INVALID_FIELD) {
		ptemplate_page(r, d, 422, id && template_get_of(r->app->db, r->arena,
		    d->kind, r->me.uin, id, &cur) == KQ_OK ? &cur : NULL, f, s, bad);
		return;
	}
	done(r, s, "template_saved", arena_printf(r->arena, "%s/%lld", d->base,
	    saved));
}

void h_ptemplates(struct req *r) { ptemplates(r, &partner_templates); }
void h_ctemplates(struct req *r) { ptemplates(r, &customer_templates); }
void h_ptemplate_new(struct req *r)
{
	ptemplate_page(r, &partner_templates, 200, NULL, NULL, KQ_OK, NULL);
}
void h_ctemplate_new(struct req *r)
{
	ptemplate_page(r, &customer_templates, 200, NULL, NULL, KQ_OK, NULL);
}
void h_ptemplate(struct req *r) { ptemplate_show(r, &partner_templates); }
void h_ctemplate(struct req *r) { ptemplate_show(r, &customer_templates); }
void h_ptemplate_create(struct req *r) { ptemplate_post(r, &partner_templates, 0); }
void h_ctemplate_create(struct req *r) { ptemplate_post(r, &customer_templates, 0); }
void h_ptemplate_update(struct req *r)
{
	ptemplate_post(r, &partner_templates, r->id);
}
void h_ctemplate_update(struct req *r)
{
	ptemplate_post(r, &customer_templates, r->id);
}

/* Apply (Type II) or issue (a discount voucher) from template r->id. */
static void
grant(struct req *r, const struct tdesc *d)
{
	struct vtemplate t;
	enum kq_outcome	 s = r->f_outcome;
	const char	*bad = r->f.bad;
	long long	 id = 0;

	if (s == KQ_OK && d->kind == TK_PARTNER)
		s = pv_apply(r->app->db, r->arena, &r->me, r->remote_addr, r->id,
		    r->f.v[GF_UIN].i, form_int(&r->f, GF_AMOUNT, 0), &id, &bad);
	else if (s == KQ_OK)
		s = voucher_issue_customer(r->app->db, r->arena, &r->me,
		    r->remote_addr, r->id, r->f.v[GF_UIN].i,
		    form_int(&r->f, GF_AMOUNT, 0), &id, &bad);
	if (s == KQ_INVALID_FIELD && template_get_of(r->app->db, r->arena,
	    d->kind, r->me.uin, r->id, &t) == KQ_OK) {
		ptemplate_page(r, d, 422, &t, &r->f, s, bad);
		return;
	}
	done(r, s, d->kind == TK_PARTNER ? "applied" : "issued",
	    arena_printf(r->arena, d->kind == TK_PARTNER ? "/partner/vouchers/%lld" :
	    "/partner/customer-vouchers/%lld", id));
}

void h_ptemplate_apply(struct req *r) { grant(r, &partner_templates); }
void h_ctemplate_issue(struct req *r) { grant(r, &customer_templates); }

/* ------------------------------------------------------------ partner vouchers */

void
h_pvouchers(struct req *r)
{
	struct pvfilter	 f;
	struct pager pg = { .page = r->page };
	struct pvoucher	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	f.partner = r->me.uin;
	f.customer = form_int(&r->q, PQ_CUSTOMER, 0);
	f.type = (int)form_int(&r->q, PQ_TYPE, -1);
	f.approval = (int)form_int(&r->q, PQ_APPROVAL, -1);
	f.status = state_index(voucher_status_names, form_str(&r->q, PQ_STATUS, ""));
	f.balance = r->q.v[PQ_BALANCE].present ?
	    strcmp(r->q.v[PQ_BALANCE].raw, "nonzero") == 0 : -1;
	f.review = 0;
	if ((s = pv_list(r->app->db, r->arena, &f, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	form_reshow(v, &r->q, KQ_OK, NULL);
	show_choices(v, "types", opt_pv_type, form_str(&r->q, PQ_TYPE, ""), "selected");
	show_choices(v, "approvals", opt_approval, form_str(&r->q, PQ_APPROVAL, ""),
	    "selected");
	show_choices(v, "statuses", opt_pv_status, form_str(&r->q, PQ_STATUS, ""),
	    "selected");
	show_choices(v, "balances", opt_balance_filter,
	    form_str(&r->q, PQ_BALANCE, ""), "selected");
	l = view_list(v, "vouchers");
	for (i = 0; i < n; i++)
		show_pvoucher(r->arena, vlist_add(l), &rows[i]);
	show_pager(r, v, &pg);
	page(r, 200, "partner.vouchers", v);
}

/* The partner's voucher r->id and its ledger. */
static enum kq_outcome
pvoucher_and_ledger(struct req *r, struct pvoucher *pv, struct ledger_row **rows,
    size_t *n)
{
	enum kq_outcome s;

	if ((s = pv_get(r->app->db, r->arena, r->me.uin, r->id, pv)) != KQ_OK)
		return s;
	return pv_ledger(r->app->db, r->arena, r->id, rows, n);
}

void
h_pvoucher(struct req *r)
{
	struct pvoucher	 pv;
	struct ledger_row *rows;
	struct view	*v;
	enum kq_outcome	 s;
	size_t		 n;

	if ((s = pvoucher_and_ledger(r, &pv, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	show_pvoucher(r->arena, view_map(v, "voucher"), &pv);
	show_ledger(v, rows, n);
	view_setf(v, "csv_href", "/partner/vouchers/%lld/ledger.csv", r->id);
	page(r, 200, "partner.voucher", v);
}

void
h_pvoucher_csv(struct req *r)
{
	struct pvoucher	 pv;
	struct ledger_row *rows;
	enum kq_outcome	 s;
	size_t		 n;

	if ((s = pvoucher_and_ledger(r, &pv, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	ledger_csv(r, arena_printf(r->arena, "partner-voucher-%lld-ledger.csv",
	    r->id), rows, n, 1);
}

void
h_pvoucher_cancel(struct req *r)
{
	done(r, pv_cancel(r->app->db, r->arena, &r->me, r->remote_addr, r->id),
	    "review_cancelled", arena_printf(r->arena, "/partner/vouchers/%lld",
	    r->id));
}

/* The invalidation of a partner voucher, by the partner or an admin:
 * refused while its trial voucher is frozen, with the order named. */
void
pv_invalidate_answer(struct req *r, const char *back)
{
	long long	order;
	enum kq_outcome	s;

	s = pv_invalidate(r->app->db, r->arena, &r->me, r->remote_addr, r->id,
	    &order);
	if (s == KQ_VOUCHER_STATE && order)
		fail_at(r, s, NULL, arena_printf(r->arena, L("关联的客户代金券已冻结在未支付的"
		    "订单 #%lld 上,请在该订单支付或取消后再作废。"), order));
	else
		done(r, s, "voucher_invalidated", back);
}

void
h_pvoucher_invalidate(struct req *r)
{
	pv_invalidate_answer(r, arena_printf(r->arena, "/partner/vouchers/%lld",
	    r->id));
}

/* ------------------------------------------------------------ customer vouchers */

static void
show_cvoucher(struct arena *a, struct view *x, const struct voucher *v)
{
	show_voucher(a, x, v);
	view_setf(x, "href", "/partner/customer-vouchers/%lld", v->id);
	view_set_int(x, "customer", v->uin);
	show_state(x, "purpose", opt_purpose, v->purpose);
	if (v->associated) {
		view_set_int(x, "associated", v->associated);
		view_setf(x, "associated_href", "/partner/vouchers/%lld",
		    v->associated);
	}
	if (voucher_can_withdraw(v->purpose, v->status, v->face, v->balance))
		view_setf(x, "withdraw_href", "/partner/customer-vouchers/%lld/withdraw",
		    v->id);
}

void
h_cvouchers(struct req *r)
{
	struct vfilter	 f;
	struct pager pg = { .page = r->page };
	struct voucher	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	memset(&f, 0, sizeof(f));
	f.partner_uin = r->me.uin;
	f.uin = form_int(&r->q, CQ_UIN, 0);
	f.purpose = (int)form_int(&r->q, CQ_PURPOSE, -1);
	f.status = (int)form_int(&r->q, CQ_STATUS, -1);
	if ((s = voucher_list(r->app->db, r->arena, &f, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	form_reshow(v, &r->q, KQ_OK, NULL);
	show_choices(v, "purposes", opt_purpose, form_str(&r->q, CQ_PURPOSE, ""),
	    "selected");
	show_choices(v, "statuses", opt_voucher_status,
	    form_str(&r->q, CQ_STATUS, ""), "selected");
	l = view_list(v, "vouchers");
	for (i = 0; i < n; i++)
		show_cvoucher(r->arena, vlist_add(l), &rows[i]);
	show_pager(r, v, &pg);
	page(r, 200, "partner.customer_vouchers", v);
}

/* The partner's customer voucher r->id and its ledger, each use with the
 * customer (the voucher's account) as a partner voucher's has. */
static enum kq_outcome
cvoucher_and_ledger(struct req *r, struct voucher *vo, struct ledger_row **rows,
    size_t *n)
{
	enum kq_outcome	s;
	size_t		i;

	if ((s = voucher_get_of_partner(r->app->db, r->arena, r->me.uin, r->id,
	    vo)) != KQ_OK ||
	    (s = voucher_ledger(r->app->db, r->arena, r->id, rows, n)) != KQ_OK)
		return s;
	for (i = 0; i < *n; i++)
		if ((*rows)[i].order_id)
			(*rows)[i].customer = vo->uin;
	return KQ_OK;
}

void
h_cvoucher(struct req *r)
{
	struct voucher	 vo;
	struct ledger_row *rows;
	struct view	*v;
	enum kq_outcome	 s;
	size_t		 n;

	if ((s = cvoucher_and_ledger(r, &vo, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	show_cvoucher(r->arena, view_map(v, "voucher"), &vo);
	show_ledger(v, rows, n);
	view_setf(v, "csv_href", "/partner/customer-vouchers/%lld/ledger.csv", r->id);
	page(r, 200, "partner.customer_voucher", v);
}

void
h_cvoucher_csv(struct req *r)
{
	struct voucher	 vo;
	struct ledger_row *rows;
	enum kq_outcome	 s;
	size_t		 n;

	if ((s = cvoucher_and_ledger(r, &vo, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	ledger_csv(r, arena_printf(r->arena, "customer-voucher-%lld-ledger.csv",
	    r->id), rows, n, 1);
}

void
h_cvoucher_withdraw(struct req *r)
{
	done(r, voucher_withdraw(r->app->db, r->arena, &r->me, r->remote_addr,
	    r->id), "withdrawn", arena_printf(r->arena,
	    "/partner/customer-vouchers/%lld", r->id));
}

/* ------------------------------------------------------------ charges */

static void
charge_filter(const struct req *r, struct cfilter *f)
{
	*f = (struct cfilter){ .partner = r->me.uin,
	    .customer = form_int(&r->q, HQ_UIN, 0),
	    .from_ymd = form_int(&r->q, HQ_FROM, 0),
	    .to_ymd = form_int(&r->q, HQ_TO, 0) };
}

void
h_charges(struct req *r)
{
	struct cfilter	 f;
	struct pager pg = { .page = r->page };
	struct charge	*rows;
	struct view	*v, *x;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	charge_filter(r, &f);
	if ((s = charge_list(r->app->db, r->arena, &f, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	form_reshow(v, &r->q, KQ_OK, NULL);
	l = view_list(v, "charges");
	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "id", rows[i].id);
		view_set_int(x, "customer", rows[i].customer_uin);
		view_set_int(x, "order", rows[i].order_id);
		view_set(x, "product", rows[i].product);
		view_set(x, "product_text", rows[i].product_name);
		show_money(x, "amount", rows[i].amount);
		if (rows[i].voucher_id) {
			view_set_int(x, "voucher", rows[i].voucher_id);
			view_setf(x, "voucher_href", "/partner/vouchers/%lld",
			    rows[i].voucher_id);
		}
		show_money(x, "voucher_amount", rows[i].voucher_amount);
		show_money(x, "cash", rows[i].cash);
		show_state(x, "status", opt_charge_status, rows[i].status);
		show_time(x, "time", rows[i].created_at);
	}
	view_set(v, "csv_href", query_href(r, "/partner/charges.csv"));
	show_pager(r, v, &pg);
	page(r, 200, "partner.charges", v);
}

static int
charge_line(void *arg, const struct charge *c)
{
	FCGX_Stream	*out = arg;
	char		 t[CLOCK_BUFSZ], cells[6][MONEY_BUFSZ];

	clock_display(c->created_at, t, sizeof(t));
	snprintf(cells[0], sizeof(cells[0]), "%lld", c->customer_uin);
	snprintf(cells[1], sizeof(cells[1]), "%lld", c->order_id);
	money_plain(c->amount, cells[2], sizeof(cells[2]));
	money_plain(c->voucher_amount, cells[3], sizeof(cells[3]));
	money_plain(c->cash, cells[4], sizeof(cells[4]));
	snprintf(cells[5], sizeof(cells[5]), "%lld", c->voucher_id);
	csv_cell(out, t, 0);
	csv_cell(out, cells[0], 0);
	csv_cell(out, cells[1], 0);
	csv_cell(out, c->product_name, 0);
	csv_cell(out, c->billing, 0);
	csv_cell(out, c->scenario, 0);
	csv_cell(out, cells[2], 0);
	csv_cell(out, c->voucher_id ? cells[5] : "", 0);
	csv_cell(out, cells[3], 0);
	csv_cell(out, cells[4], 0);
	csv_cell(out, option_text(opt_charge_status, c->status), 1);
	return 0;
}

static const char *const charge_heads[] = {
	"客户 UIN", "订单", "产品", "计费模式", "场景", "金额(元)",
	"经销商代金券", "代金券抵扣(元)", "现金(元)", "状态", NULL
};

void
h_charges_csv(struct req *r)
{
	struct cfilter	 f;
	enum kq_outcome	 s;

	charge_filter(r, &f);
	csv_start(r, "charges.csv");
	csv_cell(r->fcgx->out, csv_time_head(r, "时间"), 0);
	csv_heads(r->fcgx->out, charge_heads);
	/* the headers are out: a failure now can only cut the file short */
	if ((s = charge_each(r->app->db, &f, charge_line, r->fcgx->out)) != KQ_OK)
		kq_log("charges.csv: %s", kq_code(s));
}

/* ------------------------------------------------------------ settings */

static void
settings_page(struct req *r)
{
	struct partner	 p;
	struct view	*v;
	enum kq_outcome	 s;

	if ((s = partner_get(r->app->db, r->arena, r->me.uin, &p)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	view_set(v, "associated_first", p.associated_first ? "1" : "0");
	view_set(v, p.associated_first ? "on" : "off", "checked");
	page(r, 200, "partner.settings", v);
}

void
h_psettings(struct req *r)
{
	settings_page(r);
}

void
h_psettings_save(struct req *r)
{
	enum kq_outcome s = r->f_outcome;

	if (s == KQ_OK)
		s = partner_set_associated_first(r->app->db, r->arena, &r->me,
		    r->remote_addr, r->f.v[SF_ASSOCIATED_FIRST].raw[0] == '1');
	done(r, s, "settings_saved", "/partner/settings");
}
