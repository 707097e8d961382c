/*
 * h_confirm.c - "are you sure?" before what cannot be undone, without
 * JavaScript (issue 9).
 *
 * Every irreversible POST has a GET at the same path: the page says what
 * will happen and what cannot be undone, asks for a reason where the rule
 * or the audit wants one, and its form POSTs to that path.  The POST
 * itself is unchanged (SPEC §8: 303 on success), so a client that has
 * already decided does not need the page.  The safe choice (go back) is
 * the primary button; the action is styled as a danger.
 */
#include <string.h>

#include "approval.h"
#include "campaign.h"
#include "flash.h"
#include "handlers.h"
#include "base/i18n.h"
#include "order.h"
#include "partner_voucher.h"
#include "pickup.h"
#include "pickup_batch.h"
#include "present.h"
#include "record.h"
#include "reply.h"
#include "voucher.h"

enum reason { R_NONE, R_OPTIONAL, R_REQUIRED };
/* what the page names (issue 31: a confirmation says what it acts on) */
enum facts { F_NONE, F_MY_ORDER, F_ANY_ORDER, F_BATCH, F_CARD, F_CAMPAIGN,
	F_VOUCHER, F_APPROVAL, F_PVOUCHER, F_MY_PVOUCHER, F_CUSTOMER_VOUCHER };

struct confirm_def {
	const char	*path;		/* the route's, as in routes.c */
	const char	*title, *what, *after, *button;
	const char	*back;		/* printf format of the id */
	enum reason	 reason;
	const char	*reason_label;
	enum facts	 facts;
};

static const struct confirm_def defs[] = {
	{ "/admin/pickup/batches/{id}/disable", "禁用提货卡批次",
	  "该批次所有未使用的提货卡将立即不能提货;已提货的订单不受影响。",
	  "之后可在批次页重新启用。", "禁用批次",
	  "/admin/pickup/batches/%lld", R_NONE, NULL, F_BATCH },
	{ "/admin/pickup/cards/{id}/disable", "禁用提货卡",
	  "这张提货卡将不能提货。", "之后可在批次页重新启用这张卡。",
	  "禁用提货卡", "/admin/pickup/cards/%lld", R_NONE, NULL, F_CARD },
	{ "/admin/campaigns/{id}/disable", "停用优惠活动",
	  "停用后会员不能再领取或使用这项优惠;已用它确认的订单不受影响。",
	  "之后可在活动页重新启用。", "停用活动", "/admin/campaigns/%lld",
	  R_NONE, NULL, F_CAMPAIGN },
	{ "/admin/vouchers/{id}/invalidate", "作废代金券",
	  "代金券将作废:持有人不能再使用,未兑换的兑换码也不能再兑换。",
	  "作废后不能恢复。", "作废代金券", "/admin/vouchers/%lld",
	  R_NONE, NULL, F_VOUCHER },
	{ "/admin/orders/{id}/refund", "退款",
	  "订单将退款:退还现金部分;代金券、提货卡抵扣的部分不退,已开票金额变为 0。",
	  "退款后不能撤销。", "确认退款", "/admin/orders/%lld",
	  R_OPTIONAL, "备注(可选,记入审计日志)", F_ANY_ORDER },
	{ "/admin/orders/{id}/refund-reject", "驳回退款申请",
	  "退款申请将被驳回,原因会显示给会员;会员可以再次申请。",
	  "驳回后这次申请即结束。", "驳回申请", "/admin/orders/%lld",
	  R_REQUIRED, "驳回原因(会员可见)", F_ANY_ORDER },
	{ "/admin/partner/applications/{id}/approve", "审核通过",
	  "经销商代金券(类型 II)立即生效,有效期自现在起算;关联的客户试用代金券同时发放到客户账户。",
	  "通过后不能撤销(之后只能作废)。", "审核通过",
	  "/admin/partner/applications", R_NONE, NULL, F_PVOUCHER },
	{ "/admin/partner/applications/{id}/reject", "驳回申请",
	  "申请将被驳回,原因会显示给经销商。", "驳回后不能撤销;经销商可以重新申请。",
	  "驳回申请", "/admin/partner/applications", R_REQUIRED,
	  "驳回原因(经销商可见)", F_PVOUCHER },
	{ "/admin/approvals/{id}/approve", "批准",
	  "将按申请生成:代金券、一类经销商代金券或提货卡立即生成并可使用。",
	  "批准后不能撤销(之后只能作废或禁用)。", "批准并生成",
	  "/admin/approvals/%lld", R_NONE, NULL, F_APPROVAL },
	{ "/admin/approvals/{id}/reject", "驳回审批",
	  "申请将被驳回,不会生成任何代金券或提货卡;原因会显示给申请人。",
	  "驳回后不能撤销;需要时请重新提交。", "驳回申请",
	  "/admin/approvals/%lld", R_REQUIRED, "驳回原因(申请人可见)", F_APPROVAL },
	{ "/admin/partner/vouchers/{id}/invalidate", "作废经销商代金券",
	  "代金券将作废,已抵扣的金额不变;作废类型 II 会同时撤回它关联的客户代金券。",
	  "作废后不能恢复。", "作废代金券", "/admin/partner/vouchers",
	  R_NONE, NULL, F_PVOUCHER },
	{ "/partner/vouchers/{id}/cancel", "取消审核",
	  "这份申请将被取消,平台不再审核。", "取消后不能恢复;需要时请重新申请。",
	  "取消审核", "/partner/vouchers/%lld", R_NONE, NULL, F_MY_PVOUCHER },
	{ "/partner/vouchers/{id}/invalidate", "作废代金券",
	  "代金券将作废,已抵扣的金额不变;作废类型 II 会同时撤回它关联的客户代金券。",
	  "作废后不能恢复。", "作废代金券", "/partner/vouchers/%lld",
	  R_NONE, NULL, F_MY_PVOUCHER },
	{ "/partner/customer-vouchers/{id}/withdraw", "撤回客户代金券",
	  "代金券将从客户账户撤回,客户不能再使用。", "撤回后不能恢复。",
	  "撤回代金券", "/partner/customer-vouchers/%lld", R_NONE, NULL,
	  F_CUSTOMER_VOUCHER },
	{ "/user/orders/{id}/cancel", "取消订单",
	  "订单将取消,它冻结的代金券和提货卡退回您的账户。",
	  "取消后不能恢复;需要时请重新下单。", "取消订单", "/user/orders/%lld",
	  R_NONE, NULL, F_MY_ORDER },
	{ "/user/orders/{id}/refund", "申请退款",
	  "申请提交给财务审核;通过后退还现金部分,代金券和提货卡抵扣的部分不退,开通的服务随之停止。",
	  "审核结果会显示在订单页。", "提交申请", "/user/orders/%lld",
	  R_REQUIRED, "退款原因", F_MY_ORDER },
};

