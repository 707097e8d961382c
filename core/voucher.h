/*
 * voucher.h - vouchers (代金券, SPEC §5, seeds 000 and 001): the vouchers
 * table and its ledger (收支明细), which this module alone writes.
 *
 * Reads: lists with the effective status, one voucher, its ledger, and the
 * vouchers that fit an order (the matching rules of SPEC §5).  Changes, each
 * called inside its caller's transaction and each writing its ledger row:
 * add (issue), activate (redeem), freeze / deduct / release (orders),
 * invalidate, expire.  Templates, issues and redemption are their own
 * modules on top of this one.
 */
#ifndef KQ_VOUCHER_H
#define KQ_VOUCHER_H

#include <time.h>

#include "base/arena.h"
#include "auth.h"
#include "db/db.h"
#include "db/pager.h"
#include "state.h"

struct voucher {
	long long		 id, template_id, issue_id, uin, order_id;
	const char		*name;
	const char		*code_last4;	/* its code's last four (SPEC §7:
						   no more is kept in the clear) */
	enum voucher_status	 status;	/* effective */
	enum voucher_scope	 scope;
	enum balance_mode	 mode;
	const char		*products;	/* comma list of product codes */
	const char		*product_names;	/* the same, in words */
	long long		 face, balance;
	time_t			 valid_from, valid_to, created_at;
	time_t			 activated_at;	/* a code's redemption; 0 none */
	/* the template's conditions (SPEC §5) */
	const char		*scenarios, *billing;	/* comma lists */
	long long		 min_amount;
	int			 min_months;
	long long		 deduct;	/* a candidate's, for its order */
	enum unfit		 unfit;		/* why it does not fit the order */
	/* a customer voucher (SPEC §6 Type III): PUR_NONE for the platform's */
	enum purpose		 purpose;
	long long		 partner_uin;
	long long		 associated;	/* a trial's Type II */
};

/* The columns of struct voucher, from VOUCHER_FROM. */
extern const struct db_col voucher_cols[];
#define VOUCHER_FROM \
    " FROM vouchers v JOIN voucher_templates t ON t.id = v.template_id" \
    VOUCHER_FROZEN_JOIN

struct ledger_row {
	long long		 id, order_id, amount, balance;
	long long		 customer;	/* a partner voucher's deduction */
	enum ledger_kind	 kind;
	const char		*actor;
	time_t			 time;
};

struct vfilter {
	long long	 uin;		/* 0: any (admin, partner) */
	int		 status;	/* an enum voucher_status, or -1: any */
	long long	 template_id;	/* 0: any */
	long long	 issue_id;	/* 0: any (the backend's list only) */
	long long	 expires_ymd;	/* 0: any; else valid_to by the end of it */
	long long	 partner_uin;	/* a partner's customer vouchers; 0: not */
	int		 purpose;	/* an enum purpose, or -1: any */
};

/* What a voucher must fit to pay an order (SPEC §5). */
struct order_terms {
	const char	*product, *billing, *scenario;
	long long	 amount;	/* the order's, for the minimum */
	long long	 due;		/* what is left to pay after a card */
	int		 months;
};

/* A voucher being issued. */
struct voucher_new {
	long long		 template_id, issue_id, uin;	/* uin 0: a code */
	long long		 face;
	time_t			 valid_from, valid_to;
	/* a customer voucher: issue_id 0, the partner, its purpose and (a
	 * trial) its Type II */
	long long		 partner_uin, associated;
	enum purpose		 purpose;
};

/* Fills product_names of n vouchers from the catalog. */
enum kq_outcome	vouchers_name_products(struct db *, struct arena *,
		    struct voucher *, size_t n);
/* The backend's list (f->uin 0: every account's) or, with f->partner_uin,
 * a partner's customer vouchers. */
enum kq_outcome	voucher_list(struct db *, struct arena *, const struct vfilter *,
		    struct pager *, struct voucher **, size_t *);
/* My Vouchers: f->uin's, with the columns the list shows (id, name,
 * status, scope and products, face, balance, validity); no issue or
 * partner filter. */
enum kq_outcome	voucher_list_mine(struct db *, struct arena *,
		    const struct vfilter *, struct pager *, struct voucher **,
		    size_t *);
/* uin 0 (the backend) reads any account's; else KQ_NOT_FOUND for another's. */
enum kq_outcome	voucher_get(struct db *, struct arena *, long long uin,
		    long long id, struct voucher *);
enum kq_outcome	voucher_ledger(struct db *, struct arena *, long long id,
		    struct ledger_row **, size_t *);
