/*
 * h_reports.c - the finance reports (SPEC §11): voucher liability, cost and
 * breakage, orders by how they were paid, pickup cards; each a chart, the
 * table under it and its CSV, as of the last rollup (report.c).
 *
 * The three month reports share one page function, told apart by a table
 * (its list, page, CSV columns, chart series): a month row is shown by one
 * function for the page and the CSV alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/i18n.h"
#include "catalog.h"
#include "chart.h"
#include "export.h"
#include "handlers.h"
#include "present.h"
#include "reply.h"
#include "report.h"
#include "voucher_template.h"

/* Every month report's query opens with its range. */
#define MONTH_FIELD(n)	{ .name = (n), .type = FT_TEXT, .maxlen = 7, \
	.pattern = "[0-9]{4}-(0[1-9]|1[0-2])" }
#define ID_FIELD(n)	{ .name = (n), .type = FT_INT, .min = 1, \
	.max = 999999999999LL }
enum { RQ_FROM, RQ_TO, RQ_FILTER, RQ_FILTER2, RQ__MAX };
static const struct field liability_fields[] = {
	[RQ_FROM] = MONTH_FIELD("from"), [RQ_TO] = MONTH_FIELD("to"),
	[RQ_FILTER] = ID_FIELD("template"),
};
const struct form_def liability_query = FORM_DEF(liability_fields);
static const struct field cost_fields[] = {
	[RQ_FROM] = MONTH_FIELD("from"), [RQ_TO] = MONTH_FIELD("to"),
	[RQ_FILTER] = ID_FIELD("template"), [RQ_FILTER2] = ID_FIELD("partner"),
};
const struct form_def cost_query = FORM_DEF(cost_fields);
static const struct field orders_report_fields[] = {
	[RQ_FROM] = MONTH_FIELD("from"), [RQ_TO] = MONTH_FIELD("to"),
	[RQ_FILTER] = { .name = "product", .type = FT_TEXT, .maxlen = 32,
	  .pattern = "[a-z0-9_]+" },
};
const struct form_def orders_report_query = FORM_DEF(orders_report_fields);
static const struct field cards_report_fields[] = {
	{ .name = "product", .type = FT_OPTION, .options = opt_pickup_product },
};
const struct form_def cards_report_query = FORM_DEF(cards_report_fields);

/* A month report: what sets it apart. */
struct month_report {
	const char		*name;		/* its list, chart, CSV and tab */
	const char		*title;
	int			 liability;
	const struct csv_col	*csv;
	enum report_measure	 series[4];	/* the chart's, RM__MAX ends */
	const char		*labels[4];
	int			 stacked, line;
};

#define MONEY_COL(head, key)	{ head, key, CSV_MONEY }
static const struct csv_col liability_csv[] = {
	{ "月份", "month", CSV_MONTH }, MONEY_COL("可用余额(元)", "available"),
	MONEY_COL("冻结余额(元)", "frozen"), MONEY_COL("合计(元)", "total"),
	{ NULL, NULL, CSV_TEXT }
};
static const struct csv_col cost_csv[] = {
	{ "月份", "month", CSV_MONTH }, MONEY_COL("发放(元)", "issued"),
	MONEY_COL("激活(元)", "activated"), MONEY_COL("抵扣(元)", "deducted"),
	MONEY_COL("沉淀(元)", "breakage"), MONEY_COL("优惠(元)", "discounts"),
	MONEY_COL("经销商券抵扣(元)", "partner_platform"),
	MONEY_COL("客户券抵扣(元)", "partner_own"), { NULL, NULL, CSV_TEXT }
};
static const struct csv_col orders_csv[] = {
	{ "月份", "month", CSV_MONTH }, MONEY_COL("订单金额(元)", "amount"),
	MONEY_COL("提货卡(元)", "card"), MONEY_COL("代金券(元)", "voucher"),
	MONEY_COL("优惠(元)", "discount"), MONEY_COL("现金(元)", "cash"),
	MONEY_COL("退款(元)", "refunded"), MONEY_COL("可开票(元)", "invoiceable"),
	{ NULL, NULL, CSV_TEXT }
};

static const struct month_report liability_report = {
	"liability", "代金券负债", 1, liability_csv,
	{ RM_AVAILABLE, RM__MAX }, { "月末负债" }, 0, 1
};
/* the cost realised, split: what vouchers, discounts and partner
 * vouchers took off orders */
