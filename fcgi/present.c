/*
 * present.c - formatting values for pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/codes.h"
#include "base/i18n.h"
#include "base/money.h"
#include "pickup.h"
#include "present.h"
#include "voucher_template.h"

const struct option opt_pickup_product[] = {
	{ "cvm", "云服务器" }, { "vhost", "虚拟主机" }, { "baremetal", "裸金属" },
	{ NULL, NULL }
};
const struct option opt_batch_status[] = {
	{ "normal", "正常" }, { "disabled", "已禁用" }, { "expired", "已过期" },
	{ NULL, NULL }
};
const struct option opt_card_status[] = {
	{ "unused", "未使用" }, { "used", "已使用" }, { "disabled", "已禁用" },
	{ "expired", "已过期" }, { NULL, NULL }
};
const struct option opt_order_status[] = {
	{ "pending", "待确认" }, { "confirmed", "已确认" },
	{ "awaiting_payment", "待支付" }, { "paid", "已支付" },
	{ "cancelled", "已取消" }, { "refunded", "已退款" }, { NULL, NULL }
};
const struct option opt_validity_by[] = {
	{ "dates", "按日期" }, { "duration", "按时长" }, { NULL, NULL }
};
const struct option opt_refund_state[] = {
	{ "none", "无" }, { "requested", "待审核" }, { "approved", "已退款" },
	{ "rejected", "已驳回" }, { NULL, NULL }
};
const struct option opt_unfit[] = {
	{ "expired", "已过期" }, { "frozen", "已冻结在另一笔订单" },
	{ "not_yet", "尚未生效" }, { "product", "产品不在适用范围" },
	{ "scenario", "购买场景不适用" }, { "billing", "计费方式不适用" },
	{ "min_amount", "订单金额未达到使用门槛" },
	{ "months", "购买时长不足" }, { NULL, NULL }
};
const struct option opt_campaign_kind[] = {
	{ "coupon", "优惠券" }, { "promo_code", "优惠码" }, { NULL, NULL }
};
const struct option opt_discount_type[] = {
	{ "amount", "减固定金额" }, { "percent", "按比例减" }, { NULL, NULL }
};
const struct option opt_audience[] = {
	{ "all", "全部会员" }, { "targeted", "指定会员" }, { NULL, NULL }
};
const struct option opt_campaign_status[] = {
	{ "active", "进行中" }, { "disabled", "已停用" }, { NULL, NULL }
};
const struct option opt_coupon_status[] = {
	{ "available", "可用" }, { "frozen", "已冻结" }, { "used", "已使用" },
	{ "expired", "已过期" }, { NULL, NULL }
};
const struct option opt_use_status[] = {
	{ "reserved", "已预占" }, { "used", "已使用" }, { "released", "已释放" },
	{ NULL, NULL }
};
const struct option opt_discount_unfit[] = {
	{ "expired", "已过期" }, { "not_yet", "尚未开始" }, { "disabled", "已停用" },
	{ "product", "产品不在适用范围" }, { "scenario", "购买场景不适用" },
	{ "billing", "计费方式不适用" }, { "min_amount", "订单金额未达到使用门槛" },
	{ "first_purchase", "仅限首购" }, { "audience", "不在活动对象内" },
	{ "exhausted", "已领完" }, { "account_limit", "已达到每个账号的上限" },
	{ NULL, NULL }
};
const struct option opt_voucher_status[] = {
	{ "unactivated", "未兑换" }, { "available", "可用" }, { "frozen", "已冻结" },
	{ "used", "已使用" }, { "expired", "已过期" }, { "invalidated", "已作废" },
	{ "withdrawn", "已撤回" }, { NULL, NULL }
};
const struct option opt_instance_status[] = {
	{ "held", "待支付后开通" }, { "pending", "开通中" }, { "active", "运行中" },
	{ "cancelled", "已取消" }, { "stopping", "退订中,待释放" },
	{ "ended", "已释放" }, { "failed", "开通失败,提货卡已退回" }, { NULL, NULL }
};
const struct option opt_balance_mode[] = {
	{ "single_use", "单次使用,余额不退" }, { "carry_over", "余额可多次使用" },
	{ NULL, NULL }
};
const struct option opt_scope[] = {
	{ "all", "全部通用产品" }, { "include", "仅限所选产品" },
	{ "exclude", "通用,但不含所选产品" }, { NULL, NULL }
};
const struct option opt_issue_mode[] = {
	{ "targeted", "指定对象发放" }, { "codes", "兑换码" }, { NULL, NULL }
};
const struct option opt_billing[] = {
	{ "prepaid", "预付费(包年包月)" }, { "postpaid", "后付费" }, { NULL, NULL }
};
const struct option opt_scenario[] = {
	{ "purchase", "新购" }, { "renew", "续费" }, { "upgrade", "升级" },
	{ "bandwidth_upgrade", "带宽升级" }, { "change_os", "重装系统" },
	{ "trial_convert", "试用转正" }, { "register", "注册" },
	{ "first_year", "首年注册" }, { "transfer_in", "转入" }, { NULL, NULL }
};
const struct option opt_ledger_kind[] = {
	{ "issue", "发放" }, { "activate", "兑换" }, { "freeze", "冻结" },
	{ "release", "解冻" }, { "deduct", "抵扣" }, { "forfeit", "余额作废" },
	{ "expire", "过期" }, { "invalidate", "作废" }, { "withdraw", "撤回" },
	{ "apply", "申请" }, { "approve", "审核通过" }, { "reject", "审核驳回" },
	{ "cancel", "取消审核" }, { NULL, NULL }
};
const struct option opt_pv_type[] = {
	{ "partner_1", "一类(补偿)" }, { "partner_2", "二类(产品试用)" },
	{ NULL, NULL }
};
const struct option opt_approval[] = {
	{ "none", "无需审批" }, { "pending_review", "待审核" },
	{ "approved", "已通过" }, { "rejected", "已驳回" },
	{ "cancelled", "已取消审核" }, { NULL, NULL }
};
const struct option opt_purpose[] = {
	{ "discount", "客户优惠" }, { "trial", "产品试用(关联)" }, { NULL, NULL }
};
const struct option opt_charge_status[] = {
	{ "charged", "已出账" }, { "refunded", "已退款" }, { NULL, NULL }
};
/* SPEC §6: partner vouchers are specific or general-with-blocklist */
const struct option opt_partner_scope[] = {
	{ "include", "指定产品" }, { "exclude", "通用产品(黑名单除外)" },
	{ NULL, NULL }
};
const struct option opt_balance_filter[] = {
	{ "nonzero", "有余额" }, { "zero", "余额为 0" }, { NULL, NULL }
};
const struct option opt_pv_status[] = {
	{ "unactivated", "未生效" }, { "available", "可用" }, { "used", "已用完" },
	{ "expired", "已过期" }, { "invalidated", "已作废" }, { NULL, NULL }
};
/* What the audit log records (core/ passes these to audit_write()) */
const struct option opt_request_kind[] = {
	{ "issue", "代金券发放" }, { "partner_1", "一类经销商代金券" },
	{ "batch", "提货卡" }, { NULL, NULL }
};
const struct option opt_request_status[] = {
	{ "pending", "待审批" }, { "approved", "已批准" }, { "rejected", "已驳回" },
	{ NULL, NULL }
};
const struct option opt_audit_action[] = {
	{ "voucher.template.create", "新建代金券模板" },
	{ "voucher.template.edit", "修改代金券模板" },
	{ "voucher.issue", "发放代金券" },
	{ "voucher.codes.download", "下载兑换码" },
	{ "voucher.invalidate", "作废代金券" },
	{ "pickup.batch.create", "生成提货卡批次" },
	{ "pickup.batch.disable", "禁用提货卡批次" },
	{ "pickup.batch.enable", "启用提货卡批次" },
	{ "pickup.card.disable", "禁用提货卡" },
	{ "pickup.card.enable", "启用提货卡" },
	{ "pickup.codes.download", "下载提货卡卡号" },
	{ "pickup.batch.codes.view", "查看完整卡号" },
	{ "admin.login", "管理员登录" },
	{ "admin.login.failed", "管理员登录失败" },
	{ "order.refund", "退款" },
	{ "order.refund.reject", "驳回退款申请" },
	{ "partner.voucher.apply", "申请经销商代金券" },
	{ "partner.voucher.approve", "审核通过经销商代金券" },
	{ "partner.voucher.reject", "驳回经销商代金券" },
	{ "partner.voucher.cancel", "取消审核" },
	{ "partner.voucher.issue", "发放一类经销商代金券" },
	{ "partner.voucher.invalidate", "作废经销商代金券" },
	{ "partner.voucher.withdraw", "撤回客户代金券" },
	{ "partner.template.create", "新建经销商代金券模板" },
	{ "partner.template.edit", "修改经销商代金券模板" },
	{ "customer.template.create", "新建客户代金券模板" },
	{ "customer.template.edit", "修改客户代金券模板" },
	{ "partner.customer_voucher.issue", "发放客户代金券" },
	{ "partner.associated_first", "修改优先使用关联券设置" },
	{ "approval.request", "提交审批" },
	{ "approval.approve", "批准审批" },
	{ "approval.reject", "驳回审批" },
	{ "campaign.create", "新建优惠活动" },
	{ "campaign.edit", "修改优惠活动" },
	{ "campaign.disable", "停用优惠活动" },
	{ "campaign.enable", "启用优惠活动" },
	{ "provision.failed", "开通失败" },
	{ NULL, NULL }
};
/* My Vouchers' tabs: statuses, and all */
const struct option opt_my_voucher_tab[] = {
	{ "available", "可用" }, { "frozen", "已冻结" }, { "used", "已使用" },
	{ "expired", "已过期" }, { "all", "全部" }, { NULL, NULL }
};

