/*
 * partner_voucher.h - partner vouchers (SPEC §6, seeds 002 and 003): the
 * partner_vouchers table and its ledger, which this module alone writes.
 *
 * Type I is issued to a partner by an admin; Type II is applied for by the
 * partner for one customer, from its partner template, and reviewed by an
 * admin: approval makes it available from that moment for the template's
 * days and issues the associated Type III (trial) into the customer's
 * account, in one transaction.  Both offset the partner's charges, picked
 * and deducted inside the customer's payment (partner_charge.c).  Neither
 * is ever shown to a customer.
 */
#ifndef KQ_PARTNER_VOUCHER_H
#define KQ_PARTNER_VOUCHER_H

#include <time.h>

#include "account.h"
#include "base/arena.h"
#include "auth.h"
#include "db/db.h"
#include "db/pager.h"
#include "state.h"
#include "voucher.h"

struct pvoucher {
	long long		 id, partner_uin, customer_uin, template_id;
	long long		 face, balance, min_amount;
	long long		 associated;	/* Type II: its trial voucher */
	long long		 queue_key;	/* its place in the review queue */
	enum pv_type		 type;
	enum approval		 approval;
	enum voucher_status	 status;	/* effective */
	enum voucher_scope	 scope;
	const char		*name, *products, *billing, *reason;
	const char		*partner_name, *product_names;
	int			 valid_days;
	time_t			 valid_from, valid_to, created_at, reviewed_at;
};

struct pvfilter {
	long long	 partner;	/* 0: any (admin) */
	long long	 customer;	/* 0: any */
	int		 type;		/* an enum pv_type, or -1 */
	int		 approval;	/* an enum approval, or -1 */
	int		 status;	/* an enum voucher_status, or -1 */
	int		 balance;	/* 1 nonzero, 0 zero, -1 any */
	int		 review;	/* the review queue: pending first */
};

/* What an admin issues as a Type I. */
struct pv_spec {
	long long		 partner, amount;
	enum voucher_scope	 scope;		/* include or exclude */
	const char		*products, *billing;
	int			 valid_days;
};

/* An order to offset, inside its payment's transaction. */
struct pv_terms {
	long long	 partner, customer, order_id, amount;
	const char	*product, *billing;
	long long	 prefer;	/* an associated Type II to take first, or 0 */
};

enum kq_outcome	pv_list(struct db *, struct arena *, const struct pvfilter *,
		    struct pager *, struct pvoucher **, size_t *);
/* How many of the partner's applications wait for review (to
 * PAGER_COUNTED + 1: more is "10,000+"). */
enum kq_outcome	pv_waiting(struct db *, long long partner, long long *count);
/* The partner's Type II approved or rejected since then, newest decision
 * first, at most PV_DECISIONS. */
#define PV_DECISIONS	40
enum kq_outcome	pv_decisions(struct db *, struct arena *, long long partner,
		    time_t since, struct pvoucher **, size_t *);
/* partner 0 (the backend) reads any partner's; else another's is
 * KQ_NOT_FOUND. */
enum kq_outcome	pv_get(struct db *, struct arena *, long long partner,
		    long long id, struct pvoucher *);
enum kq_outcome	pv_ledger(struct db *, struct arena *, long long id,
		    struct ledger_row **, size_t *);

/* What pv_issue() would do with spec, without doing it (issue 31: the
 * confirmation names the partner and the sum): KQ_INVALID_FIELD with *bad
 * as pv_issue() has it; *needs_approval when above approval_cap. */
enum kq_outcome	pv_issue_plan(struct db *, struct arena *, const struct pv_spec *,
		    struct partner *, int *needs_approval, const char **bad);
/* The partner applies for a Type II from its template for one of its
 * customers (KQ_INVALID_FIELD "uin" otherwise; amount 0: the template's
 * face); pending review.  Audited. */
enum kq_outcome	pv_apply(struct db *, struct arena *, const struct principal *,
		    const char *ip, long long template_id, long long customer,
		    long long amount, long long *id, const char **bad);
/* KQ_REVIEW_STATE unless pending.  Audited. */
enum kq_outcome	pv_cancel(struct db *, struct arena *, const struct principal *,
		    const char *ip, long long id);
enum kq_outcome	pv_approve(struct db *, struct arena *, const struct principal *,
		    const char *ip, long long id);
/* reason is required (KQ_INVALID_FIELD) and shown to the partner. */
enum kq_outcome	pv_reject(struct db *, struct arena *, const struct principal *,
		    const char *ip, long long id, const char *reason);
/* An admin issues a Type I; KQ_INVALID_FIELD with *bad.  Above
 * approval_cap (SPEC §11) nothing is made: KQ_APPROVAL_PENDING, with *id
 * the approval request's. */
enum kq_outcome	pv_issue(struct db *, struct arena *, const struct principal *,
		    const char *ip, const struct pv_spec *, long long *id,
		    const char **bad);
/* The Type I an approved request asked for (its payload), with no cap:
 * inside the approval's transaction (approval_make.c). */
enum kq_outcome	pv_issue_approved(struct db *, struct arena *,
		    const struct principal *, const char *ip, const char *payload,
		    long long *id, const char **bad);
/* The partner (me a member: its own) or an admin invalidates a Type I or an
 * approved Type II; a Type II's trial vouchers are withdrawn with it, or
 * KQ_VOUCHER_STATE with *order the unpaid order one is frozen for. */
enum kq_outcome	pv_invalidate(struct db *, struct arena *, const struct principal *,
		    const char *ip, long long id, long long *order);

/* Inside a payment's transaction: picks the partner voucher that offsets
 * the order (SPEC §6) and deducts min(balance, amount) from it; *id 0 and
 * *deducted 0 when none fits. */
enum kq_outcome	pv_deduct(struct db *, struct arena *, const struct pv_terms *,
		    const char *actor, long long *id, long long *deducted);

#endif