/* The account's vouchers that fit the terms, best first: the largest
 * deduction, then the earliest expiry; only_id (0: any) restricts to one. */
enum kq_outcome	voucher_match(struct db *, struct arena *, long long uin,
		    const struct order_terms *, long long only_id,
		    struct voucher **, size_t *);
/* A partner's customer voucher; another's is KQ_NOT_FOUND. */
/* The account's other vouchers (available, frozen, expired within 30
 * days) that do not fit the terms, each with the first rule it fails. */
enum kq_outcome	voucher_unfit(struct db *, struct arena *, long long uin,
		    const struct order_terms *, struct voucher **, size_t *);
/* The vouchers whose code ends in last4 (four digits), newest first, at
 * most VOUCHER_LAST4_MAX (the backend's search, issue 31). */
#define VOUCHER_LAST4_MAX	20
enum kq_outcome	voucher_by_last4(struct db *, struct arena *, const char *last4,
		    struct voucher **, size_t *);
enum kq_outcome	voucher_get_of_partner(struct db *, struct arena *,
		    long long partner, long long id, struct voucher *);
/* The partner withdraws a customer voucher (seed 003): KQ_VOUCHER_STATE
 * unless voucher_can_withdraw(); audited. */
enum kq_outcome	voucher_withdraw(struct db *, struct arena *,
		    const struct principal *, const char *ip, long long id);
/* KQ_VOUCHER_STATE unless voucher_can_invalidate(); audited. */
enum kq_outcome	voucher_invalidate(struct db *, struct arena *,
		    const struct principal *, const char *ip, long long id);

/* Inside a caller's transaction. */
/* One voucher into an account; *id (may be NULL) gets its id. */
enum kq_outcome	voucher_add(struct db *, const struct voucher_new *, long long *id);
/* count vouchers of v (uin 0) with a new redemption code each, kept as
 * codekey.h says; a code drawn that is taken is drawn again. */
enum kq_outcome	vouchers_add_codes(struct db *, const struct voucher_new *,
		    int count);
/* One voucher into an account with its 'issue' ledger row (partners). */
enum kq_outcome	voucher_add_one(struct db *, const struct voucher_new *,
		    const char *actor, long long *id);
/* A Type II is invalidated: its trial vouchers are withdrawn, or
 * KQ_VOUCHER_STATE with *order the order one of them is frozen for. */
enum kq_outcome	vouchers_withdraw_associated(struct db *, struct arena *,
		    long long partner_voucher_id, const char *actor,
		    long long *order);
/* The 'issue' ledger rows of every voucher of an issue. */
enum kq_outcome	vouchers_ledger_issue(struct db *, long long issue_id,
		    const char *actor);
/* Activates the code's voucher for uin, with its ledger row: one CALL, a
 * transaction of its own (not inside db_txn()); *id gets the voucher's.
 * looked_up, after the look-up and its limits: KQ_CODE_USED when another
 * request activated it first.  Else only for a member with no failed
 * attempt in the window, the account's nor ip's (ratelimit.h); KQ_NOT_FOUND
 * when it changed nothing (no such code, not redeemable now, another
 * request first, or failures to count): the look-up says which. */
enum kq_outcome	voucher_activate(struct db *, long long uin, const char *ip,
		    const char *code, int looked_up, const char *actor,
		    long long *id);
/* KQ_VOUCHER_NOT_APPLICABLE when it is no longer available. */
enum kq_outcome	voucher_freeze(struct db *, long long uin, long long id,
		    long long order_id, const char *actor);
/* At payment: min(balance, amount) is deducted; a single-use voucher
 * forfeits the rest (seed 000).  KQ_ORDER_STATE if not frozen for it. */
enum kq_outcome	voucher_deduct(struct db *, struct arena *, long long id,
		    long long order_id, long long amount, const char *actor);
/* The order was cancelled or timed out: the voucher is available again. */
enum kq_outcome	voucher_release(struct db *, long long id, long long order_id,
		    const char *actor);

/* Writes 'expired' on vouchers past valid_to; *n gets the count. */
enum kq_outcome	vouchers_expire(struct db *, struct arena *, int *n);

/* The codes kept in the clear before codes were kept at rest, moved into
 * their hash, last four and seal (kaquanctl migrate); *n gets how many. */
enum kq_outcome	vouchers_codes_convert(struct db *, long long *n);
/* Every voucher's code moved to the current key (kaquanctl codes rekey). */
enum kq_outcome	vouchers_rekey(struct db *, long long *n);

#endif
