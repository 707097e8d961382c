/*
 * h_vouchers_admin.c - the finance backend's vouchers: templates (create,
 * view, edit until the first issue), issuing (targeted or codes), the issue
 * page with codes.txt, all vouchers with invalidation.
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "catalog.h"
#include "base/clock.h"
#include "export.h"
#include "flash.h"
#include "handlers.h"
#include "base/i18n.h"
#include "present.h"
#include "record.h"
#include "reply.h"
#include "voucher.h"
#include "voucher_issue.h"
#include "voucher_template.h"

enum {
	TF_NAME, TF_FACE, TF_MODE, TF_SCOPE, TF_PRODUCTS, TF_SCENARIOS,
	TF_BILLING, TF_MIN_AMOUNT, TF_MIN_MONTHS, TF_VALID_FROM, TF_VALID_TO,
	TF_VALID_DAYS, TF_VALIDITY, TF__MAX
};
static const struct field template_fields[TF__MAX] = {
	[TF_NAME] = { .name = "name", .type = FT_TEXT, .required = 1, .maxlen = 100 },
	[TF_FACE] = { .name = "face", .type = FT_MONEY, .required = 1 },
	[TF_MODE] = { .name = "balance_mode", .type = FT_OPTION, .required = 1,
	  .options = opt_balance_mode },
	[TF_SCOPE] = { .name = "scope", .type = FT_OPTION, .required = 1,
	  .options = opt_scope },
	[TF_PRODUCTS] = { .name = "products", .type = FT_TEXT, .repeated = 1,
	  .pattern = "[a-z_]{1,32}" },
	[TF_SCENARIOS] = { .name = "scenarios", .type = FT_OPTION, .repeated = 1,
	  .options = opt_scenario },
	[TF_BILLING] = { .name = "billing", .type = FT_OPTION, .repeated = 1,
	  .required = 1, .options = opt_billing },
	[TF_MIN_AMOUNT] = { .name = "min_amount", .type = FT_MONEY },
	[TF_MIN_MONTHS] = { .name = "min_months", .type = FT_INT, .min = 0, .max = 120 },
	[TF_VALID_FROM] = { .name = "valid_from", .type = FT_DATE },
	[TF_VALID_TO] = { .name = "valid_to", .type = FT_DATE },
	[TF_VALID_DAYS] = { .name = "valid_days", .type = FT_INT, .min = 1, .max = 3650 },
	[TF_VALIDITY] = VALIDITY_FIELD,
};
const struct form_def template_form = FORM_DEF(template_fields);

enum { IF_MODE, IF_UINS, IF_COUNT, IF_PAPER, IF_EDIT, IF__MAX };
static const struct field issue_fields[IF__MAX] = {
	[IF_MODE] = { .name = "mode", .type = FT_OPTION, .required = 1,
	  .options = opt_issue_mode },
	[IF_UINS] = { .name = "uins", .type = FT_TEXT, .maxlen = 20000,
	  .multiline = 1 },
	[IF_COUNT] = { .name = "count", .type = FT_INT, .min = 1,
	  .max = ISSUE_CODES_MAX },
	[IF_PAPER] = { .name = "paper", .type = FT_TEXT, .pattern = "1" },
	/* the confirmation's way back: the form again, as it was typed */
	[IF_EDIT] = { .name = "edit", .type = FT_TEXT, .pattern = "1" },
};
const struct form_def issue_form = FORM_DEF(issue_fields);

/* the statuses in enum voucher_status order (their words: opt_voucher_status),
 * then "all", no filter */
static const struct option opt_admin_voucher_status[] = {
	{ "unactivated", "" }, { "available", "" }, { "frozen", "" }, { "used", "" },
	{ "expired", "" }, { "invalidated", "" }, { "withdrawn", "" }, { "all", "" },
	{ NULL, NULL }
};
enum { AQ_UIN, AQ_STATUS, AQ_TEMPLATE, AQ_ISSUE, AQ_PAGE, AQ__MAX };
static const struct field admin_vouchers_fields[AQ__MAX] = {
	[AQ_UIN] = { .name = "uin", .type = FT_INT, .min = 1, .max = UIN_MAX },
	[AQ_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_admin_voucher_status },
	[AQ_TEMPLATE] = { .name = "template", .type = FT_INT, .min = 1,
	  .max = 999999999999LL },
	[AQ_ISSUE] = { .name = "issue", .type = FT_INT, .min = 1,
	  .max = 999999999999LL },
	[AQ_PAGE] = PAGE_FIELD,
};
const struct form_def admin_vouchers_query = FORM_DEF(admin_vouchers_fields);

