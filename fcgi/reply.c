/*
 * reply.c - the HTTP exit: status lines, headers, pages, redirects (and
 * the flash message a redirect carries to the next page, in a cookie),
 * error pages, and the 503 of a request that ran out of memory.
 *
 * reply_headers() is the one exit: it writes the security headers of SPEC
 * §8 on every response.  Pages are streamed straight from the compiled
 * template to the FastCGI stream.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash.h"
#include "base/i18n.h"
#include "base/log.h"
#include "present.h"
#include "ratelimit.h"
#include "reply.h"
#include "request.h"
#include "state.h"

/* ok-flashes: code → message (error flashes use the status table). */
static const struct {
	const char *code, *message;
} ok_flashes[] = {
	{ "logged_out", "您已安全退出。" },
	{ "logged_in", "登录成功。" },
	{ "batch_created", "提货卡已生成。" },
	{ "batch_disabled", "批次已禁用:未使用的提货卡不能再提货。" },
	{ "batch_enabled", "批次已启用。" },
	{ "card_disabled", "提货卡已禁用。" },
	{ "order_paid", "订单已支付。" },
	{ "order_cancelled", "订单已取消。" },
	{ "order_confirmed", "订单已确认,请在 " STR(PAYMENT_WINDOW_MIN) " 分钟内支付。" },
	{ "order_refunded", "订单已退款:现金部分退回,代金券抵扣部分不退。" },
	{ "refund_requested", "退款申请已提交,财务审核后会在此显示结果。" },
	{ "refund_rejected", "已驳回退款申请,原因会显示给会员。" },
	{ "card_enabled", "提货卡已重新启用。" },
	{ "redeemed", "兑换成功,代金券已放入您的账户。" },
	{ "picked_up", "提货成功:订单已生成,服务器开通后状态会在此更新。" },
	{ "template_saved", "模板已保存。" },
	{ "issued", "已发放。" },
	{ "issued_partly", "已发放,但部分 UIN 未发放(账号不存在),见下表。" },
	{ "voucher_invalidated", "代金券已作废。" },
	{ "applied", "申请已提交,等待平台审核(约 1–3 个工作日)。" },
	{ "review_cancelled", "已取消审核。" },
	{ "approved", "已审核通过:经销商代金券已生效,关联的客户试用代金券已发放。" },
	{ "rejected", "已驳回,原因已告知经销商。" },
	{ "withdrawn", "代金券已撤回。" },
	{ "settings_saved", "设置已保存。" },
	{ "campaign_saved", "优惠活动已保存。" },
	{ "campaign_disabled", "优惠活动已停用:不能再领取或使用;已确认的订单不受影响。" },
	{ "campaign_enabled", "优惠活动已启用。" },
	{ "approval_pending", "金额超过审批上限,已提交审批:另一位管理员批准后才会生成。" },
	{ "request_approved", "已批准,已生成。" },
	{ "request_rejected", "已驳回,不会生成。" },
	/* with a count (reply_flash_count) */
	{ "claimed", "已领取 %d 张优惠券。" },
	{ "claimed_none", "没有可领取的优惠券。" },
	{ "cards_disabled", "已禁用 %d 张提货卡。" },
};

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 201: return "Created";
	case 202: return "Accepted";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default:  return "Internal Server Error";
	}
}

int
reply_write(void *stream, const char *s, size_t len)
{
	return FCGX_PutStr(s, (int)len, stream) == (int)len ? 0 : -1;
}

void
reply_header(struct req *r, const char *line)
{
	abuf_puts(&r->headers, line);
	abuf_puts(&r->headers, "\r\n");
}

void
reply_cookie(struct req *r, const char *name, const char *value,
    const char *path, long max_age)
{
	abuf_printf(&r->headers, "Set-Cookie: %s=%s; Path=%s; HttpOnly; "
	    "SameSite=Strict%s", name, value, path,
	    r->app->cfg->cookie_secure ? "; Secure" : "");
	if (max_age >= 0)
		abuf_printf(&r->headers, "; Max-Age=%ld", max_age);
	abuf_puts(&r->headers, "\r\n");
}