/* Option i of a table, or NULL out of its range. */
static const struct option *
option_at(const struct option *o, int i)
{
	int n;

	if (i < 0)
		return NULL;
	for (n = 0; o[n].value != NULL && n < i; n++)
		;
	return o[n].value != NULL ? &o[n] : NULL;
}

const char *
option_text(const struct option *o, int i)
{
	const struct option *at = option_at(o, i);

	return at != NULL ? L(at->text) : "";
}

const char *
option_text_of(const struct option *o, const char *value)
{
	return option_text_in(NULL, o, value);
}

const char *
option_text_in(const char *context, const struct option *o, const char *value)
{
	if (value == NULL)
		return "";
	for (; o->value != NULL; o++)
		if (strcmp(o->value, value) == 0)
			return context ? Lc(context, o->text) : L(o->text);
	return value;
}

/* KEY followed by SUFFIX, in the arena (NULL when out of memory). */
static const char *
key_with(struct arena *a, const char *key, const char *suffix)
{
	size_t	 k = strlen(key), n = strlen(suffix);
	char	*s;

	if ((s = arena_alloc(a, k + n + 1)) != NULL) {
		memcpy(s, key, k);
		memcpy(s + k, suffix, n + 1);
	}
	return s;
}

static void
set_pair(struct view *v, const char *key, const char *human, const char *machine)
{
	view_set(v, key, arena_strdup(v->arena, human));
	view_set(v, key_with(v->arena, key, "_v"), arena_strdup(v->arena, machine));
}