enum { IQ_TEMPLATE, IQ_PAGE, IQ__MAX };
static const struct field issues_fields[IQ__MAX] = {
	[IQ_TEMPLATE] = { .name = "template", .type = FT_INT, .min = 1,
	  .max = 999999999999LL },
	[IQ_PAGE] = PAGE_FIELD,
};
const struct form_def issues_query = FORM_DEF(issues_fields);

static void
show_template(struct arena *a, struct view *x, const struct vtemplate *t)
{
	view_set_int(x, "id", t->id);
	view_setf(x, "href", "/admin/vouchers/templates/%lld", t->id);
	view_set(x, "name", t->name);
	show_money(x, "face", t->face);
	show_state(x, "balance_mode", opt_balance_mode, t->mode);
	show_state(x, "scope", opt_scope, t->scope);
	view_set(x, "products", t->products);
	view_set(x, "scope_text", scope_text(a, t->scope,
	    catalog_names(a, t->products)));
	view_set(x, "scenarios", t->scenarios);
	view_set(x, "scenarios_text", *t->scenarios ?
	    list_text(a, opt_scenario, t->scenarios) : L("全部适用场景"));
	view_set(x, "billing", t->billing);
	view_set(x, "billing_text", list_text(a, opt_billing, t->billing));
	show_money(x, "min_amount", t->min_amount);
	view_set_int(x, "min_months", t->min_months);
	if (t->min_months)
		view_setf(x, "min_months_text", Ln("至少 %d 个月", t->min_months),
		    t->min_months);
	else
		view_set(x, "min_months_text", L("不限"));
	if (t->valid_days)
		view_setf(x, "validity", Ln("发放后 %d 天", t->valid_days), t->valid_days);
	else {
		char f[CLOCK_BUFSZ], to[CLOCK_BUFSZ];
		clock_display_date(t->valid_from, f, sizeof(f));
		clock_display_date(t->valid_to, to, sizeof(to));
		view_setf(x, "validity", L("%s 至 %s"), f, to);
	}
	view_set_int(x, "issued", t->issued);
	view_setf(x, "issues_href", "/admin/vouchers/issues?template=%lld", t->id);
	if (t->issued)
		view_set(x, "locked", "1");
}

/* A voucher in the backend's lists; a row streamed for an export has no
 * product names yet. */
static void
show_admin_voucher(struct req *r, struct view *x, const void *row)
{
	struct voucher vo = *(const struct voucher *)row;

	if (vo.product_names == NULL)
		vo.product_names = catalog_names(x->arena, vo.products);
	show_voucher(x->arena, x, &vo);
	show_voucher_admin(x, &vo);
	if (r->me.is_admin_role && voucher_can_invalidate(vo.status))
		view_setf(x, "invalidate_href", "/admin/vouchers/%lld/invalidate",
		    vo.id);
}

static const struct csv_col voucher_csv[] = {
	{ "ID", "id", CSV_TEXT }, { "名称", "name", CSV_TEXT },
	{ "模板", "template", CSV_TEXT }, { "UIN", "uin", CSV_TEXT },
	{ "面额(元)", "face", CSV_MONEY }, { "余额(元)", "balance", CSV_MONEY },
	{ "状态", "status_text", CSV_TEXT }, { "适用范围", "scope_text", CSV_TEXT },
	{ "生效", "valid_from", CSV_TIME }, { "到期", "valid_to", CSV_TIME },
	{ "兑换时间", "redeemed_at", CSV_TIME }, { NULL, NULL, CSV_TEXT }
};

/* How an issue was made, in words. */
static const char *
issue_mode_text(const struct issue *is)
{
	if (is->mode != IM_CODES)
		return L("指定对象发放");
	return is->paper ? L("兑换码(纸质)") : L("兑换码");
}

/* An issue in a list: what, how many, who, when, how many redeemed. */
static void
show_issue_row(struct req *r, struct view *x, const void *row)
{
	const struct issue *is = row;

	(void)r;
	view_set_int(x, "id", is->id);
	view_setf(x, "href", "/admin/vouchers/issues/%lld", is->id);
	view_set_int(x, "template", is->template_id);
	view_set(x, "template_name", is->template_name);
	view_setf(x, "template_href", "/admin/vouchers/templates/%lld",
	    is->template_id);
	view_set(x, "mode", issue_mode_names[is->mode]);
	view_set(x, "mode_text", issue_mode_text(is));
	view_set_int(x, "count", is->count);
	view_set_int(x, "redeemed", is->redeemed);
	view_set_int(x, "used", is->used);
	view_set(x, "created_by", is->created_by);
	show_time(x, "time", is->created_at);
	view_setf(x, "vouchers_href", "/admin/vouchers?issue=%lld", is->id);
}