void
reply_headers(struct req *r, int status, const char *content_type)
{
	FCGX_Stream	*out = r->fcgx->out;
	const char	*extra;

	if (r->sent)
		return;
	r->sent = 1;
	r->status = status;
	/* when to come back: a busy or lost database is seconds, a rate
	 * limit its window (SPEC §2) */
	if (status == 503)
		reply_header(r, "Retry-After: 5");
	else if (status == 429)
		reply_header(r, arena_printf(r->arena, "Retry-After: %d",
		    RL_WINDOW_MIN * 60));
	/* served over HTTPS (cookie_secure): the browser keeps to it, so no
	 * later plain request can be stripped of its Secure cookie's session */
	if (r->app->cfg->cookie_secure)
		reply_header(r, "Strict-Transport-Security: max-age=31536000");
	extra = abuf_str(&r->headers);
	FCGX_FPrintF(out,
	    "Status: %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; "
	    "form-action 'self'; base-uri 'none'; object-src 'none'\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Cache-Control: no-store\r\n"
	    "%s\r\n",
	    status, reason(status), content_type, extra ? extra : "");
}

void
reply_flash(struct req *r, const char *kind, const char *code)
{
	char value[80];

	snprintf(value, sizeof(value), "%s.%s", kind, code);
	reply_cookie(r, COOKIE_FLASH, value, "/", 60);
}

void
reply_flash_count(struct req *r, const char *code, int n)
{
	char value[64];

	snprintf(value, sizeof(value), "%.40s.%d", code, n);
	reply_flash(r, "ok", value);
}

/* Reads and clears the flash cookie; only known codes are shown (an ok
 * code may carry a count: "ok.claimed.3"). */
static void
flash_take(struct req *r, struct view *v)
{
	const char	*c = cookie_get(r->arena, r->cookies, COOKIE_FLASH);
	const char	*msg = NULL;
	enum kq_outcome	 st;
	size_t		 i;

	if (c == NULL)
		return;
	reply_cookie(r, COOKIE_FLASH, "", "/", 0);
	if (strncmp(c, "ok.", 3) == 0) {
		const char	*dot = strchr(c + 3, '.');
		size_t		 len = dot ? (size_t)(dot - (c + 3)) : strlen(c + 3);
		int		 count = dot ? atoi(dot + 1) : -1;

		for (i = 0; i < sizeof(ok_flashes) / sizeof(ok_flashes[0]); i++)
			if (strncmp(ok_flashes[i].code, c + 3, len) == 0 &&
			    ok_flashes[i].code[len] == '\0' &&
			    (strstr(ok_flashes[i].message, "%d") != NULL) ==
			    (count >= 0))
				msg = count >= 0 ? arena_printf(r->arena,
				    Ln(ok_flashes[i].message, count), count) :
				    L(ok_flashes[i].message);
		if (msg != NULL && dot != NULL)
			c = arena_printf(r->arena, "ok.%.*s", (int)len, c + 3);
	} else if (strncmp(c, "error.", 6) == 0 &&
	    (st = kq_outcome_from_code(c + 6)) != KQ_OUTCOME__MAX)
		msg = L(kq_message(st));
	if (msg == NULL)
		return;
	flash_kind(v, c[0] == 'o');
	view_set(v, "flash_code", strchr(c, '.') + 1);
	view_set(v, "flash_text", msg);
}

/* The link to the other language, back to this page (a GET; after a
 * POST, the side's home); its text from a. */
static void
lang_switch(struct req *r, struct arena *a, struct view *v)
{
	const char	*qs = FCGX_GetParam("QUERY_STRING", r->fcgx->envp);
	const char	*back = r->path, *with_qs, *encoded;
	enum lang	 to = i18n_current() == LANG_ZH ? LANG_EN : LANG_ZH;

	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		back = r->me.kind == P_MEMBER ? "/user" :
		    r->me.kind == P_ADMIN ? "/admin" : "/login";
	else if (qs != NULL && *qs != '\0' &&
	    (with_qs = arena_printf(a, "%s?%s", r->path, qs)) != NULL)
		back = with_qs;
	if ((encoded = url_encode(a, back)) != NULL)
		view_setf(v, "lang_href", "/lang?to=%s&back=%s", lang_names[to],
		    encoded);
	view_set(v, "lang_to", lang_names[to]);
	view_set(v, "lang_text", to == LANG_EN ? "English" : "中文");
}

