/* test_partner_voucher.c - partner vouchers against the test database
 * (SPEC §6): a reseller must be a partner, application and review, the
 * pick of a charge's voucher, refund, withdraw and invalidate, and the
 * fault walks of approval and of a partner customer's payment. */
#include "dbtest.h"
#include "order.h"
#include "partner_voucher.h"
#include "voucher.h"
#include "voucher_issue.h"
#include "voucher_template.h"

/* A partner template of p; its id. */
static long long
ptemplate(const struct principal *p, long long face, int days)
{
	struct template_spec	 t;
	const char		*bad;
	long long		 id;

	memset(&t, 0, sizeof(t));
	t.kind = TK_PARTNER;
	t.owner = p->uin;
	t.name = "试用";
	t.face = face;
	t.mode = BM_CARRY_OVER;
	t.scope = SCOPE_EXCLUDE;
	t.products = t.scenarios = "";
	t.billing = "prepaid";
	t.valid_days = days;
	assert_int_equal(template_save(tdb, &ta, p, "", &t, &id, &bad), KQ_OK);
	return id;
}

static long long
type1(long long partner, long long amount, int days)
{
	struct principal	 admin;
	struct pv_spec		 s = { partner, amount, SCOPE_EXCLUDE, "", "prepaid", days };
	const char		*bad;
	long long		 id;

	new_admin(&admin);
	assert_int_equal(pv_issue(tdb, &ta, &admin, "", &s, &id, &bad), KQ_OK);
	return id;
}

static long long
paid_order(const struct principal *m, long long amount, long long voucher)
{
	long long id;

	assert_int_equal(order_create(tdb, m->uin, "cvm", "prepaid", "purchase",
	    amount, 1, &id), KQ_OK);
	assert_int_equal(order_confirm(tdb, &ta, m->uin, id, &(struct order_choice){ .voucher_id = voucher }), KQ_OK);
	assert_int_equal(order_pay(tdb, &ta, m->uin, id), KQ_OK);
	return id;
}

static const char SQL_CHARGE_VOUCHER[] =
    "SELECT IFNULL(voucher_id, 0) FROM partner_charges WHERE order_id = ?";
static const char SQL_CHARGE_PART[] =
    "SELECT voucher_amount FROM partner_charges WHERE order_id = ?";
static const char SQL_TRIALS[] =
    "SELECT COUNT(*) FROM vouchers WHERE partner_voucher_id = ?";
static const char SQL_TRIAL[] =
    "SELECT id FROM vouchers WHERE partner_voucher_id = ?";
static const char SQL_CHARGES[] =
    "SELECT COUNT(*) FROM partner_charges WHERE order_id = ?";

static void
reseller_must_be_a_partner(void **state)
{
	struct principal m, p;
	(void)state;

	new_member(&m);
	new_account(&p, 0, 1);
	assert_int_equal(account_add(tdb, 500000000000LL + unique(), "x", m.uin, 0),
	    KQ_INVALID_FIELD);
	assert_int_equal(account_add(tdb, 500000000000LL + unique(), "x", p.uin, 0),
	    KQ_OK);
	assert_int_equal(partner_has_customer(tdb, p.uin, m.uin), KQ_NOT_FOUND);
}

