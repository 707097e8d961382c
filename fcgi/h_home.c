/*
 * h_home.c - /user and /admin: who is logged in, what waits for them, and
 * where to go; the backend's search box and its audit log.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "base/clock.h"
#include "export.h"
#include "flash.h"
#include "handlers.h"
#include "base/i18n.h"
#include "base/money.h"
#include "lookup.h"
#include "overview.h"
#include "present.h"
#include "record.h"
#include "reply.h"
#include "voucher.h"

static const struct option opt_lang[] = {
	{ "zh-CN", "中文" }, { "en", "English" }, { NULL, NULL }
};
enum { GQ_TO, GQ_BACK, GQ__MAX };
static const struct field lang_fields[GQ__MAX] = {
	[GQ_TO] = { .name = "to", .type = FT_OPTION, .required = 1,
	  .options = opt_lang },
	/* a path of this site only: "/", then not a second "/" or "\" */
	[GQ_BACK] = { .name = "back", .type = FT_TEXT, .maxlen = 1000,
	  .pattern = "/(?![/\\\\])[^\\x00-\\x1f\\x7f]*" },
};
const struct form_def lang_query = FORM_DEF(lang_fields);

/* The language switch: a cookie for a year, then back where it was. */
void
h_lang(struct req *r)
{
	reply_cookie(r, COOKIE_LANG, form_str(&r->q, GQ_TO, "zh-CN"), "/",
	    365L * 86400);
	reply_redirect(r, form_str(&r->q, GQ_BACK, "/login"));
}

enum { SQ_Q, SQ__MAX };
static const struct field search_fields[SQ__MAX] = {
	[SQ_Q] = { .name = "q", .type = FT_TEXT, .maxlen = 64 },
};
const struct form_def search_query = FORM_DEF(search_fields);

/* the log's actions in English are what happened ("Voucher invalidated"),
 * where the same Chinese on a button is what to do */
#define AUDIT_WORDS	"操作"

enum { LQ_ACTOR, LQ_ACTION, LQ_TARGET, LQ_FROM, LQ_TO, LQ_PAGE, LQ__MAX };
static const struct field audit_fields[LQ__MAX] = {
	[LQ_ACTOR] = { .name = "actor", .type = FT_TEXT, .maxlen = 64 },
	[LQ_ACTION] = { .name = "action", .type = FT_OPTION,
	  .options = opt_audit_action },
	[LQ_TARGET] = { .name = "target", .type = FT_TEXT, .maxlen = 200 },
	[LQ_FROM] = { .name = "from", .type = FT_DATE },
	[LQ_TO] = { .name = "to", .type = FT_DATE },
	[LQ_PAGE] = PAGE_FIELD,
};
const struct form_def audit_query = FORM_DEF(audit_fields);