/* What every page shows, in a view of arena a. */
static struct view *
view_in(struct req *r, struct arena *a)
{
	struct view	*v = view_new(a), *me;

	if (r->me.kind != P_NONE) {
		me = view_map(v, "me");
		view_set(me, "login", r->me.login);
		view_set(me, "role", r->me.role);
		if (r->me.kind == P_MEMBER) {
			view_set_int(me, "uin", r->me.uin);
			view_set(me, "account", r->me.account_name);
			view_set(me, "member", "1");
			if (r->me.is_owner)
				view_set(me, "role_owner", "1");
			if (r->me.is_partner && (r->me.is_owner || r->me.finance))
				view_set(me, "partner", "1");
		} else {
			view_set(me, "admin", "1");
			/* viewers read; only role admin sees what changes things */
			if (r->me.is_admin_role)
				view_set(v, "can_write", "1");
		}
		view_set(v, "csrf", r->me.csrf);
	}
	lang_switch(r, a, v);
	return v;
}

struct view *
reply_view(struct req *r)
{
	struct view *v = view_in(r, r->arena);

	flash_take(r, v);
	return v;
}

/* Tests only (make golden): with KAQUAN_VIEW_DUMP=DIR, each page's view
 * is written to DIR/NAME.view as a handler filled it (the last one of each
 * page), for the golden pages. */
static void
view_keep(const char *name, const struct view *v)
{
	static const char	*dir;
	static int		 looked;
	char			 path[4096];
	FILE			*f;

	if (!looked++)
		dir = getenv("KAQUAN_VIEW_DUMP");
	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s.view", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "page %s\n", name);
	view_dump(v, f);
	fclose(f);
}

int
reply_lost(struct req *r)
{
	const struct tmpl	*t = tmpl_get(r->app->tmpl, "error");
	struct arena		 a;
	struct view		*v;

	if (!r->arena->failed)
		return 0;
	kq_log("%s %s: out of memory: 503", r->method,
	    r->route_name ? r->route_name : "-");
	/* the error page in memory of its own: the request's is spent */
	arena_init(&a, 16384, 1 << 20);
	if ((v = view_in(r, &a)) != NULL) {
		flash_now(v, KQ_UNAVAILABLE, NULL);
		view_set_int(v, "error_status", 503);
	}
	reply_headers(r, 503, "text/html; charset=utf-8");
	if (t == NULL || v == NULL || a.failed)
		FCGX_PutS(L(kq_message(KQ_UNAVAILABLE)), r->fcgx->out);
	else
		tmpl_render(t, v, reply_write, r->fcgx->out);
	arena_free(&a);
	return 1;
}

/* The menu's entry for each group of pages, first match of the page's
 * name: it is marked aria-current (WCAG 2.4.8, issue 31). */
static const struct {
	const char	*page;		/* a prefix of the page's name */
	const char	*nav;
} nav_sections[] = {
	{ "user.home",			"nav_home" },
	{ "user.voucher",		"nav_vouchers" },
	{ "user.redeem",		"nav_redeem" },
	{ "user.coupons",		"nav_coupons" },
	{ "user.order",			"nav_orders" },
	{ "user.pickup",		"nav_pickup" },
	{ "partner.",			"nav_partner" },
	{ "admin.home",			"nav_home" },
	{ "admin.order",		"nav_orders" },
	{ "admin.pickup.batch",		"nav_batches" },
	{ "admin.pickup.cards",		"nav_batches" },
	{ "admin.pickup.usage",		"nav_usage" },
	{ "admin.voucher.template",	"nav_templates" },
	{ "admin.voucher.issue.confirm",	"nav_templates" },
	{ "admin.voucher",		"nav_vouchers" },
	{ "admin.campaign",		"nav_campaigns" },
	{ "admin.partner.application",	"nav_applications" },
	{ "admin.partner.voucher",	"nav_pvouchers" },
	{ "admin.approval",		"nav_approvals" },
	{ "admin.audit",		"nav_audit" },
};