void
show_template_form(struct arena *a, struct view *fv, const struct vtemplate *t)
{
	char buf[CLOCK_BUFSZ > MONEY_BUFSZ ? CLOCK_BUFSZ : MONEY_BUFSZ];

	view_set(fv, "name", t->name);
	money_plain(t->face, buf, sizeof(buf));
	view_set(fv, "face", arena_strdup(a, buf));
	money_plain(t->min_amount, buf, sizeof(buf));
	view_set(fv, "min_amount", arena_strdup(a, buf));
	view_set_int(fv, "min_months", t->min_months);
	if (t->valid_days) {
		view_set_int(fv, "valid_days", t->valid_days);
		return;
	}
	clock_display_date(t->valid_from, buf, sizeof(buf));
	view_set(fv, "valid_from", arena_strdup(a, buf));
	clock_display_date(t->valid_to, buf, sizeof(buf));
	view_set(fv, "valid_to", arena_strdup(a, buf));
}

const char *
scope_text(struct arena *a, enum voucher_scope scope, const char *names)
{
	switch (scope) {
	case SCOPE_INCLUDE:
		return arena_printf(a, L("仅限 %s"), names);
	case SCOPE_EXCLUDE:	/* an empty blocklist excludes nothing */
		return *names ? arena_printf(a, L("通用产品,不含 %s"), names) :
		    L("全部通用产品");
	default:
		return L("全部通用产品");
	}
}

char *
list_text(struct arena *a, const struct option *opt, const char *values)
{
	const char	*p = values, *e;
	char		*out = "", *one;

	while (p != NULL && *p != '\0') {
		e = strchr(p, ',');
		one = arena_strndup(a, p, e ? (size_t)(e - p) : strlen(p));
		if (one == NULL)
			return "";
		out = arena_printf(a, "%s%s%s", out, *out ? L("、") : "",
		    option_text_of(opt, one));
		p = e ? e + 1 : NULL;
	}
	return out;
}