static const struct confirm_def *
def_of(const struct req *r)
{
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (strcmp(defs[i].path, r->route_name) == 0)
			return &defs[i];
	return NULL;
}

/* One line of what the page acts on: a label and its value (text NULL:
 * the caller writes it). */
static struct view *
fact(struct vlist *l, const char *label, const char *field, long long value,
    const char *text)
{
	struct view *x = vlist_add(l);

	view_set(x, "label", Lc("对象", label));
	view_set(x, "field", field);
	view_set_int(x, "value", value);
	if (text != NULL)
		view_set(x, "text", text);
	return x;
}

static void
fact_money(struct vlist *l, const char *label, const char *field,
    long long cents)
{
	show_money(fact(l, label, field, cents, NULL), "text", cents);
}

static enum kq_outcome
pvoucher_facts(struct req *r, struct vlist *l, long long partner)
{
	struct pvoucher	 p;
	enum kq_outcome	 s;

	if ((s = pv_get(r->app->db, r->arena, partner, r->id, &p)) != KQ_OK)
		return s;
	fact(l, "经销商代金券", "subject", p.id, arena_printf(r->arena, "#%lld %s · %s",
	    p.id, p.name, option_text(opt_pv_type, p.type)));
	fact(l, "经销商", "partner", p.partner_uin, arena_printf(r->arena,
	    "%lld %s", p.partner_uin, p.partner_name ? p.partner_name : ""));
	if (p.customer_uin)
		fact(l, "客户 UIN", "customer", p.customer_uin,
		    arena_printf(r->arena, "%lld", p.customer_uin));
	fact_money(l, "面额", "face", p.face);
	fact_money(l, "余额", "balance", p.balance);
	return KQ_OK;
}

static enum kq_outcome
voucher_facts(struct req *r, struct vlist *l, const struct voucher *v)
{
	fact(l, "代金券", "subject", v->id, arena_printf(r->arena, "#%lld %s",
	    v->id, v->name));
	if (v->uin)
		fact(l, "持有人 UIN", "uin", v->uin, arena_printf(r->arena, "%lld",
		    v->uin));
	fact_money(l, "余额", "balance", v->balance);
	return KQ_OK;
}

