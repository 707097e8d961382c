/*
 * h_partner_admin.c - partner vouchers in the finance backend (SPEC §6):
 * the review queue of Type II applications (approve, reject with a
 * reason), Type I issue, every partner voucher with invalidation.
 * Viewers read; every POST needs role admin (the route table).
 */
#include <string.h>

#include "account.h"
#include "catalog.h"
#include "flash.h"
#include "handlers.h"
#include "partner_voucher.h"
#include "present.h"
#include "record.h"
#include "reply.h"

enum { AA_APPROVAL, AA_PARTNER, AA_PAGE, AA__MAX };
static const struct field applications_fields[AA__MAX] = {
	[AA_APPROVAL] = { .name = "approval", .type = FT_OPTION,
	  .options = opt_approval },
	[AA_PARTNER] = { .name = "partner", .type = FT_INT, .min = 1,
	  .max = UIN_MAX },
	[AA_PAGE] = PAGE_FIELD,
};
const struct form_def applications_query = FORM_DEF(applications_fields);

static const struct field reject_fields[RJ__MAX] = {
	[RJ_REASON] = { .name = "reason", .type = FT_TEXT, .required = 1,
	  .multiline = 1,
	  .maxlen = 500 },
};
const struct form_def reject_form = FORM_DEF(reject_fields);

enum { AP_Q_PARTNER, AP_Q_TYPE, AP_Q_STATUS, AP_Q_PAGE, AP_Q__MAX };
static const struct field admin_pvouchers_fields[AP_Q__MAX] = {
	[AP_Q_PARTNER] = { .name = "partner", .type = FT_INT, .min = 1,
	  .max = UIN_MAX },
	[AP_Q_TYPE] = { .name = "type", .type = FT_OPTION, .options = opt_pv_type },
	[AP_Q_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_pv_status },
	[AP_Q_PAGE] = PAGE_FIELD,
};
const struct form_def admin_pvouchers_query = FORM_DEF(admin_pvouchers_fields);

enum { PI_PARTNER, PI_AMOUNT, PI_SCOPE, PI_PRODUCTS, PI_BILLING, PI_VALID_DAYS,
	PI_EDIT, PI__MAX };
static const struct field pv_issue_fields[PI__MAX] = {
	[PI_PARTNER] = { .name = "partner", .type = FT_INT, .required = 1,
	  .min = 1, .max = UIN_MAX },
	[PI_AMOUNT] = { .name = "amount", .type = FT_MONEY, .required = 1 },
	[PI_SCOPE] = { .name = "scope", .type = FT_OPTION, .required = 1,
	  .options = opt_partner_scope },
	[PI_PRODUCTS] = { .name = "products", .type = FT_TEXT, .repeated = 1,
	  .pattern = "[a-z_]{1,32}" },
	[PI_BILLING] = { .name = "billing", .type = FT_OPTION, .repeated = 1,
	  .required = 1, .options = opt_billing },
	[PI_VALID_DAYS] = { .name = "valid_days", .type = FT_INT, .required = 1,
	  .min = 1, .max = 3650 },
	/* the confirmation's way back: the form again, as it was typed */
	[PI_EDIT] = { .name = "edit", .type = FT_TEXT, .pattern = "1" },
};
const struct form_def pv_issue_form = FORM_DEF(pv_issue_fields);

/* A partner voucher's row in the backend, with what an admin may do. */
static void
show_row(struct req *r, struct view *x, const struct pvoucher *v)
{
	show_pvoucher_fields(r->arena, x, v);
	if (!r->me.is_admin_role)
		return;
	if (pv_can_review(v->approval)) {
		view_setf(x, "approve_href", "/admin/partner/applications/%lld/approve",
		    v->id);
		view_setf(x, "reject_href", "/admin/partner/applications/%lld/reject",
		    v->id);
	}
	if (pv_can_invalidate(v->status))
		view_setf(x, "invalidate_href", "/admin/partner/vouchers/%lld/invalidate",
		    v->id);
}