static const struct csv_col issue_csv[] = {
	{ "发放", "id", CSV_TEXT }, { "模板", "template", CSV_TEXT },
	{ "模板名称", "template_name", CSV_TEXT }, { "方式", "mode_text", CSV_TEXT },
	{ "数量", "count", CSV_TEXT }, { "已兑换", "redeemed", CSV_TEXT },
	{ "已用完", "used", CSV_TEXT }, { "操作人", "created_by", CSV_TEXT },
	{ "时间", "time", CSV_TIME }, { NULL, NULL, CSV_TEXT }
};

/* The issues (of one template), or (csv) all of them as issues.csv. */
static void
issues_page(struct req *r, int csv)
{
	struct pager pg = { .page = r->page, .after = r->after };
	struct export	 ex = { .req = NULL };
	struct issue	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if (csv)
		export_begin(r, &ex, &pg, "voucher-issues.csv", issue_csv,
		    show_issue_row);
	s = issue_list(r->app->db, r->arena, form_int(&r->q, IQ_TEMPLATE, 0),
	    &pg, &rows, &n);
	if (export_answered(r, &ex, s))
		return;
	v = reply_view(r);
	flash_reshow(v, &r->q, KQ_OK, NULL);
	l = view_list(v, "issues");
	for (i = 0; i < n; i++)
		show_issue_row(r, vlist_add(l), &rows[i]);
	view_set(v, "csv_href", query_href(r, "/admin/vouchers/issues.csv"));
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.voucher.issues", v);
}

void
h_issues(struct req *r)
{
	issues_page(r, 0);
}

void
h_issues_csv(struct req *r)
{
	issues_page(r, 1);
}

/* The issue form as typed (a refused issue: its field marked, nothing
 * lost), else targeted. */
static void
issue_typed(struct req *r, struct view *v, enum kq_outcome err,
    const char *bad)
{
	struct view		*i = view_map(v, "i");
	const struct form	*f = &r->f;

	if (f->def != &issue_form) {
		view_set(i, "targeted", "checked");
		return;
	}
	view_set(i, f->v[IF_MODE].present && f->v[IF_MODE].i == IM_CODES ?
	    "codes" : "targeted", "checked");
	if (f->v[IF_UINS].present)
		view_set(i, "uins", f->v[IF_UINS].raw);
	if (f->v[IF_COUNT].present)
		view_set(i, "count", f->v[IF_COUNT].raw);
	if (f->v[IF_PAPER].present)
		view_set(i, "paper", "checked");
	if (err == KQ_INVALID_FIELD && bad != NULL) {
		size_t k;

		for (k = 0; k < IF__MAX && strcmp(issue_fields[k].name, bad); k++)
			;
		mark_field(r->arena, v, bad, field_error_text(r->arena,
		    k < IF__MAX ? &issue_fields[k] : NULL,
		    k < IF__MAX ? &f->v[k] : NULL));
	}
}

