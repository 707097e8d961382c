/*
 * routes.c - the route table and the fixed front-line order:
 * method → route → query keys → body → session → CSRF → permission → handler.
 *
 * The query string is checked against the keys the route's query form has
 * (input.c); the body is parsed by the route's body form.  Every pattern
 * (router.c) and form named here is compiled at worker start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "handlers.h"
#include "base/i18n.h"
#include "input.h"
#include "process/metrics.h"
#include "reply.h"
#include "request.h"
#include "router.h"
#include "routes.h"

static const struct field page_fields[] = { PAGE_FIELD };
const struct form_def page_query = FORM_DEF(page_fields);

static const struct route routes[] = {
	{ "GET",  "/login",		h_login_form,		A_PUBLIC,	NULL, NULL, 0 },
	{ "GET",  "/lang",		h_lang,			A_PUBLIC,	&lang_query, NULL, 0 },
	{ "POST", "/login",		h_login,		A_PUBLIC,	NULL, &login_form, 0 },
	{ "POST", "/logout",		h_logout,		A_MEMBER_ANY,	NULL, NULL, 0 },
	{ "GET",  "/user",		h_user_home,		A_MEMBER,	NULL, NULL, 0 },
	{ "GET",  "/admin/login",	h_admin_login_form,	A_PUBLIC,	NULL, NULL, 0 },
	{ "POST", "/admin/login",	h_admin_login,		A_PUBLIC,	NULL, &login_form, 0 },
	{ "POST", "/admin/logout",	h_admin_logout,		A_ADMIN,	NULL, NULL, 0 },
	{ "GET",  "/admin",		h_admin_home,		A_ADMIN,	NULL, NULL, 0 },
	{ "GET",  "/admin/search",	h_search,		A_ADMIN,	&search_query, NULL, 0 },
	/* the box posts: a code searched for stays out of every access log */
	{ "POST", "/admin/search",	h_search,		A_ADMIN,	NULL, &search_query, 0 },
	{ "GET",  "/admin/audit",	h_audit,		A_ADMIN,	&audit_query, NULL, 0 },
	{ "GET",  "/admin/audit.csv",	h_audit_csv,		A_ADMIN,	&audit_query, NULL, 0 },

	{ "GET",  "/admin/pickup/batches", h_batches,		A_ADMIN,	&batches_query, NULL, 0 },
	{ "GET",  "/admin/pickup/batches/new", h_batch_new,	A_ADMIN_WRITE,	NULL, NULL, 0 },
	{ "POST", "/admin/pickup/batches", h_batch_create,	A_ADMIN_WRITE,	NULL, &batch_form, BODY_LARGE },
	{ "GET",  "/admin/pickup/batches/{id}", h_batch,		A_ADMIN,	&batch_query, NULL, 0 },
	{ "GET",  "/admin/pickup/batches/{id}/codes.txt", h_batch_codes, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "GET",  "/admin/pickup/batches/{id}/cards.csv", h_batch_cards_csv, A_ADMIN, &batch_query, NULL, 0 },
	{ "GET",  "/admin/pickup/batches/{id}/disable", h_confirm,	A_ADMIN_WRITE,	NULL, NULL, 0 },
	{ "POST", "/admin/pickup/batches/{id}/disable", h_batch_disable, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "POST", "/admin/pickup/batches/{id}/enable", h_batch_enable, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "GET",  "/admin/pickup/cards/{id}", h_card,		A_ADMIN,	NULL, NULL, 0 },
	{ "GET",  "/admin/pickup/cards/{id}/disable", h_confirm,	A_ADMIN_WRITE,	NULL, NULL, 0 },
	{ "POST", "/admin/pickup/cards/{id}/disable", h_card_disable, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "POST", "/admin/pickup/batches/{id}/cards/disable", h_cards_disable, A_ADMIN_WRITE, NULL, &cards_form, 0 },
	{ "POST", "/admin/pickup/cards/{id}/enable", h_card_enable, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "GET",  "/admin/pickup/usage",	h_usage,		A_ADMIN,	&usage_query, NULL, 0 },
	{ "GET",  "/admin/pickup/usage.csv", h_usage_csv,	A_ADMIN,	&usage_query, NULL, 0 },
	{ "GET",  "/admin/orders",	h_admin_orders,		A_ADMIN,	&admin_orders_query, NULL, 0 },
	{ "GET",  "/admin/orders.csv",	h_admin_orders_csv,	A_ADMIN,	&admin_orders_query, NULL, 0 },
	{ "GET",  "/admin/orders/{id}", h_admin_order,		A_ADMIN,	NULL, NULL, 0 },
	{ "GET",  "/admin/orders/{id}/refund", h_confirm,	A_ADMIN_WRITE,	NULL, NULL, 0 },
	{ "POST", "/admin/orders/{id}/refund", h_admin_refund, A_ADMIN_WRITE, NULL, &note_form, 0 },
	{ "GET",  "/admin/orders/{id}/refund-reject", h_confirm, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "POST", "/admin/orders/{id}/refund-reject", h_admin_refund_reject, A_ADMIN_WRITE, NULL, &refund_form, 0 },

	{ "GET",  "/user/pickup",	h_pickup,		A_MEMBER,	&page_query, NULL, 0 },
	{ "POST", "/user/pickup",	h_pickup_verify,	A_MEMBER,	NULL, &card_form, 0 },
	{ "POST", "/user/pickup/confirm", h_pickup_confirm,	A_MEMBER,	NULL, &card_form, 0 },
	{ "GET",  "/user/orders",	h_orders,		A_MEMBER,	&page_query, NULL, 0 },
	{ "GET",  "/user/orders/{id}",	h_order,		A_MEMBER,	&order_query, NULL, 0 },
	{ "POST", "/user/orders/{id}/pay", h_order_pay,	A_MEMBER,	NULL, NULL, 0 },
	{ "GET",  "/user/orders/{id}/cancel", h_confirm,	A_MEMBER,	NULL, NULL, 0 },
	{ "POST", "/user/orders/{id}/cancel", h_order_cancel,	A_MEMBER,	NULL, NULL, 0 },
	{ "POST", "/user/orders/{id}/confirm", h_order_confirm, A_MEMBER,	NULL, &confirm_form, 0 },
	{ "GET",  "/user/orders/{id}/refund", h_confirm,	A_MEMBER,	NULL, NULL, 0 },
	{ "POST", "/user/orders/{id}/refund", h_order_refund,	A_MEMBER,	NULL, &refund_form, 0 },
	{ "GET",  "/user/coupons",	h_coupons,		A_MEMBER,	&coupons_query, NULL, 0 },
	{ "POST", "/user/coupons/claim", h_coupon_claim,	A_MEMBER,	NULL, &claim_form, 0 },
	{ "GET",  "/user/vouchers",	h_vouchers,		A_MEMBER,	&vouchers_query, NULL, 0 },
	{ "GET",  "/user/vouchers/{id}", h_voucher,		A_MEMBER,	NULL, NULL, 0 },
	{ "GET",  "/user/vouchers/{id}/ledger.csv", h_voucher_csv, A_MEMBER, NULL, NULL, 0 },
	{ "GET",  "/user/redeem",	h_redeem_form,		A_MEMBER,	NULL, NULL, 0 },
	{ "POST", "/user/redeem",	h_redeem_verify,	A_MEMBER,	NULL, &code_form, 0 },
	{ "POST", "/user/redeem/confirm", h_redeem_confirm,	A_MEMBER,	NULL, &code_form, 0 },

	{ "GET",  "/admin/campaigns",	h_campaigns,		A_ADMIN,	&campaigns_query, NULL, 0 },
	{ "GET",  "/admin/campaigns/new", h_campaign_new,	A_ADMIN_WRITE,	NULL, NULL, 0 },
	{ "POST", "/admin/campaigns",	h_campaign_create,	A_ADMIN_WRITE,	NULL, &campaign_form, BODY_LARGE },
	{ "GET",  "/admin/campaigns/{id}", h_campaign,		A_ADMIN,	NULL, NULL, 0 },
	{ "POST", "/admin/campaigns/{id}", h_campaign_update,	A_ADMIN_WRITE,	NULL, &campaign_form, BODY_LARGE },
	{ "GET",  "/admin/campaigns/{id}/disable", h_confirm,	A_ADMIN_WRITE,	NULL, NULL, 0 },
	{ "POST", "/admin/campaigns/{id}/disable", h_campaign_disable, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "POST", "/admin/campaigns/{id}/enable", h_campaign_enable, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "GET",  "/admin/campaigns/{id}/uses", h_campaign_uses,	A_ADMIN,	&uses_query, NULL, 0 },
	{ "GET",  "/admin/campaigns/{id}/uses.csv", h_campaign_uses_csv, A_ADMIN, &uses_query, NULL, 0 },
	{ "GET",  "/admin/reports/liability", h_report_liability, A_ADMIN,	&liability_query, NULL, 0 },
	{ "GET",  "/admin/reports/liability.csv", h_report_liability_csv, A_ADMIN, &liability_query, NULL, 0 },
	{ "GET",  "/admin/reports/cost",	h_report_cost,		A_ADMIN,	&cost_query, NULL, 0 },
	{ "GET",  "/admin/reports/cost.csv", h_report_cost_csv,	A_ADMIN,	&cost_query, NULL, 0 },
	{ "GET",  "/admin/reports/orders", h_report_orders,	A_ADMIN,	&orders_report_query, NULL, 0 },
	{ "GET",  "/admin/reports/orders.csv", h_report_orders_csv, A_ADMIN,	&orders_report_query, NULL, 0 },
	{ "GET",  "/admin/reports/cards", h_report_cards,	A_ADMIN,	&cards_report_query, NULL, 0 },
	{ "GET",  "/admin/reports/cards.csv", h_report_cards_csv, A_ADMIN,	&cards_report_query, NULL, 0 },
	{ "GET",  "/admin/vouchers/templates", h_templates,	A_ADMIN,	&page_query, NULL, 0 },
	{ "GET",  "/admin/vouchers/templates/new", h_template_new, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "POST", "/admin/vouchers/templates", h_template_create, A_ADMIN_WRITE, NULL, &template_form, 0 },
	{ "GET",  "/admin/vouchers/templates/{id}", h_template,	A_ADMIN,	NULL, NULL, 0 },
	{ "POST", "/admin/vouchers/templates/{id}", h_template_update, A_ADMIN_WRITE, NULL, &template_form, 0 },
	{ "POST", "/admin/vouchers/templates/{id}/issue", h_template_issue, A_ADMIN_WRITE, NULL, &issue_form, BODY_LARGE },
	{ "POST", "/admin/vouchers/templates/{id}/issue/preview", h_template_issue_preview, A_ADMIN_WRITE, NULL, &issue_form, BODY_LARGE },
	{ "GET",  "/admin/vouchers/issues",	h_issues,		A_ADMIN,	&issues_query, NULL, 0 },
	{ "GET",  "/admin/vouchers/issues.csv", h_issues_csv,	A_ADMIN,	&issues_query, NULL, 0 },
	{ "GET",  "/admin/vouchers/issues/{id}", h_issue,	A_ADMIN,	&page_query, NULL, 0 },
	{ "GET",  "/admin/vouchers/issues/{id}/codes.txt", h_issue_codes, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "GET",  "/admin/vouchers",	h_admin_vouchers,	A_ADMIN,	&admin_vouchers_query, NULL, 0 },
	{ "GET",  "/admin/vouchers.csv", h_admin_vouchers_csv,	A_ADMIN,	&admin_vouchers_query, NULL, 0 },
	{ "GET",  "/admin/vouchers/{id}", h_admin_voucher,	A_ADMIN,	NULL, NULL, 0 },
	{ "GET",  "/admin/vouchers/{id}/ledger.csv", h_voucher_csv, A_ADMIN, NULL, NULL, 0 },
	{ "GET",  "/admin/vouchers/{id}/invalidate", h_confirm, A_ADMIN_WRITE,	NULL, NULL, 0 },
	{ "POST", "/admin/vouchers/{id}/invalidate", h_voucher_invalidate, A_ADMIN_WRITE, NULL, NULL, 0 },

	{ "GET",  "/partner",		h_partner_home,		A_PARTNER,	NULL, NULL, 0 },
	{ "GET",  "/partner/customers",	h_partner_customers,	A_PARTNER,	&page_query, NULL, 0 },
	{ "GET",  "/partner/templates",	h_ptemplates,		A_PARTNER,	&page_query, NULL, 0 },
	{ "GET",  "/partner/templates/new", h_ptemplate_new,	A_PARTNER,	NULL, NULL, 0 },
	{ "POST", "/partner/templates",	h_ptemplate_create,	A_PARTNER,	NULL, &ptemplate_form, 0 },
	{ "GET",  "/partner/templates/{id}", h_ptemplate,	A_PARTNER,	NULL, NULL, 0 },
	{ "POST", "/partner/templates/{id}", h_ptemplate_update,	A_PARTNER,	NULL, &ptemplate_form, 0 },
	{ "POST", "/partner/templates/{id}/apply", h_ptemplate_apply, A_PARTNER, NULL, &grant_form, 0 },
	{ "GET",  "/partner/vouchers",	h_pvouchers,		A_PARTNER,	&pvouchers_query, NULL, 0 },
	{ "GET",  "/partner/vouchers/{id}", h_pvoucher,		A_PARTNER,	NULL, NULL, 0 },
	{ "GET",  "/partner/vouchers/{id}/ledger.csv", h_pvoucher_csv, A_PARTNER, NULL, NULL, 0 },
	{ "GET",  "/partner/vouchers/{id}/cancel", h_confirm,	A_PARTNER,	NULL, NULL, 0 },
	{ "POST", "/partner/vouchers/{id}/cancel", h_pvoucher_cancel, A_PARTNER, NULL, NULL, 0 },
	{ "GET",  "/partner/vouchers/{id}/invalidate", h_confirm, A_PARTNER,	NULL, NULL, 0 },
	{ "POST", "/partner/vouchers/{id}/invalidate", h_pvoucher_invalidate, A_PARTNER, NULL, NULL, 0 },
	{ "GET",  "/partner/customer-templates", h_ctemplates,	A_PARTNER,	&page_query, NULL, 0 },
	{ "GET",  "/partner/customer-templates/new", h_ctemplate_new, A_PARTNER, NULL, NULL, 0 },
	{ "POST", "/partner/customer-templates", h_ctemplate_create, A_PARTNER, NULL, &ctemplate_form, 0 },
	{ "GET",  "/partner/customer-templates/{id}", h_ctemplate, A_PARTNER,	NULL, NULL, 0 },
	{ "POST", "/partner/customer-templates/{id}", h_ctemplate_update, A_PARTNER, NULL, &ctemplate_form, 0 },
	{ "POST", "/partner/customer-templates/{id}/issue", h_ctemplate_issue, A_PARTNER, NULL, &grant_form, 0 },
	{ "GET",  "/partner/customer-vouchers", h_cvouchers,	A_PARTNER,	&cvouchers_query, NULL, 0 },
	{ "GET",  "/partner/customer-vouchers/{id}", h_cvoucher,	A_PARTNER,	NULL, NULL, 0 },
	{ "GET",  "/partner/customer-vouchers/{id}/ledger.csv", h_cvoucher_csv, A_PARTNER, NULL, NULL, 0 },
	{ "GET",  "/partner/customer-vouchers/{id}/withdraw", h_confirm, A_PARTNER, NULL, NULL, 0 },
	{ "POST", "/partner/customer-vouchers/{id}/withdraw", h_cvoucher_withdraw, A_PARTNER, NULL, NULL, 0 },
	{ "GET",  "/partner/charges",	h_charges,		A_PARTNER,	&charges_query, NULL, 0 },
	{ "GET",  "/partner/charges.csv", h_charges_csv,	A_PARTNER,	&charges_query, NULL, 0 },
	{ "GET",  "/partner/settings",	h_psettings,		A_PARTNER,	NULL, NULL, 0 },
	{ "POST", "/partner/settings",	h_psettings_save,	A_PARTNER,	NULL, &psettings_form, 0 },

	/* SPEC §11: viewers read the queue; approving and rejecting write
	 * (the requester's own approval is core's 403) */
	{ "GET",  "/admin/approvals",	h_approvals,		A_ADMIN,	&approvals_query, NULL, 0 },
	{ "GET",  "/admin/approvals/{id}", h_approval,		A_ADMIN,	NULL, NULL, 0 },
	{ "GET",  "/admin/approvals/{id}/approve", h_confirm,	A_ADMIN_WRITE,	NULL, NULL, 0 },
	{ "POST", "/admin/approvals/{id}/approve", h_approval_approve, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "GET",  "/admin/approvals/{id}/reject", h_confirm,	A_ADMIN_WRITE,	NULL, NULL, 0 },
	{ "POST", "/admin/approvals/{id}/reject", h_approval_reject, A_ADMIN_WRITE, NULL, &reject_form, 0 },

	{ "GET",  "/admin/partner/applications", h_applications, A_ADMIN,	&applications_query, NULL, 0 },
	{ "GET",  "/admin/partner/applications/{id}/approve", h_confirm, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "POST", "/admin/partner/applications/{id}/approve", h_application_approve, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "GET",  "/admin/partner/applications/{id}/reject", h_confirm, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "POST", "/admin/partner/applications/{id}/reject", h_application_reject, A_ADMIN_WRITE, NULL, &reject_form, 0 },
	{ "GET",  "/admin/partner/vouchers", h_admin_pvouchers,	A_ADMIN,	&admin_pvouchers_query, NULL, 0 },
	{ "GET",  "/admin/partner/vouchers/new", h_admin_pvoucher_new, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "POST", "/admin/partner/vouchers", h_admin_pvoucher_issue, A_ADMIN_WRITE, NULL, &pv_issue_form, 0 },
	{ "POST", "/admin/partner/vouchers/preview", h_admin_pvoucher_preview, A_ADMIN_WRITE, NULL, &pv_issue_form, 0 },
	{ "GET",  "/admin/partner/vouchers/{id}/invalidate", h_confirm, A_ADMIN_WRITE, NULL, NULL, 0 },
	{ "POST", "/admin/partner/vouchers/{id}/invalidate", h_admin_pvoucher_invalidate, A_ADMIN_WRITE, NULL, NULL, 0 },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static struct router	*router;

