/*
 * order_confirm.c - what pays an order (SPEC §5, §10): the vouchers and
 * coupons that fit it, a promo code previewed, and the confirmation that
 * freezes the voucher and the coupon, or reserves the promo code's use, in
 * one transaction with the order row locked first.  Part of the order
 * module: it writes orders as order.c does.
 */
#include <string.h>

#include "order.h"
#include "order_int.h"
#include "ratelimit.h"

static const char SQL_ORDER_CONFIRM[] =
    "UPDATE orders SET status = 'confirmed', voucher_id = ?, voucher_amount = ?,"
    " discount = ?, discount_campaign_id = ?, coupon_id = ?,"
    " cash = amount - card_amount - ? - ?, pay_by = " PAYMENT_DEADLINE_SQL
    " WHERE id = ?";
/* A promo code alone: the order, still pending, takes its discount. */
static const char SQL_ORDER_CONFIRM_PROMO[] =
    "UPDATE orders SET status = 'confirmed', voucher_id = NULL,"
    " voucher_amount = 0, discount = ?, discount_campaign_id = ?,"
    " coupon_id = NULL, cash = amount - card_amount - ?, pay_by = "
    PAYMENT_DEADLINE_SQL " WHERE id = ? AND uin = ? AND status = 'pending'";
/* What a voucher must fit after a discount of off (SPEC §10: its minimum
 * on the price, its deduction at most what is left). */
static struct order_terms
terms_of(const struct order *o, long long off)
{
	struct order_terms t = { o->product, o->billing, o->scenario,
	    o->amount - off, o->amount - o->card_amount - off, o->months };

	return t;
}

/* What a discount must fit: the order as it is. */
static struct discount_terms
discount_terms_of(const struct order *o)
{
	struct discount_terms t = { o->product, o->billing, o->scenario,
	    o->amount, o->uin, o->id };

	return t;
}

enum kq_outcome
order_candidates(struct db *db, struct arena *a, const struct order *o,
    long long off, struct voucher **out, size_t *n)
{
	struct order_terms t = terms_of(o, off);

	*n = 0;
	*out = NULL;
	if (!(order_actions(o->status) & OA_CONFIRM))
		return KQ_OK;	/* only a pending order chooses a voucher */
	return voucher_match(db, a, o->uin, &t, 0, out, n);
}

enum kq_outcome
order_coupons(struct db *db, struct arena *a, const struct order *o,
    struct coupon **out, size_t *n)
{
	struct discount_terms t = discount_terms_of(o);

	*n = 0;
	*out = NULL;
	if (!(order_actions(o->status) & OA_CONFIRM))
		return KQ_OK;
	return coupons_for_order(db, a, &t, out, n);
}

/* The promo code for the order; an unknown one is counted as a failed
 * attempt (SPEC §10, §2), its own statement: it stays whatever follows. */
static enum kq_outcome
promo_look_up(struct db *db, struct arena *a, const struct order *o,
    const char *code, const char *ip, int to_use, struct campaign *c)
{
	struct discount_terms	t = discount_terms_of(o);
	enum kq_outcome		s;

	if ((s = attempts_check(db, a, "promo", o->uin, ip)) != KQ_OK)
		return s;
	s = campaign_for_promo(db, a, code, &t, to_use, c);
	if (s != KQ_NOT_FOUND)
		return s;
	if ((s = attempts_fail(db, "promo", o->uin, ip)) != KQ_OK)
		return s;
	return KQ_PROMO_UNKNOWN;
}

enum kq_outcome
order_promo_preview(struct db *db, struct arena *a, const struct order *o,
    const char *code, const char *ip, struct campaign *c)
{
	if (!(order_actions(o->status) & OA_CONFIRM))
		return KQ_ORDER_STATE;
	return promo_look_up(db, a, o, code, ip, 0, c);
}

enum kq_outcome
order_unfit(struct db *db, struct arena *a, const struct order *o,
    struct voucher **out, size_t *n)
{
	struct order_terms t = terms_of(o, 0);