static const struct month_report cost_report = {
	"cost", "成本与沉淀", 0, cost_csv,
	{ RM_DEDUCTED, RM_DISCOUNTS, RM_PARTNER_PLATFORM, RM__MAX },
	{ "代金券抵扣", "优惠", "经销商券抵扣" }, 1, 0
};
static const struct month_report orders_report = {
	"orders", "订单支付构成", 0, orders_csv,
	{ RM_CARD, RM_VOUCHER, RM_DISCOUNT, RM_CASH },
	{ "提货卡", "代金券", "优惠", "现金" }, 1, 0
};

/* "2026-12" → 202612 */
static int
month_parse(const char *s)
{
	return atoi(s) * 100 + atoi(s + 5);
}

static void
month_text(int m, char *buf, size_t sz)
{
	snprintf(buf, sz, "%04d-%02d", (m / 100) % 10000, m % 100);
}

/* The range asked, by default the last 12 months; 0 after answering a
 * range that is backwards or too long (422 on the field to change). */
static int
range_of(struct req *r, int *from, int *to)
{
	const char *f = form_str(&r->q, RQ_FROM, NULL);
	const char *t = form_str(&r->q, RQ_TO, NULL);

	*to = t != NULL ? month_parse(t) : f != NULL ?
	    report_month_add(month_parse(f), 11) : report_month_of(time(NULL));
	*from = f != NULL ? month_parse(f) : report_month_add(*to, -11);
	if (*from > *to) {
		reply_fail_at(r, KQ_INVALID_FIELD, "to", L("结束月份不能早于开始月份"));
		return 0;
	}
	if (report_month_add(*from, REPORT_MONTHS_MAX) <= *to) {
		reply_fail_at(r, KQ_INVALID_FIELD, "from", L("一次最多查看 120 个月"));
		return 0;
	}
	return 1;
}

/* One month row, for the page and the CSV. */
static void
show_month(struct req *r, struct view *x, const void *row)
{
	const struct report_month	*m = row;
	char				 text[16];
	size_t				 k;

	(void)r;
	month_text(m->month, text, sizeof(text));
	view_setf(x, "month", "%s", text);
	for (k = 0; k < RM__MAX; k++)
		show_money(x, report_measure_names[k], m->m[k]);
	show_money(x, "total", m->m[RM_AVAILABLE] + m->m[RM_FROZEN]);
	show_money(x, "invoiceable", m->m[RM_CASH] - m->m[RM_REFUNDED]);
}

/* The chart of a month report: its series over the months. */
static void
show_month_chart(struct req *r, struct view *v, const struct month_report *mr,
    const struct report_month *rows, size_t n)
{
	struct chart_series	 series[4];
	struct chart		 c = { mr->name, L(mr->title), NULL, NULL, n,
				    series, 0, NULL, mr->stacked, mr->line, 0 };
	const char		**labels, **subs;
	long long		*vals;
	size_t			 i, s;

	for (s = 0; s < 4 && mr->series[s] != RM__MAX; s++)
		series[s].label = L(mr->labels[s]);
	c.nseries = s;
	labels = arena_alloc(r->arena, (n + 1) * sizeof(*labels));
	subs = arena_alloc(r->arena, (n + 1) * sizeof(*subs));
	vals = arena_alloc(r->arena, (n * c.nseries + 1) * sizeof(*vals));
	if (labels == NULL || subs == NULL || vals == NULL)
		return;		/* the arena remembers: a 503 */
	for (i = 0; i < n; i++) {
		int m = rows[i].month;

		labels[i] = arena_printf(r->arena, "%02d", m % 100);
		/* the year under the first month and each January */
		subs[i] = i == 0 || m % 100 == 1 ?
		    arena_printf(r->arena, "%d", m / 100) : "";
		for (s = 0; s < c.nseries; s++)
			vals[i * c.nseries + s] = mr->line ?
			    rows[i].m[RM_AVAILABLE] + rows[i].m[RM_FROZEN] :
			    rows[i].m[mr->series[s]];
	}
	c.labels = labels;
	c.subs = subs;
	c.vals = vals;
	chart_show(view_map(v, "chart"), &c);
}

/* The time the figures are counted to, and the report's tab. */
static void
show_report_head(struct req *r, struct view *v, const char *name)
{
	time_t	as_of;

	if (report_as_of(r->app->db, &as_of) == KQ_OK && as_of > 0)
		show_time(v, "as_of", as_of);
	else
		view_set(v, "as_of", L("尚未汇总"));
	view_set(view_map(v, "tabs"), name, "page");
}

