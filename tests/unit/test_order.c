/* test_order.c - orders against the test database: the actions each state
 * allows, confirm with a voucher, pay, cancel, the payment window shown
 * without a write and written by the time-out, refund, the fault walk. */
#include "dbtest.h"
#include "order.h"
#include "voucher.h"
#include "voucher_issue.h"
#include "voucher_template.h"

static const char SQL_OVERDUE[] =
    "UPDATE orders SET pay_by = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE id = ?";
static const char SQL_STORED[] =
    "SELECT status = 'confirmed' FROM orders WHERE id = ?";

/* A voucher of a new template in m's account; its id. */
static long long
voucher_new(const struct principal *m, enum balance_mode mode, long long face)
{
	struct principal	 admin;
	struct template_spec	 t;
	struct voucher		*v;
	struct vfilter		 f = { 0, VS_AVAILABLE, 0, 0 };
	struct pager	 pg = { .page = 1 };
	const char		*bad;
	long long		 tid, id;
	size_t			 n;

	new_admin(&admin);
	memset(&t, 0, sizeof(t));
	t.name = "订单测试";
	t.face = face;
	t.mode = mode;
	t.scope = SCOPE_ALL;
	t.products = t.scenarios = "";
	t.billing = "prepaid";
	t.valid_days = 30;
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &tid, &bad), KQ_OK);
	assert_int_equal(voucher_issue(tdb, &ta, &admin, "", tid, IM_TARGETED,
	    arena_printf(&ta, "%lld", m->uin), 0, 0, &id, &bad), KQ_OK);
	f.uin = m->uin;
	f.template_id = tid;
	assert_int_equal(voucher_list(tdb, &ta, &f, &pg, &v, &n), KQ_OK);
	assert_int_equal(n, 1);
	return v[0].id;
}

static long long
order_new(const struct principal *m, long long amount)
{
	long long id;

	assert_int_equal(order_create(tdb, m->uin, "cvm", "prepaid", "purchase",
	    amount, 1, &id), KQ_OK);
	return id;
}

static void
actions_by_state(void **state)
{
	(void)state;
	assert_int_equal(order_actions(OS_PENDING), OA_CONFIRM | OA_CANCEL);
	assert_int_equal(order_actions(OS_CONFIRMED), OA_PAY | OA_CANCEL);
	assert_int_equal(order_actions(OS_AWAITING_PAYMENT), OA_PAY | OA_CANCEL);
	assert_int_equal(order_actions(OS_PAID), OA_REFUND);
	assert_int_equal(order_actions(OS_CANCELLED), 0);
	assert_int_equal(order_actions(OS_REFUNDED), 0);
	assert_true(voucher_can_invalidate(VS_AVAILABLE));
	assert_false(voucher_can_invalidate(VS_FROZEN));
}

static void
confirm_pay_and_single_use_forfeits(void **state)
{
	struct principal m, adm;
	struct order	 o;
	struct voucher	*c, v;
	long long	 vid, oid;
	size_t		 n;
	(void)state;

	new_member(&m);
	assert_int_equal(order_create(tdb, m.uin, "nosuch", "prepaid", "purchase",
	    100, 0, &oid), KQ_INVALID_FIELD);
	vid = voucher_new(&m, BM_SINGLE_USE, 10000);
	oid = order_new(&m, 6000);
	assert_int_equal(order_get(tdb, &ta, m.uin, oid, &o), KQ_OK);
	assert_int_equal(o.status, OS_PENDING);
	assert_int_equal(o.instance, IS_NONE);
	assert_int_equal(order_candidates(tdb, &ta, &o, 0, &c, &n), KQ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].id, vid);
	assert_int_equal(c[0].deduct, 6000);
	assert_int_equal(order_confirm(tdb, &ta, m.uin, oid, &(struct order_choice){ .voucher_id = vid }), KQ_OK);
	assert_int_equal(order_confirm(tdb, &ta, m.uin, oid, &(struct order_choice){ .voucher_id = 0 }), KQ_ORDER_STATE);
	assert_int_equal(voucher_get(tdb, &ta, m.uin, vid, &v), KQ_OK);
	assert_int_equal(v.status, VS_FROZEN);
	assert_int_equal(order_pay(tdb, &ta, m.uin, oid), KQ_OK);
	assert_int_equal(order_pay(tdb, &ta, m.uin, oid), KQ_ORDER_STATE);
	assert_int_equal(order_get(tdb, &ta, m.uin, oid, &o), KQ_OK);
	assert_int_equal(o.status, OS_PAID);
	assert_int_equal(o.voucher_amount, 6000);
	assert_int_equal(o.cash, 0);
	/* seed 000: single use, the remaining ¥40 is forfeited */
	assert_int_equal(voucher_get(tdb, &ta, m.uin, vid, &v), KQ_OK);
	assert_int_equal(v.status, VS_USED);
	assert_int_equal(v.balance, 0);
	/* no cash paid: nothing for the member to ask back */
	assert_int_equal(order_refund_request(tdb, &ta, m.uin, oid, "x"),
	    KQ_ORDER_STATE);
	new_admin(&adm);
	assert_int_equal(order_refund_reject(tdb, &ta, &adm, "", oid, "no"),
	    KQ_ORDER_STATE);	/* nothing was asked */
	assert_int_equal(order_refund(tdb, &ta, &adm, "", oid, ""), KQ_OK);
	assert_int_equal(order_refund(tdb, &ta, &adm, "", oid, ""),
	    KQ_ORDER_STATE);
	assert_int_equal(voucher_get(tdb, &ta, m.uin, vid, &v), KQ_OK);
	assert_int_equal(v.balance, 0);		/* cash only (SPEC §5) */
}