	*n = 0;
	*out = NULL;
	if (!(order_actions(o->status) & OA_CONFIRM))
		return KQ_OK;
	return voucher_unfit(db, a, o->uin, &t, out, n);
}

struct confirm_ctx {
	long long		 uin, order_id;
	struct order_choice	*ch;
};

/* The discount the choice takes from order o: *c (id 0: none) and what
 * it takes off, or KQ_DISCOUNT_NOT_APPLICABLE with ch->why. */
static enum kq_outcome
discount_choose(struct db *db, struct arena *a, const struct order *o,
    struct order_choice *ch, struct campaign *c)
{
	struct discount_terms	t = discount_terms_of(o);
	struct coupon		k;
	enum kq_outcome		s;

	memset(c, 0, sizeof(*c));
	if (ch->coupon_id) {
		if ((s = coupon_for_order(db, a, &t, ch->coupon_id, &k)) != KQ_OK)
			return s;
		*c = k.c;
		c->id = k.campaign_id;
	} else if (ch->promo_code != NULL &&
	    (s = campaign_for_promo(db, a, ch->promo_code, &t, 1, c)) != KQ_OK)
		return s == KQ_NOT_FOUND ? KQ_PROMO_UNKNOWN : s;
	if (c->id && c->unfit != DU_FITS) {
		ch->why = c->unfit;
		return KQ_DISCOUNT_NOT_APPLICABLE;
	}
	return KQ_OK;
}

/* A take of a campaign refused: the order's answer, and why. */
static enum kq_outcome
take_refused(struct order_choice *ch, enum kq_outcome s)
{
	if (s != KQ_CAMPAIGN_EXHAUSTED && s != KQ_CLAIM_LIMIT)
		return s;
	ch->why = s == KQ_CLAIM_LIMIT ? DU_ACCOUNT_LIMIT : DU_EXHAUSTED;
	return KQ_DISCOUNT_NOT_APPLICABLE;
}

static enum kq_outcome
confirm_txn(struct db *db, struct arena *a, void *arg)
{
	struct confirm_ctx	*x = arg;
	struct order_choice	*ch = x->ch;
	struct db_arg		 args[8];
	struct order		 o;
	struct order_terms	 t;
	struct discount_terms	 dt;
	struct campaign		 c;
	struct voucher		*v;
	size_t			 n;
	long long		 deduct = 0;
	int			 slot = 0;
	char			 buf[ACTOR_BUFSZ];
	enum kq_outcome		 s;

	/* the order row is locked first: two confirms of one order serialise */
	if ((s = order_lock(db, a, x->uin, x->order_id, &o)) != KQ_OK)
		return s;
	if (!(order_actions(o.status) & OA_CONFIRM))
		return KQ_ORDER_STATE;
	/* SPEC §10: the discount comes off first, the voucher fits the price */
	if ((s = discount_choose(db, a, &o, ch, &c)) != KQ_OK)
		return s;
	if (ch->voucher_id) {
		t = terms_of(&o, c.off);
		if ((s = voucher_match(db, a, x->uin, &t, ch->voucher_id, &v,
		    &n)) != KQ_OK)
			return s;
		if (n == 0)
			return KQ_VOUCHER_NOT_APPLICABLE;
		deduct = v[0].deduct;
		if ((s = voucher_freeze(db, x->uin, ch->voucher_id, x->order_id,
		    actor_of(buf, x->uin))) != KQ_OK)
			return s;
	}
	args[0] = ch->voucher_id ? DB_INT(ch->voucher_id) : DB_NULL;
	args[1] = DB_INT(deduct);
	args[2] = DB_INT(c.off);
	args[3] = c.id ? DB_INT(c.id) : DB_NULL;
	args[4] = ch->coupon_id ? DB_INT(ch->coupon_id) : DB_NULL;
	args[5] = DB_INT(deduct);
	args[6] = DB_INT(c.off);
	args[7] = DB_INT(x->order_id);
	if ((s = db_exec(db, SQL_ORDER_CONFIRM, args, 8, NULL, NULL)) != KQ_OK ||
	    c.id == 0)
		return s;
	/* a promo code's limits last: the campaign's count is the row other
	 * confirmations wait for, so it is held only until the commit */
	dt = discount_terms_of(&o);
	if (ch->promo_code != NULL &&
	    (s = take_refused(ch, campaign_take(db, &c, x->uin, &slot))) != KQ_OK)
		return s;
	s = discount_reserve(db, &dt, &c, ch->coupon_id, c.off, slot);
	if (s == KQ_DISCOUNT_NOT_APPLICABLE)
		ch->why = DU_EXHAUSTED;		/* frozen for another order */
	return s;
}