const char *
conditions_text(struct arena *a, const char *scenarios, const char *billing,
    long long min_amount, int min_months)
{
	char	 m[MONEY_BUFSZ];
	char	*out;

	out = arena_printf(a, L("场景:%s;计费:%s"), *scenarios ?
	    list_text(a, opt_scenario, scenarios) : L("所有可用场景"),
	    list_text(a, opt_billing, billing));
	if (min_amount > 0) {
		money_format(min_amount, m, sizeof(m));
		out = arena_printf(a, L("%s;订单满 %s"), out, m);
	}
	if (min_months > 0)
		out = arena_printf(a, Ln("%s;购买时长至少 %d 个月",
		    min_months), out, min_months);
	return out;
}

/* How many code symbols were typed (spaces and dashes are ignored), so a
 * code of the right length that fails its check reads as a typo. */
static size_t
code_symbols(const char *raw)
{
	size_t n = 0;

	for (; raw != NULL && *raw != '\0'; raw++)
		if (*raw != ' ' && *raw != '-')
			n++;
	return n;
}

const char *
code_error_text(enum kq_outcome s, const char *raw)
{
	if (s == KQ_CODE_FORMAT)
		return code_symbols(raw) == VCODE_LEN ?
		    L("兑换码有误:校验位不符,可能有输错的数字,请核对后重新输入。") :
		    L("兑换码应为 18 位数字。");
	return code_symbols(raw) == CARD_LEN ?
	    L("卡号有误:校验位不符,可能有输错的字符,请核对后重新输入。") :
	    L("卡号应为 16 位字母或数字(如 7KQ2-M9XD-4H0T-ZC8P)。");
}

/* The words of a rule core/ checks beyond a field's own format. */
static const struct {
	const char *field, *text;
} rule_texts[] = {
	{ "face", "请输入大于 0 的金额。" },
	{ "amount", "请输入大于 0 的金额。" },
	{ "scope", "经销商代金券只能选“仅限所选产品”或“通用,但不含所选产品”。" },
	{ "valid_days", "请填写有效天数。" },
	{ "products", "请选择有效的产品(“仅限所选产品”至少选一个)。" },
	{ "valid_to", "有效期的结束日期须晚于开始日期,也须晚于今天。" },
	{ "valid_choice", "请选择有效期按日期还是按时长计算。" },
	{ "uin", "这个 UIN 不是您的客户。" },
	{ "uins", "请输入一个或多个 UIN(数字),以逗号、空格或换行分隔。" },
	{ "count", "数量须在 1 到 100,000 之间。" },
	{ "partner", "这个 UIN 不是经销商账户。" },
	{ "reason", "请填写原因。" },
};

const char *
field_error_text(struct arena *a, const struct field *f,
    const struct fvalue *v)
{
	size_t i;

	if (f != NULL && v != NULL && v->err != KQ_OK) {
		if (v->missing)
			return f->type == FT_VCODE ? L("请输入兑换码。") :
			    f->type == FT_CARD ? L("请输入提货卡卡号。") :
			    f->type == FT_OPTION ? L("请选择一项。") : L("此项必填。");
		switch (f->type) {
		case FT_VCODE:
		case FT_CARD:
			return code_error_text(v->err, v->raw);
		case FT_MONEY:
			return L("请输入金额,如 1000 或 1,000.50(最多两位小数,"
			    "不超过 ¥100,000,000)。");
		case FT_DATE:
			return L("请输入有效日期,如 2027-06-30。");
		case FT_OPTION:
			return L("请从列表中选择。");
		case FT_INT:
			if (f->min || f->max)
				return arena_printf(a, L("请输入 %lld 到 %lld 之间的整数。"),
				    f->min, f->max);
			return L("请输入整数。");
		case FT_TEXT:
			if (f->pattern != NULL)
				return L("格式不正确。");
			return L("内容过长,或含有控制字符、不可见字符。");
		}
	}
	for (i = 0; f != NULL && i < sizeof(rule_texts) / sizeof(rule_texts[0]); i++)
		if (strcmp(rule_texts[i].field, f->name) == 0)
			return L(rule_texts[i].text);
	return L("此项不符合要求。");
}

