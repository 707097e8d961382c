/*
 * h_partner_vouchers.c - the partner center's vouchers and money (SPEC §6,
 * seeds 002 and 003): its partner vouchers (Type I and its Type II
 * applications) with their usage details, its customers' vouchers, its
 * charges with their CSV, and its switch.  Every page reads only the
 * partner's own rows: another partner's id is a 404.
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "export.h"
#include "flash.h"
#include "handlers.h"
#include "base/log.h"
#include "base/money.h"
#include "partner_charge.h"
#include "present.h"
#include "record.h"
#include "reply.h"

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

/* A partner voucher's row or details, with what the partner may do. */
static void
show_pvoucher(struct arena *a, struct view *x, const struct pvoucher *v)
{
	show_pvoucher_fields(a, x, v);
	view_setf(x, "href", "/partner/vouchers/%lld", v->id);
	if (v->associated)
		view_setf(x, "associated_href", "/partner/customer-vouchers/%lld",
		    v->associated);
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

/* ------------------------------------------------------------ partner vouchers */

void
h_pvouchers(struct req *r)
{
	struct pvfilter	 f;
	struct pager pg = { .page = r->page, .after = r->after };
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
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	flash_reshow(v, &r->q, KQ_OK, NULL);
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
	reply_page(r, 200, "partner.vouchers", v);
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
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	show_pvoucher(r->arena, view_map(v, "voucher"), &pv);
	show_ledger(v, rows, n);
	view_setf(v, "csv_href", "/partner/vouchers/%lld/ledger.csv", r->id);
	reply_page(r, 200, "partner.voucher", v);
}

void
h_pvoucher_csv(struct req *r)
{
	struct pvoucher	 pv;
	struct ledger_row *rows;
	enum kq_outcome	 s;
	size_t		 n;

	if ((s = pvoucher_and_ledger(r, &pv, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	export_ledger(r, arena_printf(r->arena, "partner-voucher-%lld-ledger.csv",
	    r->id), rows, n, 1);
}

void
h_pvoucher_cancel(struct req *r)
{
	reply_done(r, pv_cancel(r->app->db, r->arena, &r->me, r->remote_addr, r->id),
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
		reply_fail_at(r, s, NULL, arena_printf(r->arena, L("关联的客户代金券已冻结在未支付的"
		    "订单 #%lld 上,请在该订单支付或取消后再作废。"), order));
	else
		reply_done(r, s, "voucher_invalidated", back);
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
	struct pager pg = { .page = r->page, .after = r->after };
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
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	flash_reshow(v, &r->q, KQ_OK, NULL);
	show_choices(v, "purposes", opt_purpose, form_str(&r->q, CQ_PURPOSE, ""),
	    "selected");
	show_choices(v, "statuses", opt_voucher_status,
	    form_str(&r->q, CQ_STATUS, ""), "selected");
	l = view_list(v, "vouchers");
	for (i = 0; i < n; i++)
		show_cvoucher(r->arena, vlist_add(l), &rows[i]);
	if ((s = show_customers(r, v)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	show_pager(r, v, &pg);
	reply_page(r, 200, "partner.customer_vouchers", v);
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
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	show_cvoucher(r->arena, view_map(v, "voucher"), &vo);
	show_ledger(v, rows, n);
	view_setf(v, "csv_href", "/partner/customer-vouchers/%lld/ledger.csv", r->id);
	reply_page(r, 200, "partner.customer_voucher", v);
}

void
h_cvoucher_csv(struct req *r)
{
	struct voucher	 vo;
	struct ledger_row *rows;
	enum kq_outcome	 s;
	size_t		 n;

	if ((s = cvoucher_and_ledger(r, &vo, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	export_ledger(r, arena_printf(r->arena, "customer-voucher-%lld-ledger.csv",
	    r->id), rows, n, 1);
}

void
h_cvoucher_withdraw(struct req *r)
{
	reply_done(r, voucher_withdraw(r->app->db, r->arena, &r->me, r->remote_addr,
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
	struct pager pg = { .page = r->page, .after = r->after };
	struct charge	*rows;
	struct view	*v, *x;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	charge_filter(r, &f);
	if ((s = charge_list(r->app->db, r->arena, &f, &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	flash_reshow(v, &r->q, KQ_OK, NULL);
	l = view_list(v, "charges");
	for (i = 0; i < n; i++) {
		x = vlist_add(l);
		view_set_int(x, "id", rows[i].id);
		view_set_int(x, "customer", rows[i].customer_uin);
		view_set_int(x, "order", rows[i].order_id);
		view_set(x, "product", rows[i].product);
		view_set(x, "product_text", L(rows[i].product_name));
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
	if ((s = show_customers(r, v)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	show_date_presets(r, v, params_get(&r->query, "from"),
	    params_get(&r->query, "to"));
	show_pager(r, v, &pg);
	reply_page(r, 200, "partner.charges", v);
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
	csv_cell(out, L(c->product_name), 0);
	csv_cell(out, option_text_of(opt_billing, c->billing), 0);
	csv_cell(out, option_text_of(opt_scenario, c->scenario), 0);
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
	char		 head[128];

	charge_filter(r, &f);
	if (csv_start(r, "charges.csv") < 0)
		return;
	csv_cell(r->fcgx->out, csv_time_head(r, "时间", head, sizeof(head)), 0);
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
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	view_set(v, "associated_first", p.associated_first ? "1" : "0");
	view_set(v, p.associated_first ? "on" : "off", "checked");
	reply_page(r, 200, "partner.settings", v);
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
	reply_done(r, s, "settings_saved", "/partner/settings");
}