/* What the page acts on, named (issue 31), into list "facts". */
static enum kq_outcome
subject_facts(struct req *r, enum facts kind, struct view *v)
{
	struct vlist		*l = view_list(v, "facts");
	struct batch		 b;
	struct campaign		 c;
	struct voucher		 vo;
	struct approval_req	 q;
	long long		 bid;
	enum kq_outcome		 s;

	switch (kind) {
	case F_CARD:	/* the card, and the batch it is of */
		if ((s = card_batch(r->app->db, r->id, &bid)) != KQ_OK ||
		    (s = batch_get(r->app->db, r->arena, bid, &b)) != KQ_OK)
			return s;
		fact(l, "提货卡", "subject", r->id, arena_printf(r->arena, "#%lld",
		    r->id));
		fact(l, "批次", "batch", b.id, arena_printf(r->arena, "#%lld %s",
		    b.id, b.name));
		return KQ_OK;
	case F_BATCH:
		if ((s = batch_get(r->app->db, r->arena, r->id, &b)) != KQ_OK)
			return s;
		fact(l, "批次", "subject", b.id, arena_printf(r->arena, "#%lld %s",
		    b.id, b.name));
		fact(l, "未使用的卡", "unused", b.total - b.used,
		    arena_printf(r->arena, "%lld", b.total - b.used));
		return KQ_OK;
	case F_CAMPAIGN:
		if ((s = campaign_get(r->app->db, r->arena, r->id, &c)) != KQ_OK)
			return s;
		fact(l, "优惠活动", "subject", c.id, arena_printf(r->arena,
		    "#%lld %s · %s", c.id, c.name, option_text(opt_campaign_kind,
		    c.kind)));
		return KQ_OK;
	case F_VOUCHER:
		if ((s = voucher_get(r->app->db, r->arena, 0, r->id, &vo)) != KQ_OK)
			return s;
		return voucher_facts(r, l, &vo);
	case F_CUSTOMER_VOUCHER:
		if ((s = voucher_get_of_partner(r->app->db, r->arena, r->me.uin,
		    r->id, &vo)) != KQ_OK)
			return s;
		return voucher_facts(r, l, &vo);
	case F_APPROVAL:
		if ((s = approval_get(r->app->db, r->arena, r->id, &q)) != KQ_OK)
			return s;
		fact(l, "审批", "subject", q.id, arena_printf(r->arena, "#%lld %s · %s",
		    q.id, option_text(opt_request_kind, q.kind), q.subject));
		fact_money(l, "单价", "unit", q.unit);
		fact(l, "数量", "count", q.count, arena_printf(r->arena, "%lld",
		    q.count));
		fact_money(l, "合计", "amount", q.amount);
		fact(l, "申请人", "requested_by", q.requested_by, q.requested_login);
		return KQ_OK;
	case F_PVOUCHER:
		return pvoucher_facts(r, l, 0);
	case F_MY_PVOUCHER:
		return pvoucher_facts(r, l, r->me.uin);
	default:
		return KQ_OK;
	}
}

/* The page, or again with err at field (a re-shown form). */
static void
confirm_page(struct req *r, enum kq_outcome err, const char *field)
{
	const struct confirm_def	*d = def_of(r);
	struct order			 o;
	struct view			*v, *c;
	enum kq_outcome			 s;

	if (d == NULL) {
		reply_fail(r, KQ_NOT_FOUND);
		return;
	}
	if ((d->facts == F_MY_ORDER || d->facts == F_ANY_ORDER) &&
	    (s = order_get(r->app->db, r->arena, d->facts == F_MY_ORDER ?
	    r->me.uin : 0, r->id, &o)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	if ((s = subject_facts(r, d->facts, v)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	c = view_map(v, "c");
	view_set(c, "title", L(d->title));
	view_set(c, "what", L(d->what));
	view_set(c, "after", L(d->after));
	view_set(c, "button", L(d->button));
	view_set(c, "action", r->path);
	view_setf(c, "back", d->back, r->id);
	view_set_int(c, "id", r->id);
	if (d->reason != R_NONE) {
		view_set(c, "reason", L(d->reason_label));
		if (d->reason == R_REQUIRED)
			view_set(c, "reason_required", "required");
	}
	if (d->facts == F_MY_ORDER || d->facts == F_ANY_ORDER) {
		struct view *ov = view_map(v, "order");

		view_set_int(ov, "id", o.id);
		view_set_int(ov, "uin", o.uin);
		view_set(ov, "description", order_words(v->arena, &o));
		show_money(ov, "amount", o.amount);
		show_money(ov, "cash", o.cash);
		show_money(ov, "deducted", o.card_amount + o.voucher_amount);
	}
	if (err != KQ_OK && r->f.def != NULL) {	/* a POST's form */
		flash_reshow(v, &r->f, err, field);
		reply_page(r, kq_http_status(err), "confirm", v);
	} else
		reply_page(r, 200, "confirm", v);
}

void
h_confirm(struct req *r)
{
	confirm_page(r, KQ_OK, NULL);
}

void
reply_done_with_reason(struct req *r, enum kq_outcome s, const char *flash,
    const char *location)
{
	if (s == KQ_INVALID_FIELD)
		confirm_page(r, s, "reason");
	else
		reply_done(r, s, flash, location);
}