void
mark_field(struct arena *a, struct view *v, const char *name, const char *msg)
{
	struct view *e = view_map(view_map(v, "_err"), name);

	view_set(e, "msg", msg);
	view_set(e, "invalid", "true");
	view_set(e, "id", arena_printf(a, "err-%s", name));
}

enum validity_by
validity_of(const struct form *f, int field)
{
	return f->v[field].present ? (enum validity_by)(f->v[field].i + 1) :
	    VB_UNSET;
}

void
show_validity(struct view *v, const struct form *f, int field,
    const char *dflt)
{
	show_choices(v, "validities", opt_validity_by, f ? f->v[field].raw : dflt,
	    "checked");
}

void
show_money(struct view *v, const char *key, long long cents)
{
	char human[MONEY_BUFSZ];

	money_format(cents, human, sizeof(human));
	view_set(v, key, arena_strdup(v->arena, human));
	view_set_int(v, key_with(v->arena, key, "_v"), cents);
}

void
show_time(struct view *v, const char *key, time_t t)
{
	char human[CLOCK_BUFSZ], machine[CLOCK_BUFSZ];

	if (t <= 0)
		return;
	clock_words(t, 1, human, sizeof(human));
	clock_iso(t, machine, sizeof(machine));
	set_pair(v, key, human, machine);
}

void
show_date(struct view *v, const char *key, time_t t)
{
	char human[CLOCK_BUFSZ], machine[CLOCK_BUFSZ];

	if (t <= 0)
		return;
	clock_words(t, 0, human, sizeof(human));
	clock_iso(t, machine, sizeof(machine));
	set_pair(v, key, human, machine);
}

void
show_state(struct view *v, const char *key, const struct option *o, int i)
{
	const struct option *at = option_at(o, i);

	if (at == NULL)
		return;
	view_set(v, key, at->value);
	view_set(v, key_with(v->arena, key, "_text"), L(at->text));
}

void
show_card(struct view *v, const char *key, const char *code)
{
	char shown[CARD_LEN + 4];

	card_display(code, shown);
	set_pair(v, key, shown, code);
}

void
show_card_last4(struct view *v, const char *key, const char *last4)
{
	char masked[CARD_LEN + 1];

	code_masked(last4, CARD_LEN, masked);
	show_card(v, key, masked);
}

struct option *
options_of(struct arena *a, const void *rows, size_t n, size_t size,
    size_t code_off, size_t name_off)
{
	struct option	*o;
	const char	*row;
	size_t		 i;

	if ((o = arena_zalloc(a, (n + 1) * sizeof(*o))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		row = (const char *)rows + i * size;
		o[i].value = *(const char *const *)(row + code_off);
		o[i].text = *(const char *const *)(row + name_off);
	}
	return o;
}

/* Whether item is one of the comma list csv. */
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

void
show_choices(struct view *v, const char *key, const struct option *opts,
    const char *chosen, const char *mark)
{
	show_choices_in(NULL, v, key, opts, chosen, mark);
}

void
show_choices_in(const char *context, struct view *v, const char *key,
    const struct option *opts, const char *chosen, const char *mark)
{
	struct vlist	*l = view_list(v, key);
	struct view	*o;

	for (; opts->value != NULL; opts++) {
		o = vlist_add(l);
		view_set(o, "value", opts->value);
		view_set(o, "text", context ? Lc(context, opts->text) :
		    L(opts->text));
		if (chosen != NULL && in_csv(chosen, opts->value))
			view_set(o, mark, mark);
	}
}

char *
url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct abuf b;

	abuf_init(&b, a);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			abuf_putc(&b, (char)c);
		else {
			abuf_putc(&b, '%');
			abuf_putc(&b, hex[c >> 4]);
			abuf_putc(&b, hex[c & 15]);
		}
	}
	return abuf_str(&b);
}

/* path?<every query param but page, after and those named in skip>& */
static void
query_kept(struct req *r, struct abuf *b, const char *const *skip)
{
	const char *const	*k;
	size_t			 i;

	abuf_puts(b, r->path);
	abuf_putc(b, '?');
	for (i = 0; i < r->query.n; i++) {
		if (strcmp(r->query.v[i].name, "page") == 0 ||
		    strcmp(r->query.v[i].name, "after") == 0 ||
		    r->query.v[i].value[0] == '\0')
			continue;
		for (k = skip; *k != NULL && strcmp(*k, r->query.v[i].name); k++)
			;
		if (*k == NULL)
			abuf_printf(b, "%s=%s&", r->query.v[i].name,
			    url_encode(r->arena, r->query.v[i].value));
	}
}

