/*
 * h_approvals.c - two-person approval (SPEC §11): the queue of requests
 * (/admin/approvals, what waits first), one request's page with its
 * decision, and the approve and reject POSTs.  Who may decide is core's
 * (approval.h); the page shows the forms only to whom it would let.
 */
#include <stdio.h>
#include <string.h>

#include "approval_make.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "catalog.h"
#include "handlers.h"
#include "present.h"
#include "reply.h"

enum { AQ_STATUS, AQ_PAGE, AQ__MAX };
static const struct field approvals_fields[AQ__MAX] = {
	[AQ_STATUS] = { .name = "status", .type = FT_OPTION,
	  .options = opt_request_status },
	[AQ_PAGE] = PAGE_FIELD,
};
const struct form_def approvals_query = FORM_DEF(approvals_fields);

/* Where what a request made is shown (SPEC §11). */
static const char *
made_href(struct arena *a, enum request_kind kind, long long id)
{
	switch (kind) {
	case RK_ISSUE:
		return arena_printf(a, "/admin/vouchers/issues/%lld", id);
	case RK_BATCH:
		return arena_printf(a, "/admin/pickup/batches/%lld", id);
	default:
		return "/admin/partner/vouchers";
	}
}

/* Where what a request asks about is shown (a batch has no page yet). */
static const char *
subject_href(struct arena *a, const struct approval_req *q)
{
	switch (q->kind) {
	case RK_ISSUE:
		return arena_printf(a, "/admin/vouchers/templates/%lld",
		    q->subject_id);
	case RK_PARTNER_1:
		return arena_printf(a, "/admin/partner/vouchers?partner=%lld",
		    q->subject_id);
	default:
		return NULL;
	}
}

/* One request, in the list and on its page. */
static void
show_request(struct req *r, struct view *x, const struct approval_req *q)
{
	const char *href = subject_href(r->arena, q);

	view_set_int(x, "id", q->id);
	view_setf(x, "href", "/admin/approvals/%lld", q->id);
	show_state(x, "kind", opt_request_kind, q->kind);
	show_state(x, "status", opt_request_status, q->status);
	view_set(x, "requested_by", q->requested_login);
	view_set(x, "subject", q->subject);
	if (href != NULL)
		view_set(x, "subject_href", href);
	view_set_int(x, "count", q->count);
	show_money(x, "unit", q->unit);
	show_money(x, "amount", q->amount);
	show_time(x, "time", q->created_at);
	if (q->decided_login != NULL)
		view_set(x, "decided_by", q->decided_login);
	show_time(x, "decided_at", q->decided_at);
	if (q->reason != NULL)
		view_set(x, "reason", q->reason);
	if (q->result_id)
		view_set(x, "result_href", made_href(r->arena, q->kind,
		    q->result_id));
}

/*
 * What a request's page shows of its input, in this order: the owners'
 * payload keys (voucher_issue.c, partner_voucher.c, pickup_batch.c) with
 * their words; the template, partner, count and unit are shown above it,
 * and a key not named here is not shown.
 */
enum term_show { TS_TEXT, TS_NUMBER, TS_OPTION, TS_LIST, TS_PRODUCTS, TS_DATE,
	TS_YES };
static const struct term_def {
	const char		*key, *label;
	enum term_show		 show;
	const struct option	*opts;
} term_defs[] = {
	{ "mode", "方式", TS_OPTION, opt_issue_mode },
	{ "uins", "UIN", TS_TEXT, NULL },
	{ "paper", "纸质代金券", TS_YES, NULL },
	{ "label", "批次备注", TS_TEXT, NULL },
	{ "product", "业务类型", TS_OPTION, opt_pickup_product },
	{ "line", "线路", TS_TEXT, NULL },
	{ "cpu", "CPU(核)", TS_NUMBER, NULL },
	{ "memory_gb", "内存(GB)", TS_NUMBER, NULL },
	{ "disk_gb", "磁盘(GB)", TS_NUMBER, NULL },
	{ "bandwidth_mbps", "公网带宽(Mbps)", TS_NUMBER, NULL },
	{ "months", "使用时长(月)", TS_NUMBER, NULL },
	{ "valid_to", "有效期至", TS_DATE, NULL },
	{ "valid_months", "有效期(月,自生成起)", TS_NUMBER, NULL },
	{ "scope", "适用范围", TS_OPTION, opt_partner_scope },
	{ "products", "产品", TS_PRODUCTS, NULL },
	{ "billing", "计费方式", TS_LIST, opt_billing },
	{ "valid_days", "有效天数(自发放起)", TS_NUMBER, NULL },
};

