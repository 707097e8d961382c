/*
 * response.c - status lines, headers, pages, redirects, error pages.
 *
 * send_headers() is the one exit: it writes the security headers of SPEC §8
 * on every response.  Pages are streamed straight from the compiled template
 * to the FastCGI stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "http.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/money.h"
#include "present.h"
#include "ratelimit.h"
#include "voucher.h"
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
};

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 201: return "Created";
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
out_write(void *stream, const char *s, size_t len)
{
	return FCGX_PutStr(s, (int)len, stream) == (int)len ? 0 : -1;
}

void
header_add(struct req *r, const char *line)
{
	abuf_puts(&r->headers, line);
	abuf_puts(&r->headers, "\r\n");
}

void
cookie_set(struct req *r, const char *name, const char *value,
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
send_headers(struct req *r, int status, const char *content_type)
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
		header_add(r, "Retry-After: 5");
	else if (status == 429)
		header_add(r, arena_printf(r->arena, "Retry-After: %d",
		    RL_WINDOW_MIN * 60));
	/* served over HTTPS (cookie_secure): the browser keeps to it, so no
	 * later plain request can be stripped of its Secure cookie's session */
	if (r->app->cfg->cookie_secure)
		header_add(r, "Strict-Transport-Security: max-age=31536000");
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
flash_set(struct req *r, const char *kind, const char *code)
{
	char value[80];

	snprintf(value, sizeof(value), "%s.%s", kind, code);
	cookie_set(r, COOKIE_FLASH, value, "/", 60);
}

/* Reads and clears the flash cookie; only known codes are shown. */
static void
flash_take(struct req *r, struct view *v)
{
	const char	*c = cookie_get(r->arena, r->cookies, COOKIE_FLASH);
	const char	*msg = NULL;
	enum kq_outcome	 st;
	size_t		 i;

	if (c == NULL)
		return;
	cookie_set(r, COOKIE_FLASH, "", "/", 0);
	if (strncmp(c, "ok.", 3) == 0) {
		for (i = 0; i < sizeof(ok_flashes) / sizeof(ok_flashes[0]); i++)
			if (strcmp(ok_flashes[i].code, c + 3) == 0)
				msg = L(ok_flashes[i].message);
	} else if (strncmp(c, "error.", 6) == 0 &&
	    (st = kq_outcome_from_code(c + 6)) != KQ_OUTCOME__MAX)
		msg = L(kq_message(st));
	if (msg == NULL)
		return;
	view_set(v, "flash_kind", c[0] == 'o' ? "ok" : "error");
	view_set(v, "flash_code", strchr(c, '.') + 1);
	view_set(v, "flash_text", msg);
}

void
flash_now(struct view *v, enum kq_outcome s, const char *field)
{
	view_set(v, "flash_kind", s == KQ_OK ? "ok" : "error");
	view_set(v, "flash_code", kq_code(s));
	view_set(v, "flash_text", L(kq_message(s)));
	if (field != NULL)
		view_set(v, "flash_field", field);
}

void
code_failed(struct view *v, enum kq_outcome err, const char *field,
    const char *typed)
{
	const char *msg = L(kq_message(err));

	if (err == KQ_CODE_FORMAT || err == KQ_CARD_FORMAT)
		msg = code_error_text(err, typed);
	flash_now(v, err, field);
	view_set(v, "flash_text", msg);
	mark_field(v->arena, v, field, msg);
}

void
form_reshow(struct view *v, const struct form *f, enum kq_outcome err,
    const char *bad)
{
	const struct field	*fd;
	struct view		*fv = view_map(v, "f");
	struct arena		*a = v->arena;
	size_t			 i;

	for (i = 0; i < f->def->n; i++) {
		fd = &f->def->fields[i];
		if (!fd->repeated)
			view_set(fv, fd->name, f->v[i].raw);
		if (err == KQ_OK || f->v[i].err == KQ_OK)
			continue;
		/* every field that failed its format, marked where it is */
		mark_field(a, v, fd->name, field_error_text(a, fd, &f->v[i]));
	}
	if (err == KQ_OK)
		return;
	/* a rule core/ checked: the field it names */
	if (bad != NULL && (f->bad == NULL || strcmp(bad, f->bad))) {
		struct field rule = { .name = bad };

		mark_field(a, v, bad, err == KQ_INVALID_FIELD ?
		    field_error_text(a, &rule, NULL) : L(kq_message(err)));
	}
	flash_now(v, err, bad != NULL ? bad : f->bad);
}

/* The link to the other language, back to this page (a GET; after a
 * POST, the side's home). */