static void
the_window_is_shown_without_a_write(void **state)
{
	struct principal m;
	struct order	 o;
	struct voucher	 v;
	long long	 vid, oid, oid2;
	int		 n;
	(void)state;

	new_member(&m);
	vid = voucher_new(&m, BM_CARRY_OVER, 10000);
	oid = order_new(&m, 3000);
	assert_int_equal(order_confirm(tdb, &ta, m.uin, oid, &(struct order_choice){ .voucher_id = vid }), KQ_OK);
	assert_int_equal(db_exec(tdb, SQL_OVERDUE, &DB_INT(oid), 1, NULL, NULL), KQ_OK);
	/* reads show the effective state and write nothing */
	assert_int_equal(order_get(tdb, &ta, m.uin, oid, &o), KQ_OK);
	assert_int_equal(o.status, OS_CANCELLED);
	assert_int_equal(o.stored, OS_CONFIRMED);
	assert_int_equal(voucher_get(tdb, &ta, m.uin, vid, &v), KQ_OK);
	assert_int_equal(v.status, VS_AVAILABLE);
	assert_int_equal(count(SQL_STORED, oid), 1);
	/* a change of the account's orders writes the time-out first */
	oid2 = order_new(&m, 2000);
	assert_int_equal(order_confirm(tdb, &ta, m.uin, oid2, &(struct order_choice){ .voucher_id = vid }), KQ_OK);
	assert_int_equal(count(SQL_STORED, oid), 0);
	assert_int_equal(order_pay(tdb, &ta, m.uin, oid), KQ_ORDER_STATE);
	assert_int_equal(count("SELECT COUNT(*) FROM voucher_ledger WHERE"
	    " voucher_id = ? AND kind = 'release'", vid), 1);
	/* the sweep: nothing more for this account */
	assert_int_equal(orders_time_out(tdb, &ta, m.uin, &n), KQ_OK);
	assert_int_equal(n, 0);
	assert_int_equal(order_cancel(tdb, &ta, m.uin, oid2), KQ_OK);
	assert_int_equal(voucher_get(tdb, &ta, m.uin, vid, &v), KQ_OK);
	assert_int_equal(v.status, VS_AVAILABLE);
	assert_int_equal(v.balance, 10000);
}

struct confirm_call {
	struct principal	m;
	long long		oid, vid;
};

static enum kq_outcome
confirm_call(void *arg)
{
	struct confirm_call *c = arg;

	return order_confirm(tdb, &ta, c->m.uin, c->oid, &(struct order_choice){ .voucher_id = c->vid });
}

static void
a_failed_confirm_writes_nothing(void **state)
{
	struct confirm_call	c;
	int			pass;
	(void)state;

	for (pass = 0; pass < 2; pass++) {	/* memory, then the database */
		new_member(&c.m);
		c.vid = voucher_new(&c.m, BM_CARRY_OVER, 10000);
		c.oid = order_new(&c.m, 3000);
		if (pass == 0)
			assert_true(walk(confirm_call, &c) > 0);
		else
			walk_db(confirm_call, &c);
		assert_int_equal(count("SELECT COUNT(*) FROM voucher_ledger WHERE"
		    " voucher_id = ? AND kind = 'freeze'", c.vid), 1);
		assert_int_equal(count(SQL_STORED, c.oid), 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(actions_by_state),
		cmocka_unit_test(confirm_pay_and_single_use_forfeits),
		cmocka_unit_test(the_window_is_shown_without_a_write),
		cmocka_unit_test(a_failed_confirm_writes_nothing),
	};
	return cmocka_run_group_tests_name("order", tests, db_setup, db_teardown);
}
