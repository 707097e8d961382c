/*
 * state.h - the states of orders, vouchers, cards, batches and instances:
 * enums, their names in the database, the one definition of each effective
 * status, and the predicates pages and core functions both read.
 *
 * A state is an enum everywhere in C; the names arrays convert it at the
 * database edge (db.h DB_ENUM).  What a person sees is the *effective*
 * status: a voucher past valid_to is expired and an order past its payment
 * window is cancelled whether or not a sweep has written it (SPEC §2, §5).
 * Each effective status is one SQL expression below, used for the column
 * that is read and for the filters of lists alike, so a GET computes it and
 * never writes it.  This header knows no module, so every module may
 * include it.
 */
#ifndef KQ_STATE_H
#define KQ_STATE_H

#include <time.h>

#define XSTR(x)	#x
#define STR(x)	XSTR(x)

/* The index of S in a names array, or -1. */
int	state_index(const char *const *names, const char *s);

/* ------------------------------------------------------------ orders */

enum order_status {
	OS_PENDING, OS_CONFIRMED, OS_AWAITING_PAYMENT, OS_PAID, OS_CANCELLED,
	OS_REFUNDED, OS__MAX
};
extern const char *const order_status_names[];

/* SPEC §5: an order confirmed (or awaiting a surcharge) is paid within
 * this many minutes, or it is cancelled and gives back what it held. */
#define PAYMENT_WINDOW_MIN	30
#define PAYMENT_DEADLINE_SQL \
	"UTC_TIMESTAMP() + INTERVAL " STR(PAYMENT_WINDOW_MIN) " MINUTE"

/* Whether order O (an SQL alias) is unpaid past its payment window. */
#define ORDER_OVERDUE(o) \
	"(" o ".status IN ('confirmed', 'awaiting_payment')" \
	" AND " o ".pay_by < UTC_TIMESTAMP())"
/* The order's effective status. */
#define ORDER_STATUS(o) \
	"IF(" ORDER_OVERDUE(o) ", 'cancelled', " o ".status)"

enum order_action {
	OA_CONFIRM = 1 << 0,	/* choose a voucher (or none) */
	OA_PAY = 1 << 1,
	OA_CANCEL = 1 << 2,
	OA_REFUND = 1 << 3,
};
/* What may be done to an order in this effective status.  OA_REFUND is
 * finance's (SPEC §5): a member only asks for one. */
unsigned	order_actions(enum order_status);

/* A refund is asked for by the member and decided by finance. */
enum refund_state { RF_NONE, RF_REQUESTED, RF_APPROVED, RF_REJECTED, RF__MAX };
extern const char *const refund_state_names[];
/* SPEC §5: a member asks, with a reason, on a paid order that had cash and
 * no open request (after a rejection they may ask again). */
int		order_can_request_refund(enum order_status, enum refund_state,
		    long long cash);
/* Finance rejects an open request of a paid order. */
int		order_can_reject_refund(enum order_status, enum refund_state);

/* ------------------------------------------------------------ validity */

/* A validity is given as dates or as a duration (SPEC §2); the form says
 * which (issue 9).  VB_UNSET (0) when it did not. */
enum validity_by { VB_UNSET, VB_DATES, VB_DURATION, VB__MAX };
extern const char *const validity_by_names[];	/* from VB_DATES */
/* The one rule for every form: the chosen kind is used and the other
 * ignored; without a choice, the kind that was filled in; both filled and
 * nothing chosen: VB_UNSET (422 on "validity"). */
enum validity_by validity_pick(enum validity_by chosen, int has_dates,
		    int has_duration);

/* ------------------------------------------------------------ vouchers */

enum voucher_status {
	VS_UNACTIVATED, VS_AVAILABLE, VS_FROZEN, VS_USED, VS_EXPIRED,
	VS_INVALIDATED, VS_WITHDRAWN, VS__MAX
};
extern const char *const voucher_status_names[];

/*
 * The effective status of voucher v, whose freezing order is joined as fo
 * (LEFT JOIN orders fo ON fo.id = v.order_id): past valid_to, an unused
 * voucher is expired; frozen for an order past its payment window, it is
 * back (or expired).
 */
#define VOUCHER_STATUS \
	"CASE WHEN v.status IN ('available', 'unactivated')" \
	" AND v.valid_to < UTC_TIMESTAMP() THEN 'expired'" \
	" WHEN v.status = 'frozen' AND " ORDER_OVERDUE("fo") " THEN" \
	" IF(v.valid_to < UTC_TIMESTAMP(), 'expired', 'available')" \
	" ELSE v.status END"
