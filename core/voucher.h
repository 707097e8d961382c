/*
 * voucher.h - vouchers (代金券, SPEC §3 and §5, seeds 000 and 001).
 *
 * Admins write templates and issue them: straight into accounts (targeted)
 * or as 18-digit redemption codes.  Members redeem codes, see their
 * vouchers and pay orders with one voucher each.  Every change of a
 * voucher's balance or status writes a ledger row in the same transaction.
 */
#ifndef KQ_VOUCHER_H
#define KQ_VOUCHER_H

#include <time.h>

#include "arena.h"
#include "auth.h"
#include "db.h"
#include "page.h"

#define ISSUE_CODES_MAX		100000
#define ISSUE_UINS_MAX		1000
#define PAYMENT_WINDOW_MIN	30

struct vtemplate {
	long long	 id;
	const char	*name, *balance_mode, *scope;
	const char	*products;	/* comma list of product codes */
	const char	*scenarios;	/* comma list; "" = every eligible one */
	const char	*billing;	/* comma list */
	long long	 face, min_amount;
	int		 min_months;
	time_t		 valid_from, valid_to;	/* 0 with valid_days */
	int		 valid_days;
	int		 issued;
	time_t		 created_at;
};

struct voucher {
	long long	 id, template_id, issue_id, uin, order_id;
	const char	*name, *code, *status, *scope, *products, *balance_mode;
	const char	*product_names;	/* of products, in words */
	long long	 face, balance, deduct;	/* deduct: for a candidate */
	time_t		 valid_from, valid_to, created_at;
};

struct ledger_row {
	long long	 id, order_id, amount, balance;
	const char	*kind, *status, *actor;
	time_t		 time;
};

struct issue_outcome {
	long long	 uin;
	const char	*result;	/* "issued" or "unknown_uin" */
};

struct vfilter {
	long long	 uin;		/* 0: any (admin) */
	const char	*status;	/* "" or "all": any */
	long long	 template_id;	/* 0: any */
	time_t		 valid_before;	/* 0: any; valid_to <= this */
};

/* The product catalog: codes and names, in display order. */
enum kq_status	catalog_products(struct db *, struct arena *, const char ***codes,
		    const char ***names, size_t *);
/* Templates.  bad_field names the field of a refused template. */
enum kq_status	template_save(struct db *, const struct principal *, const char *ip,
		    const struct vtemplate *, long long *id, const char **bad_field);
enum kq_status	template_get(struct db *, struct arena *, long long id,
		    struct vtemplate *);
enum kq_status	template_list(struct db *, struct arena *, struct page_info *,
		    struct vtemplate **, size_t *);

/* Issue: mode "targeted" (uins) or "codes" (count, paper).  KQ_INVALID_FIELD
 * when the template's fixed validity has already ended. */
enum kq_status	voucher_issue(struct db *, struct arena *, const struct principal *,
		    const char *ip, long long template_id, const char *mode,
		    const long long *uins, size_t nuins, int count, int paper,
		    long long *issue_id);
enum kq_status	issue_get(struct db *, struct arena *, long long issue_id,
		    long long *template_id, const char **mode, int *paper, int *count,
		    struct issue_outcome **, size_t *);
enum kq_status	issue_codes(struct db *, const struct principal *, const char *ip,
		    long long issue_id, int (*fn)(void *, const char *), void *ctx);

/* Lists and one voucher.  Statuses shown are effective: past valid_to is
 * expired whether or not a sweep has run. */
enum kq_status	voucher_list(struct db *, struct arena *, const struct vfilter *,
		    struct page_info *, struct voucher **, size_t *);
enum kq_status	voucher_get(struct db *, struct arena *, long long uin,
		    long long id, struct voucher *);
enum kq_status	voucher_ledger(struct db *, struct arena *, long long id,
		    struct ledger_row **, size_t *);
enum kq_status	voucher_invalidate(struct db *, const struct principal *,
		    const char *ip, long long id);

/* Redemption of a normalised code. */
enum kq_status	redeem_lookup(struct db *, struct arena *, long long uin,
		    const char *ip, const char *code, struct voucher *);
enum kq_status	redeem_confirm(struct db *, struct arena *, const struct principal *,
		    const char *ip, const char *code, long long *voucher_id);

/* Orders paid with vouchers. */
enum kq_status	order_create(struct db *, long long uin, const char *product,
		    const char *billing, const char *scenario, long long amount,
		    int months, long long *id);
/* The account's vouchers that fit the order, best first (SPEC §5). */
enum kq_status	order_candidates(struct db *, struct arena *, long long uin,
		    long long order_id, struct voucher **, size_t *);
/* Freezes voucher_id (0: none) for the order and confirms it. */
enum kq_status	order_confirm(struct db *, struct arena *, long long uin,
		    long long order_id, long long voucher_id);
/* Settlement, inside the order's transaction (order.c): the deduction at
 * payment, and the release when the order is cancelled or times out. */
enum kq_status	voucher_deduct(struct db *, long long voucher_id, long long order_id,
		    long long amount, const char *actor);
enum kq_status	voucher_release(struct db *, long long voucher_id,
		    long long order_id, const char *actor);
/* Writes 'expired' on vouchers past valid_to; *n gets the count. */
enum kq_status	vouchers_expire(struct db *, int *n);

#endif