int
routes_init(char *err, size_t errsz)
{
	size_t i;

	if ((router = ROUTER_NEW(routes, struct route, err, errsz)) == NULL)
		return -1;
	/* every form's patterns, now: a bad one stops the start */
	for (i = 0; i < NROUTES; i++)
		if ((routes[i].query != NULL &&
		    form_compile(routes[i].query, err, errsz) < 0) ||
		    (routes[i].body != NULL &&
		    form_compile(routes[i].body, err, errsz) < 0))
			return -1;
	return api_init(err, errsz);
}

void
routes_free(void)
{
	router_free(router);
	router = NULL;
	api_free();
}

/* Finds the route; KQ_NOT_FOUND, or KQ_METHOD when only the method is off. */
static enum kq_outcome
route_find(struct req *r)
{
	enum kq_outcome	s;
	size_t		i;

	if ((s = router_find(router, strcmp(r->method, "HEAD") == 0 ? "GET" :
	    r->method, r->path, &i, &r->id)) != KQ_OK)
		return s;
	r->route = &routes[i];
	r->route_name = routes[i].path;	/* for the log: "/user/orders/{id}" */
	return KQ_OK;
}

/* Loads the session the route needs; 303 to the login page without one. */
static enum kq_outcome
authenticate(struct req *r, int *redirected)
{
	enum principal_kind	 kind;
	const char		*token;
	enum kq_outcome		 s;

	*redirected = 0;
	if (r->route->access == A_PUBLIC)
		return KQ_OK;
	kind = r->route->access >= A_ADMIN ? P_ADMIN : P_MEMBER;
	token = cookie_get(r->arena, r->cookies,
	    kind == P_ADMIN ? COOKIE_ADMIN : COOKIE_MEMBER);
	s = session_load(r->app->db, r->arena, kind, token, &r->app->policy,
	    &r->me);
	if (s == KQ_NOT_FOUND) {
		reply_redirect(r, kind == P_ADMIN ? "/admin/login" : "/login");
		*redirected = 1;
		return KQ_OK;
	}
	return s;
}