#define VOUCHER_FROZEN_JOIN	" LEFT JOIN orders fo ON fo.id = v.order_id"
/* VOUCHER_STATUS the other way: the stored statuses and validity a
 * voucher shown as SHOWN may have, as index ranges on (status, valid_to)
 * (SPEC §9 Volume: a filter on the shown status reads what it shows, not
 * the sweep's backlog); VOUCHER_STATUS is still checked on the rows read
 * (a frozen voucher's order).  Its VOUCHER_RANGE_ARGS arguments, from
 * voucher_stored_ranges(): statuses still valid, statuses past valid_to,
 * and a status whatever its validity ("" where there is none).  1 when
 * a voucher shown as SHOWN is one stored so, whatever else (used,
 * invalidated, withdrawn): an index on the status alone finds them. */
#define VOUCHER_STORED_RANGES \
	"((v.status IN (?, ?) AND v.valid_to >= ?)" \
	" OR (v.status IN (?, ?, ?) AND v.valid_to < ?) OR v.status = ?)"
#define VOUCHER_RANGE_ARGS	8
struct db_arg;
int		voucher_stored_ranges(enum voucher_status shown, time_t now,
		    struct db_arg *args);

/* Why a voucher of the account does not fit an order (SPEC §5), the
 * first rule it fails in this order; UF_FITS when it fits. */
enum unfit { UF_FITS = -1, UF_EXPIRED, UF_FROZEN, UF_NOT_YET, UF_PRODUCT,
	UF_SCENARIO, UF_BILLING, UF_MIN_AMOUNT, UF_MONTHS, UF__MAX };
extern const char *const unfit_names[];

/* An admin may invalidate a voucher nobody has started to spend. */
int		voucher_can_invalidate(enum voucher_status);
/* "Ends soon" on every page: a voucher, a batch or a campaign ending
 * within SOON_DAYS (the home pages count them, the lists tag them). */
#define SOON_DAYS	30
/* A voucher that can still pay ends within SOON_DAYS of now (issue 31:
 * the member's lists tag it). */
int		voucher_ends_soon(enum voucher_status, time_t valid_to,
		    time_t now);

enum balance_mode { BM_SINGLE_USE, BM_CARRY_OVER, BM__MAX };
extern const char *const balance_mode_names[];
enum voucher_scope { SCOPE_ALL, SCOPE_INCLUDE, SCOPE_EXCLUDE, SCOPE__MAX };
extern const char *const voucher_scope_names[];

enum ledger_kind {
	LK_ISSUE, LK_ACTIVATE, LK_FREEZE, LK_RELEASE, LK_DEDUCT, LK_FORFEIT,
	LK_EXPIRE, LK_INVALIDATE, LK_WITHDRAW, LK_APPLY, LK_APPROVE, LK_REJECT,
	LK_CANCEL, LK__MAX
};
extern const char *const ledger_kind_names[];

/* Whose template: the platform's (admins), or a partner's for its Type II
 * applications or for its customers' discount vouchers (SPEC §6). */
enum template_kind { TK_PLATFORM, TK_PARTNER, TK_CUSTOMER, TK__MAX };
extern const char *const template_kind_names[];

enum issue_mode { IM_TARGETED, IM_CODES, IM__MAX };
extern const char *const issue_mode_names[];

/* ------------------------------------------------------------ partner vouchers */

/* SPEC §6: Type I (compensation, any customer) and Type II (one customer's
 * product trial, by application and review). */
enum pv_type { PVT_1, PVT_2, PVT__MAX };
extern const char *const pv_type_names[];
enum approval { AP_NONE, AP_PENDING, AP_APPROVED, AP_REJECTED, AP_CANCELLED,
	AP__MAX };
extern const char *const approval_names[];
/* A customer voucher's purpose (Type III); -1 for the platform's own. */
enum purpose { PUR_NONE = -1, PUR_DISCOUNT, PUR_TRIAL, PUR__MAX };
extern const char *const purpose_names[];
enum charge_status { CH_CHARGED, CH_REFUNDED, CH__MAX };
extern const char *const charge_status_names[];

/* The effective status of partner voucher pv (a voucher_status name). */
#define PV_STATUS \
	"IF(pv.status = 'available' AND pv.valid_to < UTC_TIMESTAMP()," \
	" 'expired', pv.status)"

/* Approve, reject and cancel need a pending application. */
int		pv_can_review(enum approval);
/* The partner or an admin may invalidate a Type I or an approved Type II
 * that is still available (effective status). */
int		pv_can_invalidate(enum voucher_status);
/* seed 003: only an unused, unexpired discount voucher can be withdrawn. */
int		voucher_can_withdraw(enum purpose, enum voucher_status,
		    long long face, long long balance);

/* ------------------------------------------------------------ approvals */

/* SPEC §11: what waits for a second admin, and where it stands. */
enum request_kind { RK_ISSUE, RK_PARTNER_1, RK_BATCH, RK__MAX };
extern const char *const request_kind_names[];
enum request_status { RS_PENDING, RS_APPROVED, RS_REJECTED, RS__MAX };
extern const char *const request_status_names[];