/* A month report's filters as asked (NULL: not given); the rows are those
 * of dim and key. */
struct report_filter {
	const char	*template, *partner, *product;
	enum report_dim	 dim;
	const char	*key;
};

/* The filter form as asked: the values, a template's name, the products. */
static void
show_filter(struct req *r, struct view *v, const struct report_filter *f)
{
	const struct product	*p;
	const struct option	*opts;
	struct vtemplate	 t, *rows;
	struct pager		 pg = { .page = 1 };
	struct view		*x;
	struct vlist		*l;
	size_t			 n, i;

	view_set(v, "template", f->template != NULL ? f->template : "");
	view_set(v, "partner", f->partner != NULL ? f->partner : "");
	if (f->template != NULL && template_get(r->app->db, r->arena,
	    strtoll(f->template, NULL, 10), &t) == KQ_OK)
		view_set(v, "template_name", t.name);
	/* the newest templates to pick from (a datalist: any id may be typed) */
	l = view_list(v, "template_choices");
	if (template_list(r->app->db, r->arena, &pg, &rows, &n) == KQ_OK)
		for (i = 0; i < n; i++) {
			x = vlist_add(l);
			view_set_int(x, "id", rows[i].id);
			view_set(x, "name", rows[i].name);
		}
	(void)show_partner_choices(r, v);	/* a picker: none is no harm */
	if (catalog_products(r->app->db, &p, &n) == KQ_OK &&
	    (opts = OPTIONS_OF(r->arena, p, n)) != NULL)
		show_choices(v, "products", opts, f->product ? f->product : "",
		    "selected");
}