/*
 * A promo code without a voucher is the busy case (a popular code, 2,000
 * confirmations a second): one CALL, the order written first (still
 * pending, or the answer is order_state), then the use, then the
 * campaign's counts last, their rows held only until the commit.  The
 * discount is the look-up's, made just before: a campaign's terms are
 * fixed from its first use (campaign.c), the order's while it is pending.
 * What it refuses (unfit, a limit, a spread limit's full slot) the
 * transaction decides, with the reason.
 */
static struct db_proc PROC_PROMO_LIMITED = DB_PROC("promo_limited");
static struct db_proc PROC_PROMO = DB_PROC("promo");

static enum kq_outcome
confirm_promo(struct db *db, const struct order *o, const struct campaign *c)
{
	struct discount_terms	t = discount_terms_of(o);
	struct db_step		st[2 + CAMPAIGN_TAKE_STEPS];
	int			slot;

	if (c->unfit != DU_FITS)
		return KQ_DISCOUNT_NOT_APPLICABLE;
	st[0] = (struct db_step){ SQL_ORDER_CONFIRM_PROMO, "iiiii", {
	    DB_INT(c->off), DB_INT(c->id), DB_INT(c->off), DB_INT(o->id),
	    DB_INT(o->uin) }, KQ_ORDER_STATE, 0 };
	campaign_take_steps(&st[2], c, o->uin, &slot);
	discount_reserve_step(&st[1], &t, c, c->off, slot);
	return db_proc_run(db, c->total_limit > 0 ? &PROC_PROMO_LIMITED :
	    &PROC_PROMO, st, 2 + CAMPAIGN_TAKE_STEPS, NULL);
}

enum kq_outcome
order_confirm(struct db *db, struct arena *a, long long uin, long long order_id,
    struct order_choice *ch)
{
	struct confirm_ctx	c = { uin, order_id, ch };
	struct order		o;
	struct campaign		pc;
	enum kq_outcome		s;

	ch->why = DU_FITS;
	if (ch->coupon_id && ch->promo_code != NULL)
		return KQ_INVALID_FIELD;	/* SPEC §10: one discount */
	/* an unknown promo code is a failed attempt, counted outside the
	 * confirmation (which it fails) */
	if (ch->promo_code != NULL &&
	    ((s = order_get(db, a, uin, order_id, &o)) != KQ_OK ||
	    (s = promo_look_up(db, a, &o, ch->promo_code, ch->ip, 1, &pc)) !=
	    KQ_OK))
		return s;
	if (ch->promo_code != NULL && !ch->voucher_id &&
	    (s = confirm_promo(db, &o, &pc)) != KQ_DISCOUNT_NOT_APPLICABLE &&
	    s != KQ_CLAIM_LIMIT && s != KQ_CAMPAIGN_EXHAUSTED)
		return s;
	/* a voucher shown as back from a timed-out order must be back (and
	 * this account's use of the code held by one, given back) */
	if ((s = orders_time_out(db, a, uin, NULL)) != KQ_OK)
		return s;
	return db_txn(db, a, confirm_txn, &c);
}