/* path?<every query param but page and after>&page=N[&after=K] */
static const char *
page_link(struct req *r, int page, long long after)
{
	static const char *const none[] = { NULL };
	struct abuf	b;

	abuf_init(&b, r->arena);
	query_kept(r, &b, none);
	abuf_printf(&b, "page=%d", page);
	if (after > 0)
		abuf_printf(&b, "&after=%lld", after);
	return abuf_str(&b);
}

void
show_pager(struct req *r, struct view *v, const struct pager *pg)
{
	struct view	*p = view_map(v, "pager");
	char		 pages[24], total[24];

	view_set_int(p, "page", pg->page);
	/* past PAGER_COUNTED rows: "10000+", and pages so far (SPEC §9) */
	snprintf(pages, sizeof(pages), pg->capped ? "%d+" : "%d", pg->pages);
	view_set(p, "pages", arena_strdup(v->arena, pages));
	view_setf(p, "total", pg->capped ? "%lld+" : "%lld", pg->total);
	/* "第 1 / 3 页,共 42 条", "Page 1 of 3 · 42 items" (one: "1 item") */
	if (pg->capped)
		snprintf(total, sizeof(total), "10,000+");
	else
		snprintf(total, sizeof(total), "%lld", pg->total);
	view_setf(p, "summary", Ln("第 %d / %s 页,共 %s 条", pg->capped ? 2 :
	    pg->total), pg->page, pages, total);
	if (pg->after > 0)	/* by cursor: back to the start */
		view_set(p, "first", page_link(r, 1, 0));
	else if (pg->page > 1)
		view_set(p, "prev", page_link(r, pg->page - 1, 0));
	/* the next page by number while numbered, then by the last row */
	if (pg->more || pg->page < pg->pages)
		view_set(p, "next", page_link(r, pg->page + 1,
		    pg->page >= PAGER_NUMBERED ? pg->last : 0));
}

void
show_usage(struct view *u, const struct usage *row, const char *order_base)
{
	view_set_int(u, "id", row->id);
	view_set_int(u, "batch", row->batch_id);
	view_set(u, "batch_label", row->batch_label);
	show_card_last4(u, "card", row->card_last4);
	view_set_int(u, "uin", row->uin);
	show_state(u, "type", opt_pickup_product, row->product);
	view_set(u, "name", row->card_name);
	show_time(u, "time", row->time);
	view_set_int(u, "order", row->order_id);
	view_setf(u, "order_href", "%s/%lld", order_base, row->order_id);
}

/* The date presets of a list filtered by from and to (issue 31): today,
 * the last 7 days, this month and last month, in display_tz, each a link
 * keeping the other filters; the one the filter is now is current. */
void
show_date_presets(struct req *r, struct view *v, const char *from,
    const char *to)
{
	static const char *const skip[] = { "from", "to", NULL };
	static const char *const words[] = { "今天", "近 7 天", "本月", "上月" };
	struct vlist	*l = view_list(v, "presets");
	struct tm	 now, a, b;
	time_t		 t = time(NULL);
	char		 f[16], e[16];
	struct abuf	 h;
	int		 i;

	localtime_r(&t, &now);
	for (i = 0; i < 4; i++) {
		struct view *x = vlist_add(l);

		a = b = now;
		if (i == 1)
			a.tm_mday -= 6;
		else if (i == 2)
			a.tm_mday = 1;
		else if (i == 3) {
			a.tm_mday = 1;
			a.tm_mon -= 1;
			b.tm_mday = 0;	/* the day before this month's first */
		}
		mktime(&a);
		mktime(&b);
		strftime(f, sizeof(f), "%Y-%m-%d", &a);
		strftime(e, sizeof(e), "%Y-%m-%d", &b);
		abuf_init(&h, r->arena);
		query_kept(r, &h, skip);
		abuf_printf(&h, "from=%s&to=%s", f, e);
		view_set(x, "text", L(words[i]));
		view_set(x, "href", abuf_str(&h));
		if (from != NULL && to != NULL && strcmp(from, f) == 0 &&
		    strcmp(to, e) == 0)
			view_set(x, "current", "true");
	}
}
