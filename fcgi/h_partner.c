/*
 * h_partner.c - the partner center (SPEC §6, seeds 002 and 003): the
 * partner's home and customers and its two template lists (partner voucher
 * templates for Type II applications, customer voucher templates for
 * discounts), with the application and the issue they lead to; its
 * vouchers, charges and switch are h_partner_vouchers.c's.  Every page
 * reads only the partner's own rows: another partner's id is a 404.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "catalog.h"
#include "base/clock.h"
#include "flash.h"
#include "handlers.h"
#include "present.h"
#include "record.h"
#include "reply.h"
#include "voucher_issue.h"
#include "voucher_template.h"

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

/* ------------------------------------------------------------ shared */

enum kq_outcome
show_customers(struct req *r, struct view *v)
{
	struct customer	*rows;
	enum kq_outcome	 s;
	size_t		 n;

	if ((s = partner_choices(r->app->db, r->arena, r->me.uin, &rows,
	    &n)) == KQ_OK)
		show_accounts(v, "customers", rows, n);
	return s;
}

/* ------------------------------------------------------------ home, customers */

/* The partner's applications decided within 30 days, newest decision
 * first, and how many wait (issue 31: the home says what came of them). */
static enum kq_outcome
show_decisions(struct req *r, struct view *v)
{
	struct pvoucher	*rows;
	struct vlist	*l = view_list(v, "decisions");
	struct view	*x;
	long long	 waiting;
	enum kq_outcome	 s;
	size_t		 i, n;

	if ((s = pv_waiting(r->app->db, r->me.uin, &waiting)) != KQ_OK ||
	    (s = pv_decisions(r->app->db, r->arena, r->me.uin,
	    time(NULL) - 30 * 86400, &rows, &n)) != KQ_OK)
		return s;
	if (waiting > 0 || n > 0)
		view_set(v, "reviews", "1");
	if (waiting > 0)
		view_setf(v, "pending_text", Ln("%s 份申请正在等待平台审核。",
		    waiting), waiting > PAGER_COUNTED ? "10,000+" :
		    arena_printf(r->arena, "%lld", waiting));
	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "id", rows[i].id);
		view_setf(x, "href", "/partner/vouchers/%lld", rows[i].id);
		view_set(x, "name", rows[i].name);
		view_set_int(x, "customer", rows[i].customer_uin);
		show_money(x, "face", rows[i].face);
		show_state(x, "approval", opt_approval, rows[i].approval);
		show_time(x, "reviewed_at", rows[i].reviewed_at);
		if (rows[i].reason != NULL && *rows[i].reason)
			view_set(x, "reason", rows[i].reason);
	}
	return KQ_OK;
}

void
h_partner_home(struct req *r)
{
	struct partner	 p;
	struct view	*v, *x;
	enum kq_outcome	 s;

	if ((s = partner_get(r->app->db, r->arena, r->me.uin, &p)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	x = view_map(v, "partner");
	view_set_int(x, "uin", p.uin);
	view_set(x, "name", p.name);
	view_set_int(x, "customers", p.customers);
	view_set(x, "associated_first", p.associated_first ? "1" : "0");
	if (p.associated_first)
		view_set(x, "associated_first_on", "1");
	if ((s = show_decisions(r, v)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	reply_page(r, 200, "partner.home", v);
}

void
h_partner_customers(struct req *r)
{
	struct pager pg = { .page = r->page, .after = r->after };
	struct customer	*rows;
	struct view	*v, *x;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = partner_customers(r->app->db, r->arena, r->me.uin, &pg, &rows,
	    &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
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
	reply_page(r, 200, "partner.customers", v);
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
		    Ln("审核通过后 %d 天", t->valid_days) :
		    Ln("发放后 %d 天", t->valid_days), t->valid_days);
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
	struct pager pg = { .page = r->page, .after = r->after };
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
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	l = view_list(v, "templates");
	for (i = 0; i < n; i++)
		show_ptemplate(r->arena, vlist_add(l), d, &rows[i]);
	show_pager(r, v, &pg);
	reply_page(r, 200, d->list_page, v);
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
	struct view		*v = reply_view(r);
	const char		*products = "", *bill = "prepaid";
	const char		*scope = d->scopes[0].value;
	size_t			 n;
	enum kq_outcome		 s;

	if ((s = catalog_products(r->app->db, &p, &n)) != KQ_OK ||
	    (s = show_customers(r, v)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (f != NULL && f->def == (d->kind == TK_PARTNER ? &ptemplate_form :
	    &ctemplate_form)) {
		flash_reshow(v, f, err, bad);
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
	    PT_VALIDITY, "");
	/* a refused grant: its field marked with why, what was typed kept */
	if (err != KQ_OK && f != NULL && f->def == &grant_form)
		flash_reshow(v, f, err, bad);
	else if (err != KQ_OK && f == NULL)
		flash_now(v, err, bad);
	if (f != NULL && f->def == &grant_form)
		view_set(view_map(v, "g"), "uin", f->v[GF_UIN].raw);
	show_choices(v, "scopes", d->scopes, scope, "checked");
	if ((opts = OPTIONS_OF(r->arena, p, n)) == NULL) {
		reply_fail(r, KQ_UNAVAILABLE);
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
	reply_page(r, status, d->page, v);
}

static void
ptemplate_show(struct req *r, const struct tdesc *d)
{
	struct vtemplate t;
	enum kq_outcome	 s;

	if ((s = template_get_of(r->app->db, r->arena, d->kind, r->me.uin, r->id,
	    &t)) != KQ_OK) {
		reply_fail(r, s);
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
	reply_done(r, s, "template_saved", arena_printf(r->arena, "%s/%lld", d->base,
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
	reply_done(r, s, d->kind == TK_PARTNER ? "applied" : "issued",
	    arena_printf(r->arena, d->kind == TK_PARTNER ? "/partner/vouchers/%lld" :
	    "/partner/customer-vouchers/%lld", id));
}

void h_ptemplate_apply(struct req *r) { grant(r, &partner_templates); }
void h_ctemplate_issue(struct req *r) { grant(r, &customer_templates); }