static void
lang_switch(struct req *r, struct view *v)
{
	const char	*qs = FCGX_GetParam("QUERY_STRING", r->fcgx->envp);
	const char	*back = r->path;
	enum lang	 to = i18n_current() == LANG_ZH ? LANG_EN : LANG_ZH;

	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		back = r->me.kind == P_MEMBER ? "/user" :
		    r->me.kind == P_ADMIN ? "/admin" : "/login";
	else if (qs != NULL && *qs != '\0')
		back = arena_printf(r->arena, "%s?%s", r->path, qs);
	view_setf(v, "lang_href", "/lang?to=%s&back=%s", lang_names[to],
	    url_encode(r->arena, back));
	view_set(v, "lang_to", lang_names[to]);
	view_set(v, "lang_text", to == LANG_EN ? "English" : "中文");
}

struct view *
page_view(struct req *r)
{
	struct view	*v = view_new(r->arena), *me;

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
	lang_switch(r, v);
	flash_take(r, v);
	return v;
}

void
page(struct req *r, int status, const char *name, struct view *v)
{
	const struct tmpl *t = tmpl_get(r->app->tmpl, name);

	if (t == NULL || v == NULL) {
		kq_log("page %s: %s", name,
		    t ? "out of memory" : "no such template");
		send_headers(r, 500, "text/plain; charset=utf-8");
		FCGX_PutS("internal error\n", r->fcgx->out);
		return;
	}
	send_headers(r, status, "text/html; charset=utf-8");
	tmpl_render(t, v, out_write, r->fcgx->out);
}

void
redirect(struct req *r, const char *location)
{
	abuf_printf(&r->headers, "Location: %s\r\n", location);
	send_headers(r, 303, "text/html; charset=utf-8");
}

void
fail_at(struct req *r, enum kq_outcome s, const char *field, const char *message)
{
	struct view *v = page_view(r);

	/* the error is the page's one flash, over any left by a redirect */
	flash_now(v, s, field);
	if (message != NULL)
		view_set(v, "flash_text", message);
	view_set_int(v, "error_status", kq_http_status(s));
	page(r, kq_http_status(s), "error", v);
}

void
fail(struct req *r, enum kq_outcome s)
{
	fail_at(r, s, NULL, NULL);
}

void
csv_cell(FCGX_Stream *out, const char *s, int last)
{
	FCGX_PutChar('"', out);
	/* a leading = + - @, tab, CR or LF would be run by a spreadsheet
	 * (SPEC §7) */
	if (*s != '\0' && strchr("=+-@\t\r\n", *s) != NULL)
		FCGX_PutChar('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			FCGX_PutChar('"', out);
		FCGX_PutChar(*s, out);
	}
	FCGX_PutS(last ? "\"\r\n" : "\",", out);
}

void
csv_start(struct req *r, const char *filename)
{
	header_add(r, arena_printf(r->arena, "Content-Disposition: attachment;"
	    " filename=\"%s\"", filename));
	send_headers(r, 200, "text/csv; charset=utf-8");
	FCGX_PutS("\xef\xbb\xbf", r->fcgx->out);	/* BOM: spreadsheets read UTF-8 */
}

const char *
query_href(struct req *r, const char *path)
{
	const char *qs = FCGX_GetParam("QUERY_STRING", r->fcgx->envp);

	return arena_printf(r->arena, "%s%s%s", path, qs && *qs ? "?" : "",
	    qs && *qs ? qs : "");
}

const char *
csv_time_head(struct req *r, const char *words)
{
	return arena_printf(r->arena, "%s(%s)", L(words), r->app->cfg->display_tz);
}

void
csv_heads(FCGX_Stream *out, const char *const *heads)
{
	for (; *heads != NULL; heads++)
		csv_cell(out, L(*heads), heads[1] == NULL);
}

static void
export_start(struct export *ex)
{
	struct req		*r = ex->req;
	const struct csv_col	*c;

	if (ex->started++)
		return;
	csv_start(r, ex->filename);
	for (c = ex->cols; c->head != NULL; c++)
		csv_cell(r->fcgx->out, c->kind == CSV_TIME ?
		    csv_time_head(r, c->head) : L(c->head), c[1].head == NULL);
}

static int
export_row(void *arg, const void *row)
{
	struct export		*ex = arg;
	FCGX_Stream		*out = ex->req->fcgx->out;
	const struct csv_col	*c;
	const struct vnode	*n;
	struct view		*v;
	char			 key[64], yuan[MONEY_BUFSZ], when[CLOCK_BUFSZ];
	const char		*cell;
	time_t			 t;

	export_start(ex);
	arena_reset(&ex->scratch);
	if ((v = view_new(&ex->scratch)) == NULL)
		return -1;
	ex->show(ex->req, v, row);
	for (c = ex->cols; c->head != NULL; c++) {
		/* money and times from their machine values: a spreadsheet
		 * reads them the same whatever the page's language */
		snprintf(key, sizeof(key), "%s%s", c->key,
		    c->kind == CSV_TEXT ? "" : "_v");
		n = view_find(v, key, strlen(key));
		cell = n != NULL && n->type == V_STR ? n->u.s : "";
		if (c->kind == CSV_MONEY && *cell != '\0') {
			money_plain(strtoll(cell, NULL, 10), yuan, sizeof(yuan));
			cell = yuan;
		} else if (c->kind == CSV_TIME && (t = clock_parse_iso(cell)) > 0) {
			clock_display(t, when, sizeof(when));
			cell = when;
		}
		csv_cell(out, cell, c[1].head == NULL);
	}
	return FCGX_GetError(out) != 0 ? -1 : 0;
}