/* POSTs carry the session's CSRF token; the login forms, which have no
 * session yet, carry the pre-session cookie's (double submit). */
static enum kq_outcome
check_csrf(struct req *r)
{
	const char *sent = params_get(&r->body, "csrf"), *want;

	if (strcmp(r->route->method, "POST") != 0)
		return KQ_OK;
	want = r->me.kind != P_NONE ? r->me.csrf :
	    cookie_get(r->arena, r->cookies, COOKIE_PRE);
	if (sent == NULL || want == NULL || *want == '\0' ||
	    !token_equal(sent, want))
		return KQ_CSRF;
	return KQ_OK;
}

static enum kq_outcome
check_permission(const struct req *r)
{
	switch (r->route->access) {
	case A_MEMBER:
		/* SPEC §2: only the owner and finance collaborators */
		return r->me.is_owner || r->me.finance ? KQ_OK : KQ_FORBIDDEN;
	case A_PARTNER:
		return (r->me.is_owner || r->me.finance) && r->me.is_partner ?
		    KQ_OK : KQ_FORBIDDEN;
	case A_ADMIN_WRITE:
		return r->me.is_admin_role ? KQ_OK : KQ_FORBIDDEN;
	default:
		return KQ_OK;
	}
}

/* What a 403 says: which permission the page needs. */
static const char *
forbidden_why(const struct req *r)
{
	switch (r->route->access) {
	case A_MEMBER:
		return L("此页面需要账户创建者,或有“财务”权限的协作者。"
		    "请联系账户创建者为您开通财务权限。");
	case A_PARTNER:
		return r->me.is_partner ? L("经销商中心需要账户创建者,或有“财务”"
		    "权限的协作者。") : L("经销商中心只对经销商账户开放。");
	case A_ADMIN_WRITE:
		return L("此操作需要管理员(admin)角色;查看者(viewer)只能查看列表"
		    "和记录,不能修改,也不能下载卡密。");
	default:
		return NULL;
	}
}