static void
month_report_page(struct req *r, const struct month_report *mr,
    const struct report_filter *f, int csv)
{
	struct pager		 pg = { 0 };
	struct export		 ex;
	struct report_month	*rows;
	struct view		*v;
	struct vlist		*l;
	enum kq_outcome		 s;
	size_t			 n, i;
	int			 from, to;
	char			 a[16], b[16];

	if (!range_of(r, &from, &to))
		return;
	s = report_months(r->app->db, r->arena, f->dim, f->key, from, to,
	    mr->liability, &rows, &n);
	if (s != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	month_text(from, a, sizeof(a));
	month_text(to, b, sizeof(b));
	if (csv) {
		export_begin(r, &ex, &pg, arena_printf(r->arena, "%s-%s-%s.csv",
		    mr->name, a, b), mr->csv, show_month);
		export_rows(r, &ex, rows, n, sizeof(*rows));
		return;
	}
	v = reply_view(r);
	show_report_head(r, v, mr->name);
	view_setf(v, "from", "%s", a);
	view_setf(v, "to", "%s", b);
	show_filter(r, v, f);
	show_month_chart(r, v, mr, rows, n);
	l = view_list(v, mr->name);
	for (i = 0; i < n; i++)
		show_month(r, vlist_add(l), &rows[i]);
	view_set(v, "csv_href", query_href(r, arena_printf(r->arena,
	    "/admin/reports/%s.csv", mr->name)));
	reply_page(r, 200, arena_printf(r->arena, "admin.report.%s", mr->name), v);
}

static void
liability_page(struct req *r, int csv)
{
	struct report_filter f = { form_str(&r->q, RQ_FILTER, NULL), NULL, NULL,
	    RD_ALL, NULL };

	if (f.template != NULL) {
		f.dim = RD_TEMPLATE;
		f.key = f.template;
	}
	month_report_page(r, &liability_report, &f, csv);
}

void	h_report_liability(struct req *r) { liability_page(r, 0); }
void	h_report_liability_csv(struct req *r) { liability_page(r, 1); }

/* A template's figures and a partner's have nothing in common (a platform
 * template has no partner): both filters at once read a key no row has. */
static void
cost_page(struct req *r, int csv)
{
	struct report_filter f = { form_str(&r->q, RQ_FILTER, NULL),
	    form_str(&r->q, RQ_FILTER2, NULL), NULL, RD_ALL, NULL };

	if (f.template != NULL) {
		f.dim = RD_TEMPLATE;
		f.key = f.partner != NULL ? "-" : f.template;
	} else if (f.partner != NULL) {
		f.dim = RD_PARTNER;
		f.key = f.partner;
	}
	month_report_page(r, &cost_report, &f, csv);
}

void	h_report_cost(struct req *r) { cost_page(r, 0); }
void	h_report_cost_csv(struct req *r) { cost_page(r, 1); }

static void
orders_page(struct req *r, int csv)
{
	struct report_filter f = { NULL, NULL, form_str(&r->q, RQ_FILTER, NULL),
	    RD_ALL, NULL };

	if (f.product != NULL) {
		f.dim = RD_PRODUCT;
		f.key = f.product;
	}
	month_report_page(r, &orders_report, &f, csv);
}

void	h_report_orders(struct req *r) { orders_page(r, 0); }
void	h_report_orders_csv(struct req *r) { orders_page(r, 1); }

/* ------------------------------------------------------------ the cards */

static void
show_batch_row(struct req *r, struct view *x, const void *row)
{
	const struct report_batch *b = row;

	(void)r;
	view_set_int(x, "batch", b->id);
	view_setf(x, "href", "/admin/pickup/batches/%lld", b->id);
	if (b->label != NULL)	/* a product's sum has none */
		view_set(x, "label", b->label);
	show_state(x, "product", opt_pickup_product, b->product);
	view_set_int(x, "made", b->made);
	view_set_int(x, "used", b->used);
	view_set_int(x, "unused", b->unused);
	view_set_int(x, "expiring_30", b->expiring[0]);
	view_set_int(x, "expiring_60", b->expiring[1]);
	view_set_int(x, "expiring_90", b->expiring[2]);
	show_money(x, "outstanding", b->outstanding);
}

static const struct csv_col cards_csv[] = {
	{ "批次", "batch", CSV_TEXT }, { "备注", "label", CSV_TEXT },
	{ "产品", "product_text", CSV_TEXT }, { "生成", "made", CSV_TEXT },
	{ "已使用", "used", CSV_TEXT }, { "未使用", "unused", CSV_TEXT },
	{ "30 天内到期", "expiring_30", CSV_TEXT },
	{ "60 天内到期", "expiring_60", CSV_TEXT },
	{ "90 天内到期", "expiring_90", CSV_TEXT },
	MONEY_COL("未兑付价值(元)", "outstanding"), { NULL, NULL, CSV_TEXT }
};

/* Per product: cards used and unused, stacked. */
static void
show_cards_chart(struct view *v, const struct report_cards *c)
{
	static const char *const words[] = { "已使用", "未使用" };
	struct chart_series	 series[2] = { { L(words[0]) }, { L(words[1]) } };
	const char		*labels[PP__MAX];
	long long		 vals[PP__MAX * 2];
	struct chart		 ch = { "cards", L("提货卡"), labels, NULL, PP__MAX,
				    series, 2, vals, 1, 0, 1 };
	size_t			 i;

	for (i = 0; i < PP__MAX; i++) {
		labels[i] = option_text(opt_pickup_product, (int)i);
		vals[i * 2] = c->products[i].used;
		vals[i * 2 + 1] = c->products[i].unused;
	}
	chart_show(view_map(v, "chart"), &ch);
}

static void
cards_page(struct req *r, int csv)
{
	struct pager		 pg = { 0 };
	struct export		 ex;
	struct report_cards	 c;
	struct view		*v, *x;
	struct vlist		*l;
	enum kq_outcome		 s;
	size_t			 i;

	s = report_cards(r->app->db, r->arena, (int)form_int(&r->q, 0, -1), &c);
	if (s != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (csv) {
		export_begin(r, &ex, &pg, "cards.csv", cards_csv, show_batch_row);
		export_rows(r, &ex, c.batches, c.n, sizeof(*c.batches));
		return;
	}
	v = reply_view(r);
	show_report_head(r, v, "cards");
	show_choices(v, "products", opt_pickup_product, form_str(&r->q, 0, ""),
	    "selected");
	show_cards_chart(v, &c);
	l = view_list(v, "by_product");
	for (i = 0; i < PP__MAX; i++) {
		if (c.products[i].made == 0)
			continue;
		x = vlist_add(l);
		show_batch_row(r, x, &c.products[i]);
	}
	l = view_list(v, "cards");
	for (i = 0; i < c.n; i++)
		show_batch_row(r, vlist_add(l), &c.batches[i]);
	view_set(v, "csv_href", query_href(r, "/admin/reports/cards.csv"));
	reply_page(r, 200, "admin.report.cards", v);
}

void	h_report_cards(struct req *r) { cards_page(r, 0); }
void	h_report_cards_csv(struct req *r) { cards_page(r, 1); }
