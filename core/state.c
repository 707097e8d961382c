/*
 * state.c - state names and the rules over states.
 */
#include <string.h>

#include "db/db.h"
#include "state.h"

const char *const order_status_names[] = {
	"pending", "confirmed", "awaiting_payment", "paid", "cancelled",
	"refunded", 0
};
const char *const refund_state_names[] = {
	"none", "requested", "approved", "rejected", 0
};
const char *const voucher_status_names[] = {
	"unactivated", "available", "frozen", "used", "expired", "invalidated",
	"withdrawn", 0
};
const char *const unfit_names[] = {
	"expired", "frozen", "not_yet", "product", "scenario", "billing",
	"min_amount", "months", 0
};
const char *const balance_mode_names[] = { "single_use", "carry_over", 0 };
const char *const voucher_scope_names[] = { "all", "include", "exclude", 0 };
const char *const ledger_kind_names[] = {
	"issue", "activate", "freeze", "release", "deduct", "forfeit", "expire",
	"invalidate", "withdraw", "apply", "approve", "reject", "cancel", 0
};
const char *const pv_type_names[] = { "partner_1", "partner_2", 0 };
const char *const approval_names[] = {
	"none", "pending_review", "approved", "rejected", "cancelled", 0
};
const char *const purpose_names[] = { "discount", "trial", 0 };
const char *const charge_status_names[] = { "charged", "refunded", 0 };
const char *const template_kind_names[] = {
	"platform", "partner", "customer", 0
};
const char *const issue_mode_names[] = { "targeted", "codes", 0 };
const char *const request_kind_names[] = { "issue", "partner_1", "batch", 0 };
const char *const request_status_names[] = {
	"pending", "approved", "rejected", 0
};
const char *const campaign_kind_names[] = { "coupon", "promo_code", 0 };
const char *const discount_type_names[] = { "amount", "percent", 0 };
const char *const audience_names[] = { "all", "targeted", 0 };
const char *const campaign_status_names[] = { "active", "disabled", 0 };
const char *const coupon_status_names[] = {
	"available", "frozen", "used", "expired", 0
};
const char *const use_status_names[] = {
	"reserved", "used", "released", 0
};
const char *const discount_unfit_names[] = {
	"expired", "not_yet", "disabled", "product", "scenario", "billing",
	"min_amount", "first_purchase", "audience", "exhausted", "account_limit", 0
};
const char *const batch_status_names[] = { "normal", "disabled", "expired", 0 };
const char *const card_status_names[] = {
	"unused", "used", "disabled", "expired", 0
};
const char *const pickup_product_names[] = { "cvm", "vhost", "baremetal", 0 };
const char *const os_family_names[] = { "linux", "windows", 0 };
const char *const instance_status_names[] = {
	"held", "pending", "active", "cancelled", "stopping", "ended", "failed", 0
};

unsigned
order_actions(enum order_status s)
{
	switch (s) {
	case OS_PENDING:
		return OA_CONFIRM | OA_CANCEL;
	case OS_CONFIRMED:
	case OS_AWAITING_PAYMENT:
		return OA_PAY | OA_CANCEL;
	case OS_PAID:
		return OA_REFUND;	/* SPEC §5: cash only */
	default:
		return 0;
	}
}

const char *const validity_by_names[] = { "dates", "duration", 0 };

enum validity_by
validity_pick(enum validity_by chosen, int has_dates, int has_duration)
{
	if (chosen != VB_UNSET)
		return chosen;
	if (has_dates && has_duration)
		return VB_UNSET;
	return has_duration ? VB_DURATION : VB_DATES;
}

int
order_can_request_refund(enum order_status s, enum refund_state r,
    long long cash)
{
	return s == OS_PAID && cash > 0 && (r == RF_NONE || r == RF_REJECTED);
}

int
order_can_reject_refund(enum order_status s, enum refund_state r)
{
	return s == OS_PAID && r == RF_REQUESTED;
}

int
voucher_stored_ranges(enum voucher_status shown, time_t now,
    struct db_arg *args)
{
	const char *live[2] = { "", "" }, *past[3] = { "", "", "" }, *any = "";
	int alone = 0;

	switch (shown) {
	case VS_UNACTIVATED:
		live[0] = "unactivated";
		break;
	case VS_AVAILABLE:	/* or frozen for an order past its window */
		live[0] = "available";
		live[1] = "frozen";
		break;
	case VS_EXPIRED:	/* or past valid_to before the sweep wrote it */
		past[0] = "available";
		past[1] = "unactivated";
		past[2] = "frozen";
		any = "expired";
		break;
	case VS_FROZEN:		/* unless its order is past its window */
		any = "frozen";
		break;
	default:		/* as stored */
		any = voucher_status_names[shown];
		alone = 1;
		break;
	}
	args[0] = DB_STR(live[0]);
	args[1] = DB_STR(live[1]);
	args[2] = DB_TIME(now);
	args[3] = DB_STR(past[0]);
	args[4] = DB_STR(past[1]);
	args[5] = DB_STR(past[2]);
	args[6] = DB_TIME(now);
	args[7] = DB_STR(any);
	return alone;
}

int
voucher_can_invalidate(enum voucher_status s)
{
	return s == VS_UNACTIVATED || s == VS_AVAILABLE;
}

int
voucher_ends_soon(enum voucher_status s, time_t valid_to, time_t now)
{
	return (s == VS_AVAILABLE || s == VS_UNACTIVATED) && valid_to > now &&
	    valid_to - now <= (time_t)SOON_DAYS * 86400;
}

int
pv_can_review(enum approval a)
{
	return a == AP_PENDING;
}

int
pv_can_invalidate(enum voucher_status s)
{
	/* pending, rejected and cancelled ones stay unactivated */
	return s == VS_AVAILABLE;
}

int
voucher_can_withdraw(enum purpose p, enum voucher_status s, long long face,
    long long balance)
{
	return p == PUR_DISCOUNT && s == VS_AVAILABLE && balance == face;
}

int
card_can_disable(enum card_status stored)
{
	return stored == CARD_UNUSED;
}

int
pickup_has_os(enum pickup_product p)
{
	return p != PP_VHOST;
}

int
state_index(const char *const *names, const char *s)
{
	int i;

	for (i = 0; s != NULL && names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}