/* Whether addr is one of the space- or comma-separated status_allow. */
static int
status_allowed(const char *list, const char *addr)
{
	size_t n, len = strlen(addr);

	for (; list != NULL && *list != '\0'; list += n) {
		list += strspn(list, " ,");
		n = strcspn(list, " ,");
		if (n == len && n > 0 && strncmp(list, addr, n) == 0)
			return 1;
	}
	return 0;
}

/* The operators' status page (status_path; off by default), like
 * php-fpm's pm.status_path: plain text, ?json, or ?prometheus (metrics).
 * Another address than status_allow gets the 404 any unknown path gets. */
static int
status_page(struct req *r)
{
	const struct config	*cfg = r->app->cfg;
	const char		*qs = FCGX_GetParam("QUERY_STRING", r->fcgx->envp);
	enum metrics_format	 f = MF_TEXT;

	if (cfg->status_path == NULL || strcmp(r->path, cfg->status_path) != 0)
		return 0;
	r->route_name = cfg->status_path;
	input_done();
	if (!status_allowed(cfg->status_allow, r->remote_addr) ||
	    strcmp(r->method, "GET") != 0) {
		reply_fail(r, KQ_NOT_FOUND);
		return 1;
	}
	if (qs != NULL && strcmp(qs, "json") == 0)
		f = MF_JSON;
	else if (qs != NULL && (strcmp(qs, "prometheus") == 0 ||
	    strcmp(qs, "openmetrics") == 0))
		f = MF_PROMETHEUS;
	else if (qs != NULL && *qs != '\0') {
		reply_fail(r, KQ_BAD_REQUEST);
		return 1;
	}
	reply_headers(r, 200, f == MF_JSON ? "application/json" :
	    f == MF_PROMETHEUS ? "text/plain; version=0.0.4; charset=utf-8" :
	    "text/plain; charset=utf-8");
	metrics_write(f, reply_write, r->fcgx->out);
	return 1;
}