void
h_user_home(struct req *r)
{
	struct member_overview	 o;
	struct view		*v, *x;
	enum kq_outcome		 s;
	char			 day[CLOCK_BUFSZ];

	if ((s = member_overview(r->app->db, r->arena, r->me.uin, &o)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	x = view_map(v, "overview");
	view_set_int(x, "vouchers", o.vouchers);
	show_money(x, "balance", o.balance);
	view_set_int(x, "expiring", o.expiring);
	view_set_int(x, "orders_open", o.orders_open);
	view_set_int(x, "claimable", o.claimable);
	view_set_int(x, "soon_days", SOON_DAYS);
	clock_display_date(time(NULL) + SOON_DAYS * 86400, day, sizeof(day));
	view_setf(x, "expiring_href", "/user/vouchers?status=available&expires=%s",
	    day);
	reply_page(r, 200, "user.home", v);
}

/* A bounded count (overview.c): past PAGER_COUNTED, "10000+". */
static void
show_bounded(struct view *x, const char *key, long long n)
{
	if (n > PAGER_COUNTED)
		view_setf(x, key, "%d+", PAGER_COUNTED);
	else
		view_set_int(x, key, n);
}

void
h_admin_home(struct req *r)
{
	struct admin_overview	 o;
	struct view		*v, *x;
	enum kq_outcome		 s;

	if ((s = admin_overview(r->app->db, r->arena, &o)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	x = view_map(v, "overview");
	show_bounded(x, "reviews", o.reviews);
	show_bounded(x, "refunds", o.refunds);
	view_set_int(x, "batches_ending", o.batches_ending);
	view_set_int(x, "cards_unused", o.cards_unused);
	show_bounded(x, "campaigns_ending", o.campaigns_ending);
	show_bounded(x, "uses_today", o.uses_today);
	show_bounded(x, "approvals", o.approvals);
	view_set_int(x, "soon_days", SOON_DAYS);
	x = view_map(v, "figures");
	show_money(x, "liability", o.figures.liability);
	show_money(x, "cost", o.figures.cost);
	show_money(x, "breakage", o.figures.breakage);
	if (o.figures.as_of > 0)
		show_time(x, "as_of", o.figures.as_of);
	else
		view_set(x, "as_of", L("尚未汇总"));
	reply_page(r, 200, "admin.home", v);
}

/* One hit of a search: its words and where it leads (returned). */
static const char *
hit(struct vlist *l, const char *kind, const char *text, const char *href)
{
	struct view *x = vlist_add(l);

	if (x != NULL) {
		view_set(x, "kind", kind);
		view_set(x, "text", text);
		view_set(x, "href", href);
	}
	return href;
}

/* A code, a number or a UIN: the one thing it names opens at once;
 * several (a number that is an order and an account) are listed.  The
 * box posts (SPEC §7): a code in a GET's query would land whole in the
 * access log of every proxy on the way; the GET serves links to numbers. */
void
h_search(struct req *r)
{
	struct arena	*a = r->arena;
	struct lookup	 l;
	struct view	*v;
	struct vlist	*l_hits;
	const struct form *f = strcmp(r->method, "POST") == 0 ? &r->f : &r->q;
	const char	*q, *href = NULL;
	enum kq_outcome	 s;
	size_t		 listed = 0;

	if (f == &r->f && r->f_outcome != KQ_OK) {
		reply_fail(r, r->f_outcome);
		return;
	}
	q = form_str(f, SQ_Q, "");
	if (*q != '\0' && (s = lookup(r->app->db, q, &l)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	flash_reshow(v, f, KQ_OK, NULL);
	if (*q == '\0') {
		reply_page(r, 200, "admin.search", v);
		return;
	}
	l_hits = view_list(v, "hits");
	if (l.voucher_id)
		href = hit(l_hits, "voucher", arena_printf(a, L("代金券 #%lld"), l.voucher_id),
		    arena_printf(a, "/admin/vouchers/%lld", l.voucher_id));
	if (l.card_id)
		href = hit(l_hits, "card", arena_printf(a, L("提货卡 #%lld"), l.card_id),
		    arena_printf(a, "/admin/pickup/cards/%lld", l.card_id));
	if (l.order_id)
		href = hit(l_hits, "order", arena_printf(a, L("订单 #%lld"), l.order_id),
		    arena_printf(a, "/admin/orders/%lld", l.order_id));
	if (l.uin) {
		hit(l_hits, "account", arena_printf(a, L("账号 %lld 的代金券"), l.uin),
		    arena_printf(a, "/admin/vouchers?uin=%lld&status=all", l.uin));
		hit(l_hits, "account", arena_printf(a, L("账号 %lld 的订单"), l.uin),
		    arena_printf(a, "/admin/orders?uin=%lld", l.uin));
		hit(l_hits, "account", arena_printf(a, L("账号 %lld 的提货记录"), l.uin),
		    arena_printf(a, "/admin/pickup/usage?uin=%lld", l.uin));
	}
	/* four digits: also the codes that end in them (issue 31: "who
	 * redeemed the code ending 1234?"), a list even of one */
	if (strlen(q) == 4 && strspn(q, "0123456789") == 4) {
		struct voucher	*vs;
		struct vlist	*vl;
		size_t		 i, n;

		if ((s = voucher_by_last4(r->app->db, a, q, &vs, &n)) != KQ_OK) {
			reply_fail(r, s);
			return;
		}
		vl = view_list(v, "last4");
		for (i = 0; i < n; i++) {
			struct view *x = vlist_add(vl);

			show_voucher(a, x, &vs[i]);
			show_voucher_admin(x, &vs[i]);
		}
		if (n == VOUCHER_LAST4_MAX)
			view_set(v, "last4_more", "1");
		listed = n;
	}
	/* one thing found opens at once; codes ending so are always listed */
	if (l.hits == 1 && href != NULL && listed == 0) {
		reply_redirect(r, href);
		return;
	}
	view_set_int(v, "hit_count", l.hits + (long long)listed);
	if (l.hits + (long long)listed > 0)
		view_set(v, "found", "1");
	reply_page(r, 200, "admin.search", v);
}

/* What an audit row's "kind:id" names, in words, and its page (issue 31:
 * the log says 订单 #8 and links to it, not order:8). */
static const struct {
	const char	*kind, *words, *href;	/* href NULL: no page of its own */
} audit_objects[] = {
	{ "order",		"订单 #%s",		"/admin/orders/%s" },
	{ "voucher",		"代金券 #%s",		"/admin/vouchers/%s" },
	{ "issue",		"发放 #%s",		"/admin/vouchers/issues/%s" },
	{ "batch",		"提货卡批次 #%s",	"/admin/pickup/batches/%s" },
	{ "card",		"提货卡 #%s",		"/admin/pickup/cards/%s" },
	{ "approval",		"审批 #%s",		"/admin/approvals/%s" },
	{ "campaign",		"优惠活动 #%s",		"/admin/campaigns/%s" },
	{ "template",		"代金券模板 #%s",	"/admin/vouchers/templates/%s" },
	{ "partner_voucher",	"经销商代金券 #%s",	NULL },
	{ "partner",		"经销商 %s",		NULL },
	{ "uin",		"UIN %s",		NULL },
};

/* The words of one "kind:id" (NULL when it is not one); *href its page.
 * A partner's or customer template has no backend page of its own. */
static const char *
audit_object(struct arena *a, const char *action, const char *s, size_t len,
    const char **href)
{
	const char	*colon = memchr(s, ':', len), *id;
	size_t		 i, k, idlen;

	*href = NULL;
	if (colon == NULL || (idlen = len - (size_t)(colon - s) - 1) == 0 ||
	    idlen > 20 || strspn(colon + 1, "0123456789") < idlen)
		return NULL;
	k = (size_t)(colon - s);
	id = arena_strndup(a, colon + 1, idlen);
	for (i = 0; i < sizeof(audit_objects) / sizeof(audit_objects[0]); i++) {
		if (strlen(audit_objects[i].kind) != k ||
		    strncmp(audit_objects[i].kind, s, k) != 0)
			continue;
		if (strcmp(audit_objects[i].kind, "template") == 0 &&
		    strncmp(action, "voucher.", 8) != 0)
			return arena_printf(a, strncmp(action, "partner.template.",
			    17) == 0 ? L("经销商模板 #%s") : L("客户代金券模板 #%s"), id);
		if (audit_objects[i].href != NULL)
			*href = arena_printf(a, audit_objects[i].href, id);
		return arena_printf(a, L(audit_objects[i].words), id);
	}
	return NULL;
}

/* An approval's sum or unit (its request's "issue 2000 x 100000 =
 * 200000000", its approval's "issue:9 200000000"): a number not followed
 * by " x " (a count). */
static const char *
audit_money(struct arena *a, const char *action, const char *w,
    const char *rest)
{
	char	human[MONEY_BUFSZ];
	size_t	n = strlen(w);

	if (strncmp(action, "approval.", 9) != 0 || n == 0 || n > 18 ||
	    strspn(w, "0123456789") != n || strncmp(rest, " x ", 3) == 0)
		return NULL;
	money_format(strtoll(w, NULL, 10), human, sizeof(human));
	return arena_strdup(a, human);
}

/* A count the detail gives: a batch's "count=3" (3 张提货卡), an issue's
 * last number (1 张代金券). */
static const char *
audit_count(struct arena *a, const char *action, const char *w)
{
	const char	*n = w;
	int		 cards = strcmp(action, "pickup.batch.create") == 0;
	size_t		 len;
	long long	 v;

	if (cards && strncmp(w, "count=", 6) == 0)
		n = w + 6;
	else if (cards || strcmp(action, "voucher.issue") != 0)
		return NULL;
	if ((len = strlen(n)) == 0 || len > 9 || strspn(n, "0123456789") != len)
		return NULL;
	v = atoll(n);
	return cards ? arena_printf(a, Ln("%lld 张提货卡", v), v) :
	    arena_printf(a, Ln("%lld 张代金券", v), v);
}

/* A detail in words: each "kind:id" named, each machine word (an issue's
 * mode, a request's kind) as the pages say it, an approval's money in
 * yuan, a count with what it counts; the rest as it was. */
static const char *
audit_detail(struct arena *a, const char *action, const char *detail)
{
	struct abuf	 b;
	const char	*p = detail, *w, *href, *word;
	size_t		 len;

	abuf_init(&b, a);
	while (*p != '\0') {
		len = strcspn(p, " ");
		w = arena_strndup(a, p, len);
		if ((word = audit_object(a, action, p, len, &href)) == NULL &&
		    w != NULL && (word = audit_money(a, action, w, p + len)) == NULL &&
		    (word = audit_count(a, action, w)) == NULL &&
		    (word = option_text_of(opt_issue_mode, w)) == w)
			word = option_text_of(opt_request_kind, w);
		abuf_printf(&b, "%s%s", word != NULL ? word : "",
		    p[len] == ' ' ? " " : "");
		p += len + (p[len] == ' ');
	}
	return abuf_str(&b);
}

/* Whether the code writes the action's detail (machine words, shown in
 * words); the others' are what people typed (a template's name, a
 * rejection's reason), shown as typed. */
static int
machine_detail(const char *action)
{
	static const char *const actions[] = { "voucher.issue",
	    "approval.request", "approval.approve",
	    "partner.customer_voucher.issue", "pickup.batch.create" };
	size_t	i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(action, actions[i]) == 0)
			return 1;
	return 0;
}

static void
show_audit_row(struct req *r, struct view *x, const void *row)
{
	const struct audit_row *e = row;
	const char	*words, *href;

	view_set_int(x, "id", e->id);
	show_time(x, "time", e->time);
	view_set(x, "actor", e->actor);
	view_set(x, "actor_kind", e->actor_kind);
	view_set(x, "action", e->action);
	view_set(x, "action_text", option_text_in(AUDIT_WORDS, opt_audit_action,
	    e->action));
	view_set(x, "target", e->target);
	/* the row's own arena: an export's is reset each row */
	(void)r;
	words = audit_object(x->arena, e->action, e->target, strlen(e->target),
	    &href);
	view_set(x, "target_text", words != NULL ? words : e->target);
	if (href != NULL)
		view_set(x, "target_href", href);
	view_set(x, "detail", e->detail != NULL && machine_detail(e->action) ?
	    audit_detail(x->arena, e->action, e->detail) : e->detail);
	view_set(x, "ip", e->ip);
}

static const struct csv_col audit_csv[] = {
	{ "时间", "time", CSV_TIME }, { "操作人", "actor", CSV_TEXT },
	{ "操作", "action_text", CSV_TEXT }, { "对象", "target_text", CSV_TEXT },
	{ "说明", "detail", CSV_TEXT }, { "IP", "ip", CSV_TEXT },
	{ NULL, NULL, CSV_TEXT }
};

/* The audit log, filtered, or (csv) all that match as audit.csv. */
static void
audit_page(struct req *r, int csv)
{
	struct audit_filter f;
	struct pager pg = { .page = r->page, .after = r->after };
	struct export	 ex = { .req = NULL };
	struct audit_row *rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	f.actor = form_str(&r->q, LQ_ACTOR, "");
	f.action = form_str(&r->q, LQ_ACTION, "");
	f.target = form_str(&r->q, LQ_TARGET, "");
	f.from_ymd = form_int(&r->q, LQ_FROM, 0);
	f.to_ymd = form_int(&r->q, LQ_TO, 0);
	if (csv)
		export_begin(r, &ex, &pg, "audit-log.csv", audit_csv,
		    show_audit_row);
	s = audit_list(r->app->db, r->arena, &f, &pg, &rows, &n);
	if (export_answered(r, &ex, s))
		return;
	v = reply_view(r);
	flash_reshow(v, &r->q, KQ_OK, NULL);
	l = view_list(v, "entries");
	for (i = 0; i < n; i++)
		show_audit_row(r, vlist_add(l), &rows[i]);
	show_choices_in(AUDIT_WORDS, v, "actions", opt_audit_action, f.action,
	    "selected");
	view_set(v, "csv_href", query_href(r, "/admin/audit.csv"));
	show_date_presets(r, v, params_get(&r->query, "from"),
	    params_get(&r->query, "to"));
	show_pager(r, v, &pg);
	reply_page(r, 200, "admin.audit", v);
}

void
h_audit(struct req *r)
{
	audit_page(r, 0);
}

void
h_audit_csv(struct req *r)
{
	audit_page(r, 1);
}
