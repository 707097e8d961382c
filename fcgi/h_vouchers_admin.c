/*
 * h_vouchers_admin.c - the finance backend's vouchers: templates (create,
 * view, edit until the first issue), issuing (targeted or codes), the issue
 * page with codes.txt, all vouchers with invalidation.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "codes.h"
#include "present.h"
#include "routes.h"
#include "voucher.h"

#define SCENARIO_PATTERN "purchase|renew|upgrade|bandwidth_upgrade|change_os|" \
	"trial_convert|register|first_year|transfer_in"

static const struct field template_fields[] = {
	{ .name = "name", .type = FT_TEXT, .required = 1, .maxlen = 100 },
	{ .name = "face", .type = FT_MONEY, .required = 1 },
	{ .name = "balance_mode", .type = FT_TEXT, .required = 1,
	  .pattern = "single_use|carry_over" },
	{ .name = "scope", .type = FT_TEXT, .required = 1, .pattern = "all|include|exclude" },
	{ .name = "products", .type = FT_TEXT, .repeated = 1, .pattern = "[a-z_]{1,32}" },
	{ .name = "scenarios", .type = FT_TEXT, .repeated = 1, .pattern = SCENARIO_PATTERN },
	{ .name = "billing", .type = FT_TEXT, .repeated = 1, .required = 1,
	  .pattern = "prepaid|postpaid" },
	{ .name = "min_amount", .type = FT_MONEY },
	{ .name = "min_months", .type = FT_INT, .min = 0, .max = 120 },
	{ .name = "valid_from", .type = FT_DATE },
	{ .name = "valid_to", .type = FT_DATE },
	{ .name = "valid_days", .type = FT_INT, .min = 1, .max = 3650 },
};
#define NTEMPLATE (sizeof(template_fields) / sizeof(template_fields[0]))

static const struct field issue_fields[] = {
	{ .name = "mode", .type = FT_TEXT, .required = 1, .pattern = "targeted|codes" },
	{ .name = "uins", .type = FT_TEXT, .maxlen = 20000,
	  .pattern = "[0-9 ,;\\r\\n\\t]*" },
	{ .name = "count", .type = FT_INT, .min = 1, .max = ISSUE_CODES_MAX },
	{ .name = "paper", .type = FT_TEXT, .pattern = "1" },
};

static const struct field list_fields[] = {
	{ .name = "uin", .type = FT_INT, .min = 1, .max = 999999999999LL },
	{ .name = "status", .type = FT_TEXT,
	  .pattern = "unactivated|available|frozen|used|expired|invalidated|withdrawn|all" },
	{ .name = "template", .type = FT_INT, .min = 1, .max = 999999999999LL },
	{ .name = "page", .type = FT_INT, .min = 1, .max = 1000000 },
};

static const char *scenarios[] = { "purchase", "renew", "upgrade",
	"bandwidth_upgrade", "change_os", "trial_convert", "register",
	"first_year", "transfer_in" };
static const char *scenario_text[] = { "新购", "续费", "升级", "带宽升级",
	"重装系统", "试用转正", "注册", "首年注册", "转入" };

static int
in_csv(const char *csv, const char *item)
{
	size_t len = strlen(item);

	for (const char *p = csv; p != NULL && *p != '\0'; ) {
		if (strncmp(p, item, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return 1;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return 0;
}

static char *
join(struct arena *a, const struct fvalue *v)
{
	struct abuf	b;
	size_t		i;

	abuf_init(&b, a);
	for (i = 0; i < v->nlist; i++) {
		if (i)
			abuf_putc(&b, ',');
		abuf_puts(&b, v->list[i]);
	}
	return abuf_str(&b);
}

/* Checkboxes: value, text, checked when in the comma list. */
static void
show_checks(struct view *v, const char *key, const char **codes,
    const char **texts, size_t n, const char *chosen)
{
	struct vlist	*l = view_list(v, key);
	struct view	*o;
	size_t		 i;

	for (i = 0; i < n; i++) {
		o = vlist_add(l);
		view_set(o, "value", codes[i]);
		view_set(o, "text", texts[i]);
		if (chosen != NULL && in_csv(chosen, codes[i]))
			view_set(o, "checked", "checked");
	}
}