/* Where the page is: its menu entry, and the object of a page that shows
 * one (the route's {id}) in its title: "订单详情 #8 · 卡券中心". */
static void
page_marks(struct req *r, const char *name, struct view *v)
{
	size_t i;

	for (i = 0; i < sizeof(nav_sections) / sizeof(nav_sections[0]); i++)
		if (strncmp(name, nav_sections[i].page,
		    strlen(nav_sections[i].page)) == 0) {
			view_set(v, nav_sections[i].nav, "page");
			break;
		}
	if (r->id > 0)
		view_set_int(v, "title_id", r->id);
}

void
reply_page(struct req *r, int status, const char *name, struct view *v)
{
	const struct tmpl *t = tmpl_get(r->app->tmpl, name);

	if (t != NULL && v != NULL) {
		page_marks(r, name, v);
		tmpl_prepare(t, v);	/* the last of the view's values */
	}
	if (reply_lost(r))
		return;
	if (t != NULL && v != NULL)
		view_keep(name, v);
	if (t == NULL || v == NULL) {
		kq_log("page %s: no such template", name);
		reply_headers(r, 500, "text/plain; charset=utf-8");
		FCGX_PutS("internal error\n", r->fcgx->out);
		return;
	}
	reply_headers(r, status, "text/html; charset=utf-8");
	tmpl_render(t, v, reply_write, r->fcgx->out);
}

void
reply_redirect(struct req *r, const char *location)
{
	abuf_printf(&r->headers, "Location: %s\r\n", location);
	if (reply_lost(r))	/* the Location may be the part that is lost */
		return;
	reply_headers(r, 303, "text/html; charset=utf-8");
}

/* The error page: the flash names the field, the reason (data-reason)
 * and, when given, the message in its own words. */
static void
fail_page(struct req *r, enum kq_outcome s, const char *field,
    const char *reason, const char *message)
{
	struct view *v = reply_view(r);

	/* the error is the page's one flash, over any left by a redirect */
	flash_now(v, s, field);
	if (reason != NULL)
		view_set(v, "flash_reason", reason);
	if (message != NULL)
		view_set(v, "flash_text", message);
	view_set_int(v, "error_status", kq_http_status(s));
	reply_page(r, kq_http_status(s), "error", v);
}

void
reply_fail_at(struct req *r, enum kq_outcome s, const char *field, const char *message)
{
	fail_page(r, s, field, NULL, message);
}

void
reply_fail_reason(struct req *r, enum kq_outcome s, const char *reason,
    const char *text)
{
	fail_page(r, s, NULL, reason, text == NULL ? NULL :
	    arena_printf(r->arena, "%s %s", L(kq_message(s)), text));
}

void
reply_cut(struct req *r, const char *why)
{
	kq_log("%s %s: cut short: %s", r->method, r->route_name ?
	    r->route_name : "-", why);
	/* what is written goes out, then the connection closes without the
	 * request's end record: nginx ends the client's response without
	 * its last chunk */
	FCGX_FFlush(r->fcgx->out);
	if (r->fcgx->ipcFd >= 0)
		shutdown(r->fcgx->ipcFd, SHUT_RDWR);
	r->fcgx->keepConnection = 0;
}

void
reply_fail(struct req *r, enum kq_outcome s)
{
	reply_fail_at(r, s, NULL, NULL);
}

void
reply_done(struct req *r, enum kq_outcome s, const char *flash, const char *location)
{
	if (s != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	reply_flash(r, "ok", flash);
	reply_redirect(r, location);
}

void
reply_made(struct req *r, enum kq_outcome s, long long id, const char *flash,
    const char *location)
{
	if (s == KQ_APPROVAL_PENDING)
		reply_done(r, KQ_OK, "approval_pending",
		    arena_printf(r->arena, "/admin/approvals/%lld", id));
	else
		reply_done(r, s, flash, location);
}