void
dispatch(struct req *r)
{
	enum kq_outcome	s;
	int		redirected;

	if (strncmp(r->path, API_PREFIX, strlen(API_PREFIX)) == 0) {
		api_dispatch(r);
		return;
	}
	if (status_page(r))
		return;
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD") &&
	    strcmp(r->method, "POST")) {
		reply_header(r, "Allow: GET, HEAD, POST");
		reply_fail(r, KQ_METHOD);
		return;
	}
	if (!path_acceptable(r->path)) {
		reply_fail(r, KQ_NOT_FOUND);
		return;
	}
	if ((s = route_find(r)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if ((s = query_read(r, r->route->query)) == KQ_OK)
		s = body_read_form(r, r->route->max_body ? r->route->max_body :
		    BODY_SMALL);
	input_done();
	if (s != KQ_OK) {	/* a bad query value names its field */
		reply_fail_at(r, s, s == KQ_INVALID_FIELD ? r->q.bad : NULL, NULL);
		return;
	}
	/* the public GETs (login forms) render even with the database down */
	if ((r->route->access != A_PUBLIC || strcmp(r->route->method, "POST") == 0)
	    && db_ready(r->app->db) != KQ_OK) {
		reply_fail(r, KQ_UNAVAILABLE);
		return;
	}
	if ((s = authenticate(r, &redirected)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (redirected)
		return;
	if ((s = check_csrf(r)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if ((s = check_permission(r)) != KQ_OK) {
		reply_fail_at(r, s, NULL, forbidden_why(r));
		return;
	}
	/* the body by the route's form; the handler re-shows a bad one */
	if (r->route->body != NULL &&
	    (r->f_outcome = form_parse(r->arena, r->route->body, &r->body,
	    &r->f)) == KQ_UNAVAILABLE) {
		reply_fail(r, r->f_outcome);
		return;
	}
	r->route->handler(r);
}
