/*
 * voucher_redeem.h - redeeming a code (兑换, SPEC §5): a member enters an
 * 18-digit code, sees the voucher, confirms; it becomes available in the
 * account.  Unknown codes count toward the brute-force limits (SPEC §2).
 */
#ifndef KQ_VOUCHER_REDEEM_H
#define KQ_VOUCHER_REDEEM_H

#include "auth.h"
#include "voucher.h"

/* The code's voucher if it can be redeemed now (code normalised). */
enum kq_outcome	redeem_lookup(struct db *, struct arena *, long long uin,
		    const char *ip, const char *code, struct voucher *);
enum kq_outcome	redeem_confirm(struct db *, struct arena *, const struct principal *,
		    const char *ip, const char *code, long long *voucher_id);

#endif