static void
show_template(struct view *x, const struct vtemplate *t)
{
	view_set_int(x, "id", t->id);
	view_setf(x, "href", "/admin/vouchers/templates/%lld", t->id);
	view_set(x, "name", t->name);
	show_money(x, "face", t->face);
	view_set(x, "balance_mode", t->balance_mode);
	view_set(x, "scope", t->scope);
	view_set(x, "products", t->products);
	view_set(x, "scenarios", *t->scenarios ? t->scenarios : "全部适用场景");
	view_set(x, "billing", t->billing);
	show_money(x, "min_amount", t->min_amount);
	view_set_int(x, "min_months", t->min_months);
	if (t->valid_days)
		view_setf(x, "validity", "发放后 %d 天", t->valid_days);
	else {
		char f[CLOCK_BUFSZ], to[CLOCK_BUFSZ];
		clock_display_date(t->valid_from, f, sizeof(f));
		clock_display_date(t->valid_to, to, sizeof(to));
		view_setf(x, "validity", "%s 至 %s", f, to);
	}
	view_set_int(x, "issued", t->issued);
	if (t->issued)
		view_set(x, "locked", "1");
}

/* The template form: new (t NULL), existing (t), or re-shown (f). */
static void
template_form(struct req *r, int status, const char *page_name,
    const struct vtemplate *t, const struct form *f, enum kq_status err,
    const char *bad)
{
	static const char *billing[] = { "prepaid", "postpaid" };
	static const char *billing_text[] = { "预付费(包年包月)", "后付费" };
	struct view	*v = page_view(r), *fv = view_map(v, "f");
	const char	**codes, **names;
	const char	*products = "", *scen = "", *bill = "prepaid";
	const char	*mode = "single_use", *scope = "all";
	size_t		 n, i;
	enum kq_status	 s;
	char		 buf[CLOCK_BUFSZ];

	if ((s = catalog_products(r->app->db, r->arena, &codes, &names, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	if (f != NULL) {
		for (i = 0; i < NTEMPLATE; i++)
			if (!template_fields[i].repeated)
				view_set(fv, template_fields[i].name, f->v[i].raw);
		products = join(r->arena, form_get(f, "products"));
		scen = join(r->arena, form_get(f, "scenarios"));
		bill = join(r->arena, form_get(f, "billing"));
		mode = form_get(f, "balance_mode")->raw;
		scope = form_get(f, "scope")->raw;
	} else if (t != NULL) {
		view_set(fv, "name", t->name);
		view_setf(fv, "face", "%lld.%02lld", t->face / 100, t->face % 100);
		view_setf(fv, "min_amount", "%lld.%02lld", t->min_amount / 100,
		    t->min_amount % 100);
		view_set_int(fv, "min_months", t->min_months);
		if (t->valid_days)
			view_set_int(fv, "valid_days", t->valid_days);
		else {
			clock_display_date(t->valid_from, buf, sizeof(buf));
			view_set(fv, "valid_from", arena_strdup(r->arena, buf));
			clock_display_date(t->valid_to, buf, sizeof(buf));
			view_set(fv, "valid_to", arena_strdup(r->arena, buf));
		}
		products = t->products;
		scen = t->scenarios;
		bill = t->billing;
		mode = t->balance_mode;
		scope = t->scope;
	} else
		view_set(fv, "valid_days", "365");
	/* the radio buttons: what was typed, stored, or the defaults */
	view_set(fv, strcmp(mode, "carry_over") == 0 ? "carry_over" : "single_use",
	    "checked");
	view_set(fv, strcmp(scope, "include") == 0 ? "scope_include" :
	    strcmp(scope, "exclude") == 0 ? "scope_exclude" : "scope_all", "checked");
	if (err != KQ_OK)
		flash_now(v, err, bad);
	show_checks(v, "products", codes, names, n, products);
	show_checks(v, "scenarios", scenarios, scenario_text, 9, scen);
	show_checks(v, "billings", billing, billing_text, 2, bill);
	if (t != NULL) {
		show_template(view_map(v, "template"), t);
		view_setf(v, "action", "/admin/vouchers/templates/%lld", t->id);
		view_setf(v, "issue_action", "/admin/vouchers/templates/%lld/issue", t->id);
	} else
		view_set(v, "action", "/admin/vouchers/templates");
	if (r->me.is_admin_role)
		view_set(v, "can_write", "1");
	page(r, status, page_name, v);
}

void
h_templates(struct req *r)
{
	struct page_info pg = { 0 };
	struct vtemplate *rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_status	 s;
	size_t		 n, i;

	pg.page = query_page(r);
	if ((s = template_list(r->app->db, r->arena, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	l = view_list(v, "templates");
	for (i = 0; i < n; i++)
		show_template(vlist_add(l), &rows[i]);
	show_pager(r, v, "/admin/vouchers/templates", &pg);
	if (r->me.is_admin_role)
		view_set(v, "can_write", "1");
	page(r, 200, "admin.voucher.templates", v);
}

void
h_template_new(struct req *r)
{
	template_form(r, 200, "admin.voucher.template.new", NULL, NULL, KQ_OK, NULL);
}

void
h_template(struct req *r)
{
	struct vtemplate t;
	enum kq_status	 s;

	if ((s = template_get(r->app->db, r->arena, r->id, &t)) != KQ_OK) {
		fail(r, s);
		return;
	}
	template_form(r, 200, "admin.voucher.template", &t, NULL, KQ_OK, NULL);
}

/* Form → template; KQ_INVALID_FIELD with f->bad set. */
static enum kq_status
template_from_form(struct req *r, struct form *f, struct vtemplate *t)
{
	enum kq_status s;

	memset(t, 0, sizeof(*t));
	if ((s = form_parse(r->arena, template_fields, NTEMPLATE, &r->body, f)) != KQ_OK)
		return s;
	t->name = form_get(f, "name")->s;
	t->face = form_get(f, "face")->i;
	t->balance_mode = form_get(f, "balance_mode")->s;
	t->scope = form_get(f, "scope")->s;
	t->products = join(r->arena, form_get(f, "products"));
	t->scenarios = join(r->arena, form_get(f, "scenarios"));
	t->billing = join(r->arena, form_get(f, "billing"));
	t->min_amount = form_int(f, "min_amount", 0);
	t->min_months = (int)form_get(f, "min_months")->i;
	if (t->face <= 0) {
		f->bad = "face";
		return KQ_INVALID_FIELD;
	}
	if (form_get(f, "valid_days")->present)
		t->valid_days = (int)form_get(f, "valid_days")->i;
	else if (form_get(f, "valid_from")->present && form_get(f, "valid_to")->present) {
		/* from the start of the first day to the end of the last */
		t->valid_from = clock_end_of_day(form_get(f, "valid_from")->i) - 86399;
		t->valid_to = clock_end_of_day(form_get(f, "valid_to")->i);
	} else {
		f->bad = "valid_to";
		return KQ_INVALID_FIELD;
	}
	return KQ_OK;
}

static void
template_post(struct req *r, long long id)
{
	struct vtemplate t, cur;
	struct form	 f;
	enum kq_status	 s;
	const char	*bad = NULL;
	long long	 saved;

	s = template_from_form(r, &f, &t);
	t.id = id;
	if (s == KQ_OK) {
		s = template_save(r->app->db, &r->me, r->remote_addr, &t, &saved, &bad);
		if (bad != NULL)
			f.bad = bad;
	}
	if (s == KQ_INVALID_FIELD) {
		if (id && template_get(r->app->db, r->arena, id, &cur) == KQ_OK)
			template_form(r, 422, "admin.voucher.template", &cur, &f, s,
			    f.bad);
		else
			template_form(r, 422, "admin.voucher.template.new", NULL, &f,
			    s, f.bad);
		return;
	}
	if (s != KQ_OK) {
		fail(r, s);
		return;
	}
	flash_set(r, "ok", "template_saved");
	redirect(r, arena_printf(r->arena, "/admin/vouchers/templates/%lld", saved));
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

/* The UINs of a targeted issue: numbers separated by spaces, commas or
 * lines, each once, in the order given. */
static int
parse_uins(struct arena *a, const char *s, long long **out, size_t *n)
{
	size_t cap = 16, j;
	long long v;
	char *end;

	*n = 0;
	if ((*out = arena_alloc(a, cap * sizeof(**out))) == NULL)
		return -1;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s)) {
			s++;
			continue;
		}
		v = strtoll(s, &end, 10);
		if (end - s > 12 || v <= 0)
			return -1;
		s = end;
		for (j = 0; j < *n && (*out)[j] != v; j++)
			;
		if (j < *n)
			continue;
		if (*n == ISSUE_UINS_MAX)
			return -1;
		if (*n == cap) {
			long long *bigger = arena_alloc(a, 2 * cap * sizeof(*bigger));
			if (bigger == NULL)
				return -1;
			memcpy(bigger, *out, cap * sizeof(*bigger));
			*out = bigger;
			cap *= 2;
		}
		(*out)[(*n)++] = v;
	}
	return *n > 0 ? 0 : -1;
}

void
h_template_issue(struct req *r)
{
	struct vtemplate t;
	struct form	 f;
	enum kq_status	 s;
	long long	*uins = NULL, issue_id;
	size_t		 nuins = 0;
	int		 targeted;

	s = form_parse(r->arena, issue_fields, 4, &r->body, &f);
	targeted = s == KQ_OK && strcmp(form_get(&f, "mode")->s, "targeted") == 0;
	if (s == KQ_OK && targeted &&
	    parse_uins(r->arena, form_get(&f, "uins")->raw, &uins, &nuins) < 0) {
		s = KQ_INVALID_FIELD;
		f.bad = "uins";
	}
	if (s == KQ_OK && !targeted && !form_get(&f, "count")->present) {
		s = KQ_INVALID_FIELD;
		f.bad = "count";
	}
	if (s == KQ_OK)
		s = voucher_issue(r->app->db, r->arena, &r->me, r->remote_addr, r->id,
		    form_get(&f, "mode")->s, uins, nuins,
		    (int)form_get(&f, "count")->i, form_get(&f, "paper")->present,
		    &issue_id);
	if (s == KQ_INVALID_FIELD &&
	    template_get(r->app->db, r->arena, r->id, &t) == KQ_OK) {
		template_form(r, 422, "admin.voucher.template", &t, NULL, s,
		    f.bad ? f.bad : "valid_to");
		return;
	}
	if (s != KQ_OK) {
		fail(r, s);
		return;
	}
	flash_set(r, "ok", "issued");
	redirect(r, arena_printf(r->arena, "/admin/vouchers/issues/%lld", issue_id));
}

void
h_issue(struct req *r)
{
	struct issue_outcome *rows;
	struct vtemplate t;
	struct view	*v, *x;
	struct vlist	*l;
	enum kq_status	 s;
	const char	*mode;
	long long	 template_id;
	int		 paper, count;
	size_t		 n, i;

	if ((s = issue_get(r->app->db, r->arena, r->id, &template_id, &mode, &paper,
	    &count, &rows, &n)) != KQ_OK ||
	    (s = template_get(r->app->db, r->arena, template_id, &t)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	show_template(view_map(v, "template"), &t);
	x = view_map(v, "issue");
	view_set_int(x, "id", r->id);
	view_set(x, "mode", mode);
	view_set(x, "mode_text", strcmp(mode, "codes") == 0 ?
	    (paper ? "兑换码(纸质)" : "兑换码") : "指定对象发放");
	view_set_int(x, "count", count);
	if (strcmp(mode, "codes") == 0) {
		view_set(x, "codes", "1");
		view_setf(x, "codes_href", "/admin/vouchers/issues/%lld/codes.txt", r->id);
	}
	l = view_list(v, "results");
	for (i = 0; i < n; i++) {
		struct view *o = vlist_add(l);
		view_set_int(o, "uin", rows[i].uin);
		view_set(o, "result", rows[i].result);
		view_set(o, "result_text", strcmp(rows[i].result, "issued") == 0 ?
		    "已发放" : "账号不存在,未发放");
	}
	if (r->me.is_admin_role)
		view_set(v, "can_write", "1");
	page(r, 200, "admin.voucher.issue", v);
}

void
h_issue_codes(struct req *r)
{
	struct attachment at = { r, arena_printf(r->arena,
	    "voucher-issue-%lld.txt", r->id) };
	enum kq_status	 s;

	s = issue_codes(r->app->db, &r->me, r->remote_addr, r->id,
	    attachment_line, &at);
	if (s != KQ_OK && !r->sent)
		fail(r, s);
	else if (!r->sent)	/* a targeted issue has no codes: an empty file */
		send_headers(r, 200, "text/plain; charset=utf-8");
}

void
h_admin_vouchers(struct req *r)
{
	struct vfilter	 vf = { 0 };
	struct page_info pg = { 0 };
	struct voucher	*rows;
	struct form	 f;
	struct view	*v, *fv, *x;
	struct vlist	*l;
	enum kq_status	 s;
	size_t		 n, i;

	if ((s = form_parse(r->arena, list_fields, 4, &r->query, &f)) != KQ_OK) {
		fail(r, s);
		return;
	}
	vf.uin = form_int(&f, "uin", 0);
	vf.status = form_str(&f, "status", "");
	vf.template_id = form_int(&f, "template", 0);
	pg.page = query_page(r);
	if ((s = voucher_list(r->app->db, r->arena, &vf, &pg, &rows, &n)) != KQ_OK) {
		fail(r, s);
		return;
	}
	v = page_view(r);
	fv = view_map(v, "f");
	for (i = 0; i < 3; i++)
		view_set(fv, list_fields[i].name, f.v[i].raw);
	l = view_list(v, "vouchers");
	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		show_voucher(r->arena, x, &rows[i]);
		view_set_int(x, "template", rows[i].template_id);
		if (r->me.is_admin_role && (strcmp(rows[i].status, "available") == 0 ||
		    strcmp(rows[i].status, "unactivated") == 0))
			view_setf(x, "invalidate_href", "/admin/vouchers/%lld/invalidate",
			    rows[i].id);
	}
	show_pager(r, v, "/admin/vouchers", &pg);
	page(r, 200, "admin.vouchers", v);
}

void
h_voucher_invalidate(struct req *r)
{
	enum kq_status s = voucher_invalidate(r->app->db, &r->me, r->remote_addr, r->id);

	if (s != KQ_OK) {
		fail(r, s);
		return;
	}
	flash_set(r, "ok", "voucher_invalidated");
	redirect(r, "/admin/vouchers");
}
