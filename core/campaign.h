/*
 * campaign.h - discount campaigns (优惠活动, SPEC §10, seed 001): coupons
 * claimed into accounts and promo codes typed at confirmation.  The
 * campaigns and campaign_audience tables, which this module alone writes.
 *
 * A campaign can be edited until its first claim or use (the claims of
 * campaign_counts, discount.c's), disabled and enabled; every change is
 * audited.  What a discount takes off and whether it fits an order or an
 * account are the rules here: discount_of() and the expressions below,
 * which the lists and the order's checks share.
 */
#ifndef KQ_CAMPAIGN_H
#define KQ_CAMPAIGN_H

#include <time.h>

#include "base/arena.h"
#include "auth.h"
#include "db/db.h"
#include "db/pager.h"
#include "state.h"

#define CAMPAIGN_UINS_MAX	1000

/* A campaign's figure (taken, claims, used), from its rows of
 * campaign_counts; c is the campaign. */
#define CAMPAIGN_SUM(col) \
    "(SELECT COALESCE(SUM(n." col "), 0) FROM campaign_counts n" \
    " WHERE n.campaign_id = c.id)"
/*
 * Why a discount of campaign c does not fit (SPEC §10 "Why not"), the first
 * rule it fails in the SPEC's order, as the WHEN arms of a CASE:
 *   DU_WINDOW     the campaign's window (claims, promo codes)
 *   DU_DISABLED   its status
 *   DU_ORDER      the order, product p joined: scope (general products
 *                 only for all and exclude, as §5), scenario, billing,
 *                 minimum, first purchase (no paid or refunded order of the
 *                 product, no other open order with a first-purchase
 *                 discount for it); arguments: scenario, billing, amount,
 *                 the account twice, the order
 *   DU_LIMITS     the audience (DU_TARGETED, its argument the account),
 *                 the total limit, the account's limit; arguments: the
 *                 account twice
 */
#define DU_WINDOW \
    " WHEN c.valid_to < UTC_TIMESTAMP() THEN 'expired'" \
    " WHEN c.valid_from > UTC_TIMESTAMP() THEN 'not_yet'"
#define DU_DISABLED	" WHEN c.status = 'disabled' THEN 'disabled'"
#define DU_ORDER \
    " WHEN NOT ((c.scope = 'all' AND p.general = 1)" \
    "  OR (c.scope = 'include' AND FIND_IN_SET(p.code, c.products))" \
    "  OR (c.scope = 'exclude' AND p.general = 1" \
    "  AND NOT FIND_IN_SET(p.code, c.products))) THEN 'product'" \
    " WHEN NOT (c.scenarios = '' OR FIND_IN_SET(?, c.scenarios)) THEN 'scenario'" \
    " WHEN NOT (c.billing = '' OR FIND_IN_SET(?, c.billing)) THEN 'billing'" \
    " WHEN c.min_amount > ? THEN 'min_amount'" \
    " WHEN c.first_purchase = 1 AND (EXISTS (SELECT 1 FROM orders po" \
    "  WHERE po.uin = ? AND po.product = p.code" \
    "  AND po.status IN ('paid', 'refunded')) OR EXISTS (SELECT 1" \
    "  FROM discount_uses pu WHERE pu.uin = ? AND pu.status = 'reserved'" \
    "  AND pu.product = p.code AND pu.first_purchase = 1 AND pu.order_id <> ?))" \
    "  THEN 'first_purchase'"
#define DU_ORDER_ARGS	6
#define DU_TARGETED \
    " WHEN c.audience = 'targeted' AND NOT EXISTS (SELECT 1 FROM" \
    "  campaign_audience ca WHERE ca.campaign_id = c.id AND ca.uin = ?)" \
    "  THEN 'audience'"
#define DU_LIMITS DU_TARGETED \
    " WHEN c.total_limit > 0 AND " CAMPAIGN_SUM("taken") " >= c.total_limit" \
    "  THEN 'exhausted'" \
    " WHEN (SELECT COALESCE(MAX(a.taken), 0) FROM campaign_accounts a" \
    "  WHERE a.campaign_id = c.id AND a.uin = ?) >= c.per_account" \
    "  THEN 'account_limit'"
/* a claim's: DU_LIMITS's arguments */
#define CAMPAIGN_OPEN_UNFIT	"CASE" DU_WINDOW DU_DISABLED DU_LIMITS " END"
/* The open coupon campaigns on (kind, status, valid_to), ending first
 * first; the few the account may not claim are left out on the rows read
 * (CAMPAIGN_OPEN_UNFIT's arguments). */
#define CAMPAIGNS_CLAIMABLE \
    " FROM campaigns c FORCE INDEX (k_campaigns_open)" \
    " WHERE c.kind = 'coupon' AND c.status = 'active'" \
    " AND c.valid_to >= UTC_TIMESTAMP() HAVING unfit IS NULL"
#define CAMPAIGNS_CLAIMABLE_MAX	50

struct campaign {
	long long		 id;
	const char		*name;
	enum campaign_kind	 kind;
	const char		*code;		/* a promo code's; "" for coupons */
	enum discount_type	 discount;
	long long		 amount_off, cap;
	int			 percent_off;
	enum voucher_scope	 scope;
	const char		*products, *scenarios, *billing;	/* comma lists */
	long long		 min_amount;
	int			 first_purchase;
	time_t			 valid_from, valid_to, created_at;
	int			 claim_days;
	enum audience		 audience;
	int			 total_limit, per_account;
	enum campaign_status	 status;
	/* its figures: campaign_counts summed */
	long long		 taken, claims, used;
	/* for one account and, with an order, its terms: the first rule it
	 * fails (DU_FITS when none) and what it takes off */
	enum discount_unfit	 unfit;
	long long		 off;
};