/* ------------------------------------------------------------ discounts */

/* SPEC §10: a campaign is a coupon (claimed into an account) or a promo
 * code (typed at confirmation); it takes an amount or a percentage off. */
enum campaign_kind { CK_COUPON, CK_PROMO_CODE, CK__MAX };
extern const char *const campaign_kind_names[];
enum discount_type { DT_AMOUNT, DT_PERCENT, DT__MAX };
extern const char *const discount_type_names[];
enum audience { AU_ALL, AU_TARGETED, AU__MAX };
extern const char *const audience_names[];
enum campaign_status { CS_ACTIVE, CS_DISABLED, CS__MAX };
extern const char *const campaign_status_names[];
enum coupon_status { CP_AVAILABLE, CP_FROZEN, CP_USED, CP_EXPIRED, CP__MAX };
extern const char *const coupon_status_names[];

/* The effective status of coupon k, whose freezing order is joined as ko:
 * past valid_to an available coupon is expired; frozen for an order past
 * its payment window it is back (or expired), as a voucher is. */
#define COUPON_STATUS \
	"CASE WHEN k.status = 'available' AND k.valid_to < UTC_TIMESTAMP()" \
	" THEN 'expired' WHEN k.status = 'frozen' AND " ORDER_OVERDUE("ko") \
	" THEN IF(k.valid_to < UTC_TIMESTAMP(), 'expired', 'available')" \
	" ELSE k.status END"
#define COUPON_FROZEN_JOIN	" LEFT JOIN orders ko ON ko.id = k.order_id"

/* A use of a campaign by an order (discount_uses u, its order joined as
 * uo): reserved at confirmation, used when paid, released by a cancel or
 * the payment window, which releases it before the sweep writes it. */
enum use_status { DUS_RESERVED, DUS_USED, DUS_RELEASED, DUS__MAX };
extern const char *const use_status_names[];
#define USE_OVERDUE \
	"(u.status = 'reserved' AND " ORDER_OVERDUE("uo") ")"
#define USE_STATUS	"IF(" USE_OVERDUE ", 'released', u.status)"

/* Why a discount does not fit an order or an account (SPEC §10 "Why not"),
 * the first rule it fails in this order. */
enum discount_unfit { DU_FITS = -1, DU_EXPIRED, DU_NOT_YET, DU_DISABLED,
	DU_PRODUCT, DU_SCENARIO, DU_BILLING, DU_MIN_AMOUNT, DU_FIRST_PURCHASE,
	DU_AUDIENCE, DU_EXHAUSTED, DU_ACCOUNT_LIMIT, DU__MAX };
extern const char *const discount_unfit_names[];

/* ------------------------------------------------------------ pickup cards */

enum batch_status { BATCH_NORMAL, BATCH_DISABLED, BATCH_EXPIRED, BATCH__MAX };
extern const char *const batch_status_names[];

/* The effective status of batch B: disabled, or expired past valid_to. */
#define BATCH_STATUS(b) \
	"CASE WHEN " b ".status = 'disabled' THEN 'disabled'" \
	" WHEN " b ".valid_to < UTC_TIMESTAMP() THEN 'expired' ELSE 'normal' END"

enum card_status { CARD_UNUSED, CARD_USED, CARD_DISABLED, CARD_EXPIRED, CARD__MAX };
extern const char *const card_status_names[];

/* The effective status of card C of batch B (SPEC §4): a disabled or
 * expired batch makes its unused cards unusable. */
#define CARD_STATUS(c, b) \
	"CASE WHEN " c ".status <> 'unused' THEN " c ".status" \
	" WHEN " BATCH_STATUS(b) " = 'normal' THEN 'unused'" \
	" ELSE " BATCH_STATUS(b) " END"

/* SPEC §4: a used card cannot be disabled (stored status). */
int		card_can_disable(enum card_status stored);

enum pickup_product { PP_CVM, PP_VHOST, PP_BAREMETAL, PP__MAX };
extern const char *const pickup_product_names[];
/* seed 004: a virtual host comes with no operating system to choose. */
int		pickup_has_os(enum pickup_product);

enum os_family { OSF_NONE = -1, OSF_LINUX, OSF_WINDOWS, OSF__MAX };
extern const char *const os_family_names[];

/* ------------------------------------------------------------ provisioning */

/* IS_NONE: an order that provisions nothing (a NULL state reads as -1) */
enum instance_status { IS_NONE = -1, IS_HELD, IS_PENDING, IS_ACTIVE, IS_CANCELLED,
	IS_STOPPING, IS_ENDED, IS_FAILED, IS__MAX };
extern const char *const instance_status_names[];

#endif
