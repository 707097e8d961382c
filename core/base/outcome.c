/*
 * outcome.c - what each outcome means to HTTP and to a person.
 */
#include <string.h>

#include "base/outcome.h"

static const struct {
	int		 http;
	const char	*code;
	const char	*message;
} statuses[KQ_OUTCOME__MAX] = {
	{ 200, "ok",			"完成。" },				/* KQ_OK */
	{ 422, "code_format",		"兑换码格式不正确:应为 18 位数字。" },	/* KQ_CODE_FORMAT */
	{ 422, "code_unknown",		"兑换码不存在。" },			/* KQ_CODE_UNKNOWN */
	{ 409, "code_used",		"兑换码已被使用。" },			/* KQ_CODE_USED */
	{ 409, "code_expired",		"兑换码已过期。" },			/* KQ_CODE_EXPIRED */
	{ 409, "code_disabled",		"兑换码已作废。" },			/* KQ_CODE_DISABLED */
	{ 422, "card_format",		"卡号格式不正确:应为 16 位字母数字。" },	/* KQ_CARD_FORMAT */
	{ 422, "card_unknown",		"卡号不存在。" },			/* KQ_CARD_UNKNOWN */
	{ 409, "card_used",		"该提货卡已被使用。" },			/* KQ_CARD_USED */
	{ 409, "card_expired",		"该提货卡已过期。" },			/* KQ_CARD_EXPIRED */
	{ 409, "card_disabled",		"该提货卡已停用。" },			/* KQ_CARD_DISABLED */
	{ 422, "os_required",		"请选择操作系统。" },			/* KQ_OS_REQUIRED */
	{ 422, "os_invalid",		"所选操作系统不可用。" },		/* KQ_OS_INVALID */
	{ 429, "rate_limited",		"尝试次数过多,请 15 分钟后再试。" },	/* KQ_RATE_LIMITED */
	{ 403, "csrf",			"页面已过期,请刷新后重试。" },		/* KQ_CSRF */
	{ 403, "forbidden",		"您没有权限访问此页面。" },		/* KQ_FORBIDDEN */
	{ 422, "invalid_field",		"请检查标出的字段。" },			/* KQ_INVALID_FIELD */
	{ 409, "template_locked",	"模板已发放,不能再修改。" },		/* KQ_TEMPLATE_LOCKED */
	{ 409, "voucher_not_applicable", "该代金券不适用于此订单。" },		/* KQ_VOUCHER_NOT_APPLICABLE */
	{ 409, "order_state",		"订单状态不允许此操作。" },		/* KQ_ORDER_STATE */
	{ 422, "login_failed",		"用户名或密码错误。" },			/* KQ_LOGIN_FAILED */
	{ 409, "review_state",		"该申请已不在待审核状态。" },		/* KQ_REVIEW_STATE */
	{ 409, "voucher_state",		"代金券当前状态不允许此操作。" },	/* KQ_VOUCHER_STATE */
	{ 404, "not_found",		"页面不存在。" },			/* KQ_NOT_FOUND */
	{ 405, "method",		"不支持此请求方法。" },			/* KQ_METHOD */
	{ 400, "bad_request",		"请求格式不正确。" },			/* KQ_BAD_REQUEST */
	{ 413, "too_large",		"请求内容过大。" },			/* KQ_TOO_LARGE */
	{ 409, "conflict",		"已存在。" },				/* KQ_CONFLICT */
	{ 503, "unavailable",		"服务暂时不可用,请稍后重试。" },	/* KQ_UNAVAILABLE */
	{ 503, "busy",			"正在登录的人较多,请几秒后重试。" },	/* KQ_BUSY */
	{ 401, "unauthorized",		"签名无效、已过期,或 API 密钥不存在或已吊销。" },	/* KQ_UNAUTHORIZED */
	{ 409, "idempotency_mismatch",	"该幂等键已用于另一个请求。" },		/* KQ_IDEMPOTENCY_MISMATCH */
	{ 409, "idempotency_in_progress", "该幂等键的第一个请求仍在处理中,请稍后重试。" },	/* KQ_IDEMPOTENCY_BUSY */
	{ 400, "idempotency_required",	"每个 POST 都需要 Idempotency-Key。" },	/* KQ_IDEMPOTENCY_REQUIRED */
	{ 401, "replayed",		"这个签名已用过:重试请重新签名,并带上同一个 Idempotency-Key。" },	/* KQ_REPLAYED */
	{ 409, "not_leased",		"该请求未租给此 API 密钥,或租期已过。" },	/* KQ_NOT_LEASED */
	{ 409, "cash_due",		"此订单有现金待付,请到收银台支付。" },	/* KQ_CASH_DUE */
	{ 422, "promo_unknown",		"优惠码不存在。" },			/* KQ_PROMO_UNKNOWN */
	{ 409, "discount_not_applicable", "该优惠当前不可用。" },		/* KQ_DISCOUNT_NOT_APPLICABLE */
	{ 409, "campaign_exhausted",	"该优惠已领完。" },			/* KQ_CAMPAIGN_EXHAUSTED */
	{ 409, "claim_limit",		"您已达到该优惠的领取上限。" },		/* KQ_CLAIM_LIMIT */
	{ 202, "approval_pending",	"金额超过审批上限,已提交审批,另一位管理员批准后生成。" },	/* KQ_APPROVAL_PENDING */
};

int
kq_http_status(enum kq_outcome s)
{
	return s < KQ_OUTCOME__MAX ? statuses[s].http : 500;
}

const char *
kq_code(enum kq_outcome s)
{
	return s < KQ_OUTCOME__MAX ? statuses[s].code : "unavailable";
}

const char *
kq_message(enum kq_outcome s)
{
	return s < KQ_OUTCOME__MAX ? statuses[s].message : "";
}

enum kq_outcome
kq_outcome_from_code(const char *code)
{
	int i;

	for (i = 0; i < KQ_OUTCOME__MAX; i++)
		if (strcmp(statuses[i].code, code) == 0)
			return (enum kq_outcome)i;
	return KQ_OUTCOME__MAX;
}