void
export_begin(struct req *r, struct export *ex, struct pager *pg,
    const char *filename, const struct csv_col *cols,
    void (*show)(struct req *, struct view *, const void *))
{
	memset(ex, 0, sizeof(*ex));
	ex->req = r;
	ex->filename = filename;
	ex->cols = cols;
	ex->show = show;
	arena_init(&ex->scratch, 8192, 1 << 20);
	pg->each = export_row;
	pg->ctx = ex;
}

int
list_answered(struct req *r, struct export *ex, enum kq_outcome s)
{
	if (ex->req == NULL) {	/* the page */
		if (s != KQ_OK)
			fail(r, s);
		return s != KQ_OK;
	}
	arena_free(&ex->scratch);
	if (s != KQ_OK && !ex->started) {
		fail(r, s);
		return 1;
	}
	if (s != KQ_OK)	/* the rows are out: it can only end short */
		kq_log("%s: %s", ex->filename, kq_code(s));
	export_start(ex);	/* no rows: the headings alone */
	return 1;
}

/* A ledger as CSV.  An amount is written as a plain number in one of two
 * columns, what came in and what went out, so that a spreadsheet sums
 * them and no cell starts with a minus (SPEC §7 neutralises those). */
void
ledger_csv(struct req *r, const char *filename, const struct ledger_row *rows,
    size_t n, int with_customer)
{
	static const char *const heads[] = { "类型", "订单", "增加(元)",
	    "减少(元)", "余额(元)", NULL };
	static const char *const heads_customer[] = { "类型", "订单", "客户 UIN",
	    "增加(元)", "减少(元)", "余额(元)", NULL };
	FCGX_Stream	*out = r->fcgx->out;
	char		 t[CLOCK_BUFSZ], amount[MONEY_BUFSZ], balance[MONEY_BUFSZ];
	char		 order[24], uin[24];
	size_t		 i;

	csv_start(r, filename);
	csv_cell(out, csv_time_head(r, "时间"), 0);
	csv_heads(out, with_customer ? heads_customer : heads);
	for (i = 0; i < n; i++) {
		clock_display(rows[i].time, t, sizeof(t));
		money_plain(rows[i].amount < 0 ? -rows[i].amount : rows[i].amount,
		    amount, sizeof(amount));
		money_plain(rows[i].balance, balance, sizeof(balance));
		snprintf(order, sizeof(order), "%lld", rows[i].order_id);
		snprintf(uin, sizeof(uin), "%lld", rows[i].customer);
		csv_cell(out, t, 0);
		csv_cell(out, option_text(opt_ledger_kind, rows[i].kind), 0);
		csv_cell(out, rows[i].order_id ? order : "", 0);
		if (with_customer)
			csv_cell(out, rows[i].customer ? uin : "", 0);
		csv_cell(out, rows[i].amount > 0 ? amount : "", 0);
		csv_cell(out, rows[i].amount < 0 ? amount : "", 0);
		csv_cell(out, balance, 1);
	}
}

/* The headers of a text/plain attachment, once. */
static void
attachment_start(struct req *r, const char *filename)
{
	if (r->sent)
		return;
	header_add(r, arena_printf(r->arena, "Content-Disposition: "
	    "attachment; filename=\"%s\"", filename));
	send_headers(r, 200, "text/plain; charset=utf-8");
}

int
attachment_line(void *arg, const char *line)
{
	struct attachment	*at = arg;
	struct req		*r = at->req;

	attachment_start(r, at->filename);
	if (FCGX_PutS(line, r->fcgx->out) < 0 ||
	    FCGX_PutChar('\n', r->fcgx->out) < 0)
		return -1;
	return 0;
}

void
done(struct req *r, enum kq_outcome s, const char *flash, const char *location)
{
	if (s != KQ_OK) {
		fail(r, s);
		return;
	}
	flash_set(r, "ok", flash);
	redirect(r, location);
}

void
download(struct req *r, const char *filename,
    enum kq_outcome (*fn)(struct db *, const struct principal *, const char *,
    long long, int (*)(void *, const char *), void *))
{
	struct attachment	at = { r, filename };
	enum kq_outcome		s;

	s = fn(r->app->db, &r->me, r->remote_addr, r->id, attachment_line, &at);
	if (s != KQ_OK && !r->sent)
		fail(r, s);
	else
		attachment_start(r, filename);	/* no codes: an empty file */
}