enum kq_outcome
show_partner_choices(struct req *r, struct view *v)
{
	struct customer	*rows;
	enum kq_outcome	 s;
	size_t		 n;

	if ((s = partner_choices(r->app->db, r->arena, 0, &rows, &n)) == KQ_OK)
		show_accounts(v, "partner_choices", rows, n);
	return s;
}

static void
list_page(struct req *r, const struct pvfilter *f, const char *list,
    const char *name)
{
	struct pager pg = { .page = r->page, .after = r->after };
	struct pvoucher	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = pv_list(r->app->db, r->arena, f, &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	flash_reshow(v, &r->q, KQ_OK, NULL);
	l = view_list(v, list);
	for (i = 0; i < n; i++)
		show_row(r, vlist_add(l), &rows[i]);
	show_choices(v, "approvals", opt_approval,
	    f->approval >= 0 ? approval_names[f->approval] : "", "selected");
	show_choices(v, "types", opt_pv_type,
	    f->type >= 0 ? pv_type_names[f->type] : "", "selected");
	show_choices(v, "statuses", opt_pv_status,
	    f->status >= 0 ? voucher_status_names[f->status] : "", "selected");
	if ((s = show_partner_choices(r, v)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	show_pager(r, v, &pg);
	reply_page(r, 200, name, v);
}

void
h_applications(struct req *r)
{
	struct pvfilter f = { 0 };

	f.partner = form_int(&r->q, AA_PARTNER, 0);
	f.type = PVT_2;
	f.approval = (int)form_int(&r->q, AA_APPROVAL, -1);
	f.status = -1;
	f.balance = -1;
	f.review = 1;
	list_page(r, &f, "applications", "admin.partner.applications");
}

void
h_application_approve(struct req *r)
{
	reply_done(r, pv_approve(r->app->db, r->arena, &r->me, r->remote_addr, r->id),
	    "approved", "/admin/partner/applications");
}

void
h_application_reject(struct req *r)
{
	enum kq_outcome s = r->f_outcome;

	if (s == KQ_OK)
		s = pv_reject(r->app->db, r->arena, &r->me, r->remote_addr, r->id,
		    r->f.v[RJ_REASON].s);
	reply_done_with_reason(r, s, "rejected", "/admin/partner/applications");
}

void
h_admin_pvouchers(struct req *r)
{
	struct pvfilter f = { 0 };

	f.partner = form_int(&r->q, AP_Q_PARTNER, 0);
	f.type = (int)form_int(&r->q, AP_Q_TYPE, -1);
	f.approval = -1;
	f.status = state_index(voucher_status_names,
	    form_str(&r->q, AP_Q_STATUS, ""));
	f.balance = -1;
	list_page(r, &f, "vouchers", "admin.partner.vouchers");
}

/* The Type I form: new, or re-shown with the error on field bad. */
static void
issue_page(struct req *r, int status, enum kq_outcome err, const char *bad)
{
	const struct product	*p;
	struct option		*opts;
	struct view		*v = reply_view(r);
	/* the POST re-shows what was typed */
	const struct form	*f = r->f.def != NULL ? &r->f : NULL;
	size_t			 n;
	enum kq_outcome		 s;

	if ((s = catalog_products(r->app->db, &p, &n)) != KQ_OK ||
	    (opts = OPTIONS_OF(r->arena, p, n)) == NULL ||
	    (s = show_partner_choices(r, v)) != KQ_OK) {
		reply_fail(r, s != KQ_OK ? s : KQ_UNAVAILABLE);
		return;
	}
	if (f != NULL)
		flash_reshow(v, f, err, bad);
	else
		view_set(view_map(v, "f"), "valid_days", "365");
	show_choices(v, "scopes", opt_partner_scope, f ? f->v[PI_SCOPE].raw :
	    "exclude", "checked");
	show_choices(v, "products", opts, f ? form_join(r->arena, f, PI_PRODUCTS) :
	    "", "checked");
	show_choices(v, "billings", opt_billing, f ? form_join(r->arena, f,
	    PI_BILLING) : "prepaid", "checked");
	reply_page(r, status, "admin.partner.voucher.new", v);
}

void
h_admin_pvoucher_new(struct req *r)
{
	issue_page(r, 200, KQ_OK, NULL);
}

/* The Type I the form asks for. */
static void
spec_of(struct req *r, struct pv_spec *spec)
{
	const struct form *f = &r->f;

	memset(spec, 0, sizeof(*spec));
	spec->partner = f->v[PI_PARTNER].i;
	spec->amount = f->v[PI_AMOUNT].i;
	spec->scope = (enum voucher_scope)state_index(voucher_scope_names,
	    f->v[PI_SCOPE].raw);
	spec->products = form_join(r->arena, f, PI_PRODUCTS);
	spec->billing = form_join(r->arena, f, PI_BILLING);
	spec->valid_days = (int)f->v[PI_VALID_DAYS].i;
}

/* Before a Type I is made (issue 31): the partner named, the amount, its
 * terms and what the cap will do; its form posts the same fields to
 * /admin/partner/vouchers, which stays as SPEC §8 has it. */
void
h_admin_pvoucher_preview(struct req *r)
{
	const struct form	*f = &r->f;
	struct pv_spec		 spec;
	struct partner		 p;
	struct view		*v, *x;
	struct vlist		*l;
	enum kq_outcome		 s = r->f_outcome;
	const char		*bad = f->bad;
	int			 held = 0;
	size_t			 i;

	if (s == KQ_OK && f->v[PI_EDIT].present) {
		issue_page(r, 200, KQ_OK, NULL);
		return;
	}
	if (s == KQ_OK) {
		spec_of(r, &spec);
		s = pv_issue_plan(r->app->db, r->arena, &spec, &p, &held, &bad);
	}
	if (s == KQ_INVALID_FIELD) {
		issue_page(r, 422, s, bad);
		return;
	}
	if (s != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	x = view_map(v, "pv");
	view_set_int(x, "partner", p.uin);
	view_set(x, "partner_name", p.name);
	show_money(x, "amount", spec.amount);
	view_set(x, "amount_typed", f->v[PI_AMOUNT].raw);
	view_set(x, "scope", voucher_scope_names[spec.scope]);
	view_set(x, "scope_text", scope_text(r->arena, spec.scope,
	    catalog_names(r->arena, spec.products)));
	view_set(x, "billing_text", list_text(r->arena, opt_billing, spec.billing));
	view_set_int(x, "valid_days", spec.valid_days);
	if (held)
		view_set(x, "needs_approval", "1");
	l = view_list(v, "products");
	for (i = 0; i < f->v[PI_PRODUCTS].nlist; i++)
		view_set(vlist_add(l), "value", f->v[PI_PRODUCTS].list[i]);
	l = view_list(v, "billings");
	for (i = 0; i < f->v[PI_BILLING].nlist; i++)
		view_set(vlist_add(l), "value", f->v[PI_BILLING].list[i]);
	reply_page(r, 200, "admin.partner.voucher.confirm", v);
}

void
h_admin_pvoucher_issue(struct req *r)
{
	const struct form	*f = &r->f;
	struct pv_spec		 spec;
	enum kq_outcome		 s = r->f_outcome;
	const char		*bad = f->bad;
	long long		 id = 0;

	if (s == KQ_OK) {
		spec_of(r, &spec);
		s = pv_issue(r->app->db, r->arena, &r->me, r->remote_addr, &spec,
		    &id, &bad);
	}
	if (s == KQ_INVALID_FIELD) {
		issue_page(r, 422, s, bad);
		return;
	}
	reply_made(r, s, id, "issued", arena_printf(r->arena,
	    "/admin/partner/vouchers?partner=%lld", f->v[PI_PARTNER].i));
}

void
h_admin_pvoucher_invalidate(struct req *r)
{
	pv_invalidate_answer(r, "/admin/partner/vouchers");
}