/* What an admin enters (dates yyyymmdd in display_tz, §2). */
struct campaign_spec {
	long long		 id;		/* 0: a new campaign */
	const char		*name;
	enum campaign_kind	 kind;
	const char		*code;		/* typed: normalised here */
	enum discount_type	 discount;
	long long		 amount_off, cap;
	int			 percent_off;
	enum voucher_scope	 scope;
	const char		*products, *scenarios, *billing;
	long long		 min_amount;
	int			 first_purchase;
	long long		 from_ymd, to_ymd;
	int			 claim_days;
	enum audience		 audience;
	const char		*uins;		/* targeted: the UIN list as typed */
	int			 total_limit, per_account;
};

struct campaign_filter {
	int		 kind;		/* enum campaign_kind, -1: any */
	int		 status;	/* enum campaign_status, -1: any */
};

/* SPEC §10 arithmetic (integer cents): an amount off, at most the order's;
 * a percentage rounded down, at most the cap when there is one. */
long long	discount_of(const struct campaign *, long long amount);
/* A promo code as typed: upper case, spaces gone, into buf; -1 when it
 * is not 4-32 of A-Z 0-9 -. */
int		promo_code_normalise(const char *typed, char *buf, size_t bufsz);

/* KQ_INVALID_FIELD with *bad naming the field (a promo code taken: "code");
 * KQ_TEMPLATE_LOCKED once claimed or used.  Audited. */
enum kq_outcome	campaign_save(struct db *, struct arena *, const struct principal *,
		    const char *ip, const struct campaign_spec *, long long *id,
		    const char **bad);
enum kq_outcome	campaign_get(struct db *, struct arena *, long long id,
		    struct campaign *);
/* The targeted UINs, one a line (the form's text). */
enum kq_outcome	campaign_audience_text(struct db *, struct arena *, long long id,
		    const char **text);
enum kq_outcome	campaign_list(struct db *, struct arena *,
		    const struct campaign_filter *, struct pager *,
		    struct campaign **, size_t *);
/* Disables (to CS_DISABLED) or enables a campaign; audited. */
enum kq_outcome	campaign_set_status(struct db *, struct arena *,
		    const struct principal *, const char *ip, long long id,
		    enum campaign_status);
/* The coupon campaigns uin may claim now (audience, window, limits), the
 * ones ending first first (the newest of a day first); at most 50. */
enum kq_outcome	campaigns_claimable(struct db *, struct arena *, long long uin,
		    struct campaign **, size_t *);
/* One coupon campaign for uin to claim, with unfit (DU_AUDIENCE is the
 * caller's 404). */
enum kq_outcome	campaign_for_claim(struct db *, struct arena *, long long id,
		    long long uin, struct campaign *);
/* What the order asks of a discount: its terms (the order's amount for
 * the minimum), whose, which order. */
struct discount_terms {
	const char	*product, *billing, *scenario;
	long long	 amount, uin, order_id;
};
/* The DU_ORDER_ARGS arguments of DU_ORDER. */
void		discount_terms_args(struct db_arg *, const struct discount_terms *);
/* The promo code (typed; normalised here) for the order, with unfit and
 * off; KQ_NOT_FOUND when there is no such code, or it is outside the
 * account's audience (SPEC §10: answered as unknown).  to_use: for a
 * confirmation, whose take decides the limits (neither unfit exhausted nor
 * account_limit, no figures: taken, claims and used are 0). */
enum kq_outcome	campaign_for_promo(struct db *, struct arena *, const char *code,
		    const struct discount_terms *, int to_use, struct campaign *);

/* Inside the caller's transaction, one claim or use of c by uin: the
 * account's count (KQ_CLAIM_LIMIT past per_account), then the campaign's
 * (KQ_CAMPAIGN_EXHAUSTED at total_limit, or when it closed meanwhile),
 * each a conditional write on its row, so both hold exactly under any
 * number of racing claims.  *slot gets the counts' row it took. */
enum kq_outcome	campaign_take(struct db *, const struct campaign *, long long uin,
		    int *slot);
/* The same as CAMPAIGN_TAKE_STEPS steps of the caller's one CALL (the busy
 * paths: claims, promo-code confirmations), in the slot it tries first
 * (*slot): KQ_CLAIM_LIMIT or KQ_CAMPAIGN_EXHAUSTED from the step that
 * refused.  A spread limit's slot may be full while others are not: then
 * campaign_take() in a transaction of the caller's tries them all. */
#define CAMPAIGN_TAKE_STEPS	3
void		campaign_take_steps(struct db_step *, const struct campaign *,
		    long long uin, int *slot);
/* Whether c's total limit is spread over the counts' slots. */
int		campaign_spread(const struct campaign *);
/* A promo code's reserved use given back (a cancel, the payment window):
 * the campaign's slot and the account's count one less. */
enum kq_outcome	campaign_give_back(struct db *, long long campaign_id, int slot,
		    long long uin);
/* A use paid (the admin list's "used"), in the order's slot. */
enum kq_outcome	campaign_count_use(struct db *, long long campaign_id,
		    long long order_id);

#endif