/* The template form: new (t NULL), existing (t), or re-shown (f). */
static void
template_page(struct req *r, int status, const struct vtemplate *t,
    const struct form *f, enum kq_outcome err, const char *bad)
{
	const struct product	*p;
	struct option		*opts;
	struct view		*v = reply_view(r);
	const char		*products = "", *scen = "", *bill = "prepaid";
	int			 mode = BM_SINGLE_USE, scope = SCOPE_ALL;
	size_t			 n;
	enum kq_outcome		 s;

	if ((s = catalog_products(r->app->db, &p, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (f != NULL) {
		flash_reshow(v, f, err, bad);
		products = form_join(r->arena, f, TF_PRODUCTS);
		scen = form_join(r->arena, f, TF_SCENARIOS);
		bill = form_join(r->arena, f, TF_BILLING);
		mode = (int)form_int(f, TF_MODE, BM_SINGLE_USE);
		scope = (int)form_int(f, TF_SCOPE, SCOPE_ALL);
	} else if (t != NULL) {
		show_template_form(r->arena, view_map(v, "f"), t);
		products = t->products;
		scen = t->scenarios;
		bill = t->billing;
		mode = t->mode;
		scope = t->scope;
	}
	show_validity(v, f, TF_VALIDITY, "");
	if (err != KQ_OK && f == NULL)
		flash_now(v, err, bad);
	issue_typed(r, v, err, bad);
	/* the radio buttons: what was typed, stored, or the defaults */
	show_choices(v, "modes", opt_balance_mode, balance_mode_names[mode],
	    "checked");
	show_choices(v, "scopes", opt_scope, voucher_scope_names[scope],
	    "checked");
	if ((opts = OPTIONS_OF(r->arena, p, n)) == NULL) {
		reply_fail(r, KQ_UNAVAILABLE);
		return;
	}
	show_choices(v, "products", opts, products, "checked");
	show_choices(v, "scenarios", opt_scenario, scen, "checked");
	show_choices(v, "billings", opt_billing, bill, "checked");
	if (t != NULL) {
		show_template(r->arena, view_map(v, "template"), t);
		view_setf(v, "action", "/admin/vouchers/templates/%lld", t->id);
		view_setf(v, "preview_action",
		    "/admin/vouchers/templates/%lld/issue/preview", t->id);
	} else
		view_set(v, "action", "/admin/vouchers/templates");
	reply_page(r, status, t ? "admin.voucher.template" : "admin.voucher.template.new", v);
}

void
h_templates(struct req *r)
{
	struct pager pg = { .page = r->page, .after = r->after };
	struct vtemplate *rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = template_list(r->app->db, r->arena, &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	l = view_list(v, "templates");
	for (i = 0; i < n; i++)
		show_template(r->arena, vlist_add(l), &rows[i]);
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.voucher.templates", v);
}

void
h_template_new(struct req *r)
{
	template_page(r, 200, NULL, NULL, KQ_OK, NULL);
}

void
h_template(struct req *r)
{
	struct vtemplate t;
	enum kq_outcome	 s;

	if ((s = template_get(r->app->db, r->arena, r->id, &t)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	template_page(r, 200, &t, NULL, KQ_OK, NULL);
}

static void
template_post(struct req *r, long long id)
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
		t.name = f->v[TF_NAME].s;
		t.face = f->v[TF_FACE].i;
		t.mode = (enum balance_mode)f->v[TF_MODE].i;
		t.scope = (enum voucher_scope)f->v[TF_SCOPE].i;
		t.products = form_join(r->arena, f, TF_PRODUCTS);
		t.scenarios = form_join(r->arena, f, TF_SCENARIOS);
		t.billing = form_join(r->arena, f, TF_BILLING);
		t.min_amount = form_int(f, TF_MIN_AMOUNT, 0);
		t.min_months = (int)form_int(f, TF_MIN_MONTHS, 0);
		t.from_ymd = form_int(f, TF_VALID_FROM, 0);
		t.to_ymd = form_int(f, TF_VALID_TO, 0);
		t.valid_days = (int)form_int(f, TF_VALID_DAYS, 0);
		t.validity_by = validity_of(f, TF_VALIDITY);
		s = template_save(r->app->db, r->arena, &r->me, r->remote_addr, &t,
		    &saved, &bad);
	}
	if (s == KQ_INVALID_FIELD) {
		template_page(r, 422, id && template_get(r->app->db, r->arena, id,
		    &cur) == KQ_OK ? &cur : NULL, f, s, bad);
		return;
	}
	reply_done(r, s, "template_saved",
	    arena_printf(r->arena, "/admin/vouchers/templates/%lld", saved));
}

void
h_template_create(struct req *r)
{
	template_post(r, 0);
}

void
h_template_update(struct req *r)
{
	template_post(r, r->id);
}

/* Whether some UINs of a targeted issue got nothing: a warning, not a
 * plain success. */
static int
issue_partly(struct req *r, enum kq_outcome s, long long issue_id)
{
	struct issue	is;
	size_t		i;

	if (s != KQ_OK || issue_get(r->app->db, r->arena, issue_id, &is) != KQ_OK)
		return 0;
	for (i = 0; i < is.noutcomes; i++)
		if (is.outcomes[i].result != IR_ISSUED)
			return 1;
	return 0;
}

void
h_template_issue(struct req *r)
{
	struct vtemplate t;
	enum kq_outcome	 s = r->f_outcome;
	const char	*bad = r->f.bad;
	long long	 issue_id = 0;

	if (s == KQ_OK)
		s = voucher_issue(r->app->db, r->arena, &r->me, r->remote_addr,
		    r->id, (enum issue_mode)r->f.v[IF_MODE].i, r->f.v[IF_UINS].raw,
		    (int)form_int(&r->f, IF_COUNT, 0), r->f.v[IF_PAPER].present,
		    &issue_id, &bad);
	if (s == KQ_INVALID_FIELD &&
	    template_get(r->app->db, r->arena, r->id, &t) == KQ_OK) {
		template_page(r, 422, &t, NULL, s, bad);
		return;
	}
	reply_made(r, s, issue_id, issue_partly(r, s, issue_id) ?
	    "issued_partly" : "issued",
	    arena_printf(r->arena, "/admin/vouchers/issues/%lld", issue_id));
}

/* Before vouchers are made (issue 31): what the issue would make, count
 * × face = total, the template named and what the cap will do; its form
 * POSTs the same fields to /issue, which stays as SPEC §8 has it. */
void
h_template_issue_preview(struct req *r)
{
	const struct form	*f = &r->f;
	struct issue_plan	 p;
	struct view		*v, *x;
	enum kq_outcome		 s = r->f_outcome;
	const char		*bad = f->bad, *uins;
	enum issue_mode		 mode = (enum issue_mode)f->v[IF_MODE].i;
	char			*line, *c;

	uins = f->v[IF_UINS].present ? f->v[IF_UINS].raw : "";
	if (s == KQ_OK && f->v[IF_EDIT].present) {
		if ((s = template_get(r->app->db, r->arena, r->id, &p.t)) == KQ_OK)
			template_page(r, 200, &p.t, NULL, KQ_OK, NULL);
		else
			reply_fail(r, s);
		return;
	}
	if (s == KQ_OK)
		s = voucher_issue_plan(r->app->db, r->arena, r->id, mode, uins,
		    (int)form_int(f, IF_COUNT, 0), &p, &bad);
	if (s == KQ_INVALID_FIELD &&
	    template_get(r->app->db, r->arena, r->id, &p.t) == KQ_OK) {
		template_page(r, 422, &p.t, NULL, s, bad);
		return;
	}
	if (s != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	show_template(r->arena, view_map(v, "template"), &p.t);
	x = view_map(v, "plan");
	view_set(x, "mode", issue_mode_names[mode]);
	view_set(x, "mode_text", option_text(opt_issue_mode, mode));
	view_set_int(x, "count", p.count);
	view_set(x, "count_typed", f->v[IF_COUNT].present ? f->v[IF_COUNT].raw : "");
	show_money(x, "total", p.total);
	show_date(x, "valid_from", p.valid_from);
	show_date(x, "valid_to", p.valid_to);
	if (p.unknown) {
		view_set_int(x, "unknown", p.unknown);
		view_setf(x, "unknown_text", Ln("%lld 个 UIN 没有账户,不会发放,会写入发放报告。",
		    p.unknown), p.unknown);
	}
	if (p.needs_approval)
		view_set(x, "needs_approval", "1");
	if (f->v[IF_PAPER].present)
		view_set(x, "paper", "1");
	/* the UINs on one line: a hidden input keeps no line breaks */
	if ((line = arena_strdup(r->arena, uins)) != NULL)
		for (c = line; *c != '\0'; c++)
			if (*c == '\n')
				*c = ',';
	view_set(x, "uins", line);
	view_setf(v, "issue_action", "/admin/vouchers/templates/%lld/issue", r->id);
	view_setf(v, "preview_action",
	    "/admin/vouchers/templates/%lld/issue/preview", r->id);
	reply_page(r, 200, "admin.voucher.issue.confirm", v);
}

void
h_issue(struct req *r)
{
	struct vfilter	 vf = { 0 };
	struct pager pg = { .page = r->page, .after = r->after };
	struct issue	 is;
	struct vtemplate t;
	struct voucher	*rows;
	const struct product *p;
	struct view	*v, *x, *o;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 i, n;

	vf.status = -1;
	if ((s = catalog_products(r->app->db, &p, &n)) != KQ_OK ||
	    (s = issue_get(r->app->db, r->arena, r->id, &is)) != KQ_OK ||
	    (s = template_get(r->app->db, r->arena, is.template_id, &t)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	show_template(r->arena, view_map(v, "template"), &t);
	x = view_map(v, "issue");
	view_set_int(x, "id", r->id);
	view_set(x, "mode", issue_mode_names[is.mode]);
	view_set(x, "mode_text", issue_mode_text(&is));
	view_set_int(x, "count", is.count);
	if (is.mode == IM_CODES) {
		view_set(x, "codes", "1");
		view_setf(x, "codes_href", "/admin/vouchers/issues/%lld/codes.txt", r->id);
	}
	vf.issue_id = r->id;
	if ((s = voucher_list(r->app->db, r->arena, &vf, &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	l = view_list(v, "vouchers");
	for (i = 0; i < n; i++)
		show_admin_voucher(r, vlist_add(l), &rows[i]);
	view_setf(v, "vouchers_href", "/admin/vouchers?issue=%lld", r->id);
	view_setf(v, "csv_href", "/admin/vouchers.csv?issue=%lld", r->id);
	show_pager(r, v, &pg);
	l = view_list(v, "results");
	for (i = 0; i < is.noutcomes; i++) {
		o = vlist_add(l);
		view_set_int(o, "uin", is.outcomes[i].uin);
		view_set(o, "result", issue_result_names[is.outcomes[i].result]);
		view_set(o, "result_text", is.outcomes[i].result == IR_ISSUED ?
		    L("已发放") : L("账号不存在,未发放"));
	}
	reply_page(r, 200, "admin.voucher.issue", v);
}

void
h_issue_codes(struct req *r)
{
	export_codes(r, arena_printf(r->arena, "voucher-issue-%lld.txt", r->id),
	    issue_codes);
}

/* The templates as the choices of a select: struct options, appended to
 * an abuf (arena memory, aligned). */
static int
template_choice(void *arg, const void *row)
{
	const struct vtemplate	*t = row;
	struct abuf		*b = arg;
	struct option		 o;

	o.value = arena_printf(b->arena, "%lld", t->id);
	o.text = arena_printf(b->arena, "#%lld %s", t->id, t->name);
	abuf_add(b, &o, sizeof(o));
	return 0;
}

/* Every voucher, filtered, or (csv) all that match as vouchers.csv. */
static void
admin_vouchers(struct req *r, int csv)
{
	struct vfilter	 vf = { 0 };
	struct pager pg = { .page = r->page, .after = r->after }, all = { .page = 1 };
	struct export	 ex = { .req = NULL };
	struct option	 end = { NULL, NULL }, *templates;
	struct abuf	 choices;
	struct voucher	*rows;
	struct vtemplate *trows;
	const struct product *p;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	vf.uin = form_int(&r->q, AQ_UIN, 0);
	vf.status = (int)form_int(&r->q, AQ_STATUS, -1);
	if (vf.status >= VS__MAX)
		vf.status = -1;	/* all */
	vf.template_id = form_int(&r->q, AQ_TEMPLATE, 0);
	vf.issue_id = form_int(&r->q, AQ_ISSUE, 0);
	if ((s = catalog_products(r->app->db, &p, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (csv)
		export_begin(r, &ex, &pg, "vouchers.csv", voucher_csv,
		    show_admin_voucher);
	s = voucher_list(r->app->db, r->arena, &vf, &pg, &rows, &n);
	if (export_answered(r, &ex, s))
		return;
	abuf_init(&choices, r->arena);
	all.each = template_choice;
	all.ctx = &choices;
	s = template_list(r->app->db, r->arena, &all, &trows, &i);
	abuf_add(&choices, &end, sizeof(end));
	templates = (struct option *)(void *)abuf_str(&choices);
	if (s == KQ_OK && templates == NULL)
		s = KQ_UNAVAILABLE;
	if (export_answered(r, &ex, s))
		return;
	v = reply_view(r);
	flash_reshow(v, &r->q, KQ_OK, NULL);
	show_choices(v, "statuses", opt_voucher_status,
	    form_str(&r->q, AQ_STATUS, ""), "selected");
	show_choices(v, "templates", templates, r->q.v[AQ_TEMPLATE].raw, "selected");
	l = view_list(v, "vouchers");
	for (i = 0; i < n; i++)
		show_admin_voucher(r, vlist_add(l), &rows[i]);
	view_set(v, "csv_href", query_href(r, "/admin/vouchers.csv"));
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.vouchers", v);
}

void
h_admin_vouchers(struct req *r)
{
	admin_vouchers(r, 0);
}

void
h_admin_vouchers_csv(struct req *r)
{
	admin_vouchers(r, 1);
}

void
h_voucher_invalidate(struct req *r)
{
	reply_done(r, voucher_invalidate(r->app->db, r->arena, &r->me, r->remote_addr,
	    r->id), "voucher_invalidated", "/admin/vouchers");
}