static void
application_and_review(void **state)
{
	struct principal p, c, other, admin;
	struct pvoucher	 v;
	const char	*bad;
	long long	 tid, id, order;
	(void)state;

	new_account(&p, 0, 1);
	new_account(&c, p.uin, 0);
	new_member(&other);
	new_admin(&admin);
	tid = ptemplate(&p, 50000, 30);
	assert_int_equal(pv_apply(tdb, &ta, &p, "", tid, other.uin, 0, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "uin");
	assert_int_equal(pv_apply(tdb, &ta, &other, "", tid, c.uin, 0, &id, &bad),
	    KQ_NOT_FOUND);	/* not its template */
	assert_int_equal(pv_apply(tdb, &ta, &p, "", tid, c.uin, 0, &id, &bad), KQ_OK);
	assert_int_equal(pv_get(tdb, &ta, p.uin, id, &v), KQ_OK);
	assert_int_equal(v.approval, AP_PENDING);
	assert_int_equal(v.status, VS_UNACTIVATED);
	assert_int_equal(v.face, 50000);
	assert_int_equal(pv_get(tdb, &ta, other.uin, id, &v), KQ_NOT_FOUND);
	assert_int_equal(pv_invalidate(tdb, &ta, &p, "", id, &order), KQ_VOUCHER_STATE);
	assert_int_equal(pv_reject(tdb, &ta, &admin, "", id, ""), KQ_INVALID_FIELD);
	assert_int_equal(pv_reject(tdb, &ta, &admin, "", id, "资料不全"), KQ_OK);
	assert_int_equal(pv_approve(tdb, &ta, &admin, "", id), KQ_REVIEW_STATE);
	assert_int_equal(pv_cancel(tdb, &ta, &p, "", id), KQ_REVIEW_STATE);
	assert_int_equal(pv_get(tdb, &ta, p.uin, id, &v), KQ_OK);
	assert_string_equal(v.reason, "资料不全");
	assert_int_equal(count(SQL_TRIALS, id), 0);
}

struct approve_ctx {
	struct principal	*admin;
	long long		 id;
};

static enum kq_outcome
approve_call(void *arg)
{
	struct approve_ctx *c = arg;

	return pv_approve(tdb, &ta, c->admin, "", c->id);
}

static void
approval_walk_issues_one_trial(void **state)
{
	struct principal p, c, admin;
	struct approve_ctx x = { &admin, 0 };
	struct pvoucher	 v;
	struct voucher	 t;
	const char	*bad;
	long long	 tid;
	(void)state;

	new_account(&p, 0, 1);
	new_account(&c, p.uin, 0);
	new_admin(&admin);
	tid = ptemplate(&p, 20000, 10);
	assert_int_equal(pv_apply(tdb, &ta, &p, "", tid, c.uin, 30000, &x.id, &bad),
	    KQ_OK);
	assert_true(walk(approve_call, &x) > 0);
	assert_int_equal(count(SQL_TRIALS, x.id), 1);
	assert_int_equal(pv_approve(tdb, &ta, &admin, "", x.id), KQ_REVIEW_STATE);

	assert_int_equal(pv_apply(tdb, &ta, &p, "", tid, c.uin, 0, &x.id, &bad), KQ_OK);
	walk_db(approve_call, &x);
	assert_int_equal(count(SQL_TRIALS, x.id), 1);	/* failures committed nothing */
	assert_int_equal(pv_get(tdb, &ta, 0, x.id, &v), KQ_OK);
	assert_int_equal(v.status, VS_AVAILABLE);
	assert_int_equal(v.valid_to - v.valid_from, 10 * 86400);
	assert_int_equal(voucher_get(tdb, &ta, c.uin, count(SQL_TRIAL, x.id), &t), KQ_OK);
	assert_int_equal(t.purpose, PUR_TRIAL);
	assert_int_equal(t.face, 20000);
	assert_int_equal(t.valid_to, v.valid_to);
	assert_int_equal(t.associated, x.id);
}

struct pay_ctx {
	struct principal	*m;
	long long		 order;
};

static enum kq_outcome
pay_call(void *arg)
{
	struct pay_ctx *c = arg;

	return order_pay(tdb, &ta, c->m->uin, c->order);
}

static void
the_pick_and_the_pay_walk(void **state)
{
	struct principal p, a, b, admin;
	struct pay_ctx	 x = { &a, 0 };
	struct pvoucher	 v;
	const char	*bad;
	long long	 t1, t1b, t2, trial, order;
	(void)state;

	new_account(&p, 0, 1);
	new_account(&a, p.uin, 0);
	new_account(&b, p.uin, 0);
	new_admin(&admin);
	t1 = type1(p.uin, 5000, 100);
	t1b = type1(p.uin, 3000, 100);	/* same expiry day, smaller balance */
	assert_int_equal(pv_apply(tdb, &ta, &p, "", ptemplate(&p, 4000, 200), a.uin,
	    0, &t2, &bad), KQ_OK);
	assert_int_equal(pv_approve(tdb, &ta, &admin, "", t2), KQ_OK);
	trial = count(SQL_TRIAL, t2);
	/* b: the Type I ending first, the smaller of equals */
	db_exec(tdb, "UPDATE partner_vouchers SET valid_to = (SELECT valid_to FROM"
	    " (SELECT valid_to FROM partner_vouchers WHERE id = ?) x) WHERE id = ?",
	    (struct db_arg[]){ DB_INT(t1), DB_INT(t1b) }, 2, NULL, NULL);
	order = paid_order(&b, 1000, 0);
	assert_int_equal(count(SQL_CHARGE_VOUCHER, order), t1b);
	/* a: its Type II before any Type I, though the Type II ends later */
	assert_int_equal(order_create(tdb, a.uin, "cvm", "prepaid", "purchase",
	    2500, 1, &x.order), KQ_OK);
	assert_int_equal(order_confirm(tdb, &ta, a.uin, x.order, &(struct order_choice){ .voucher_id = trial }), KQ_OK);
	assert_true(walk(pay_call, &x) > 0);
	assert_int_equal(count(SQL_CHARGES, x.order), 1);
	assert_int_equal(count(SQL_CHARGE_VOUCHER, x.order), t2);
	assert_int_equal(count(SQL_CHARGE_PART, x.order), 2500);
	/* the rest of the Type II, then cash: one voucher per charge */
	assert_int_equal(order_create(tdb, a.uin, "cvm", "prepaid", "purchase",
	    2000, 1, &x.order), KQ_OK);
	assert_int_equal(order_confirm(tdb, &ta, a.uin, x.order, &(struct order_choice){ .voucher_id = 0 }), KQ_OK);
	walk_db(pay_call, &x);
	assert_int_equal(count(SQL_CHARGES, x.order), 1);
	assert_int_equal(count(SQL_CHARGE_VOUCHER, x.order), t2);
	assert_int_equal(count(SQL_CHARGE_PART, x.order), 1500);
	assert_int_equal(pv_get(tdb, &ta, p.uin, t2, &v), KQ_OK);
	assert_int_equal(v.balance, 0);
	assert_int_equal(v.status, VS_USED);
	/* refund: the charge too, cash only */
	assert_int_equal(order_refund(tdb, &ta, &admin, "", x.order, ""), KQ_OK);
	assert_int_equal(count("SELECT status = 'refunded' FROM partner_charges"
	    " WHERE order_id = ?", x.order), 1);
	assert_int_equal(pv_get(tdb, &ta, p.uin, t2, &v), KQ_OK);
	assert_int_equal(v.balance, 0);
	(void)t1;
}

static void
withdraw_and_invalidate(void **state)
{
	struct principal p, a, admin;
	struct template_spec t;
	struct voucher	 v;
	const char	*bad;
	long long	 ctid, vid, t2, trial, order, o;
	(void)state;

	new_account(&p, 0, 1);
	new_account(&a, p.uin, 0);
	new_admin(&admin);
	memset(&t, 0, sizeof(t));
	t.kind = TK_CUSTOMER;
	t.owner = p.uin;
	t.name = "优惠";
	t.face = 1000;
	t.mode = BM_CARRY_OVER;
	t.scope = SCOPE_ALL;
	t.products = t.scenarios = "";
	t.billing = "prepaid";
	t.valid_days = 5;
	assert_int_equal(template_save(tdb, &ta, &p, "", &t, &ctid, &bad), KQ_OK);
	assert_int_equal(voucher_issue_customer(tdb, &ta, &p, "", ctid, a.uin, 0,
	    &vid, &bad), KQ_OK);
	assert_int_equal(voucher_get_of_partner(tdb, &ta, p.uin, vid, &v), KQ_OK);
	assert_int_equal(v.purpose, PUR_DISCOUNT);
	assert_int_equal(voucher_withdraw(tdb, &ta, &a, "", vid), KQ_NOT_FOUND);
	assert_int_equal(voucher_withdraw(tdb, &ta, &p, "", vid), KQ_OK);
	assert_int_equal(voucher_withdraw(tdb, &ta, &p, "", vid), KQ_VOUCHER_STATE);
	t.id = ctid;
	assert_int_equal(template_save(tdb, &ta, &p, "", &t, &ctid, &bad),
	    KQ_TEMPLATE_LOCKED);
	/* a Type II with its trial frozen on an unpaid order */
	assert_int_equal(pv_apply(tdb, &ta, &p, "", ptemplate(&p, 500, 9), a.uin, 0,
	    &t2, &bad), KQ_OK);
	assert_int_equal(pv_approve(tdb, &ta, &admin, "", t2), KQ_OK);
	trial = count(SQL_TRIAL, t2);
	assert_int_equal(voucher_withdraw(tdb, &ta, &p, "", trial), KQ_VOUCHER_STATE);
	assert_int_equal(order_create(tdb, a.uin, "cvm", "prepaid", "purchase",
	    100, 1, &o), KQ_OK);
	assert_int_equal(order_confirm(tdb, &ta, a.uin, o, &(struct order_choice){ .voucher_id = trial }), KQ_OK);
	assert_int_equal(pv_invalidate(tdb, &ta, &p, "", t2, &order), KQ_VOUCHER_STATE);
	assert_int_equal(order, o);
	assert_int_equal(order_cancel(tdb, &ta, a.uin, o), KQ_OK);
	assert_int_equal(pv_invalidate(tdb, &ta, &admin, "", t2, &order), KQ_OK);
	assert_int_equal(voucher_get(tdb, &ta, a.uin, trial, &v), KQ_OK);
	assert_int_equal(v.status, VS_WITHDRAWN);
	assert_int_equal(pv_invalidate(tdb, &ta, &p, "", t2, &order), KQ_VOUCHER_STATE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reseller_must_be_a_partner),
		cmocka_unit_test(application_and_review),
		cmocka_unit_test(approval_walk_issues_one_trial),
		cmocka_unit_test(the_pick_and_the_pay_walk),
		cmocka_unit_test(withdraw_and_invalidate),
	};

	return cmocka_run_group_tests(tests, db_setup, db_teardown);
}