/* One entry of the input as a row of list "terms" (nothing for an empty
 * one: a date not chosen, no label). */
static void
show_term(struct req *r, struct vlist *l, const struct term_def *d,
    const struct approval_term *t)
{
	struct view *x;

	if (t == NULL || (t->text != NULL ? *t->text == '\0' : t->num == 0 &&
	    d->show != TS_YES))
		return;
	x = vlist_add(l);
	view_set(x, "key", d->key);
	view_set(x, "label", L(d->label));
	if (t->text != NULL)
		view_set(x, "value", t->text);
	else
		view_set_int(x, "value", t->num);
	switch (d->show) {
	case TS_OPTION:
		view_set(x, "text", option_text_of(d->opts, t->text ? t->text : ""));
		break;
	case TS_LIST:
		view_set(x, "text", list_text(r->arena, d->opts, t->text ? t->text : ""));
		break;
	case TS_PRODUCTS:
		view_set(x, "text", catalog_names(r->arena, t->text ? t->text : ""));
		break;
	case TS_DATE:
		show_date(x, "text", clock_end_of_day(t->num));
		break;
	case TS_YES:
		view_set(x, "text", L(t->num ? "是" : "否"));
		break;
	default:
		if (t->text != NULL)
			view_set(x, "text", t->text);
		else
			view_set_int(x, "text", t->num);
	}
}

void
h_approvals(struct req *r)
{
	struct pager		 pg = { .page = r->page, .after = r->after };
	struct approval_req	*rows;
	struct view		*v;
	struct vlist		*l;
	enum kq_outcome		 s;
	size_t			 n, i;

	if ((s = approval_list(r->app->db, r->arena,
	    (int)form_int(&r->q, AQ_STATUS, -1), &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	show_choices(v, "statuses", opt_request_status,
	    form_str(&r->q, AQ_STATUS, ""), "selected");
	l = view_list(v, "approvals");
	for (i = 0; i < n; i++)
		show_request(r, vlist_add(l), &rows[i]);
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.approvals", v);
}

void
h_approval(struct req *r)
{
	struct approval_req	 q;
	struct approval_term	*terms;
	const struct product	*products;	/* loaded: their names */
	struct view		*v, *x;
	struct vlist		*l;
	enum kq_outcome		 s;
	size_t			 nterms, nproducts, i;

	if ((s = approval_get(r->app->db, r->arena, r->id, &q)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if ((s = approval_terms(r->arena, &q, &terms, &nterms)) != KQ_OK ||
	    (s = catalog_products(r->app->db, &products, &nproducts)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	x = view_map(v, "request");
	show_request(r, x, &q);
	l = view_list(v, "terms");
	for (i = 0; i < sizeof(term_defs) / sizeof(term_defs[0]); i++)
		show_term(r, l, &term_defs[i], approval_term(terms, nterms,
		    term_defs[i].key));
	/* viewers read; whoever asked may withdraw by a reject, not approve */
	if (r->me.is_admin_role && q.status == RS_PENDING) {
		view_setf(x, "reject_href", "/admin/approvals/%lld/reject", q.id);
		if (approval_may_approve(&q, &r->me))
			view_setf(x, "approve_href", "/admin/approvals/%lld/approve",
			    q.id);
		else
			view_set(x, "own", "1");
	}
	reply_page(r, 200, "admin.approval", v);
}

void
h_approval_approve(struct req *r)
{
	enum request_kind	 kind;
	long long		 made;
	const char		*bad;
	enum kq_outcome		 s;

	s = approval_approve(r->app->db, r->arena, &r->me, r->remote_addr, r->id,
	    &kind, &made, &bad);
	reply_done(r, s, "request_approved", s == KQ_OK ?
	    made_href(r->arena, kind, made) : NULL);
}

void
h_approval_reject(struct req *r)
{
	enum kq_outcome s = r->f_outcome;

	if (s == KQ_OK)
		s = approval_reject(r->app->db, r->arena, &r->me, r->remote_addr,
		    r->id, r->f.v[RJ_REASON].s);
	reply_done_with_reason(r, s, "request_rejected", arena_printf(r->arena,
	    "/admin/approvals/%lld", r->id));
}
