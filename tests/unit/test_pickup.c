/* test_pickup.c - the pick-up against the test database: the offer, the OS
 * rules and the surcharge, the claim once only, cancel gives the card back,
 * a used card cannot be disabled, the usage record, the fault walk. */
#include "base/codes.h"
#include "dbtest.h"
#include "order.h"
#include "pickup_batch.h"
#include "ratelimit.h"

struct cards {
	char	code[8][CARD_LEN + 1];
	int	n;
};

static int
collect(void *ctx, const char *shown)
{
	struct cards *c = ctx;

	if (c->n < 8)
		assert_int_equal(card_normalize(shown, c->code[c->n++]), 0);
	return 0;
}

/* A batch of n cards on line hk (Windows ¥50 a month), 3 months. */
static long long
cards_new(enum pickup_product product, int n, struct cards *c)
{
	struct principal	 admin;
	struct batch_spec	 sp;
	const char		*bad;
	long long		 id;

	new_admin(&admin);
	memset(&sp, 0, sizeof(sp));
	sp.product = product;
	sp.name = "提货测试";
	sp.line = "hk";
	sp.cpu = sp.memory_gb = sp.disk_gb = sp.bandwidth_mbps = 1;
	sp.months = 3;
	sp.price = 100000;
	sp.count = n;
	sp.valid_months = 1;
	assert_int_equal(batch_create(tdb, &ta, &admin, "", &sp, &id, &bad), KQ_OK);
	memset(c, 0, sizeof(*c));
	assert_int_equal(batch_codes(tdb, &admin, "", id, collect, c), KQ_OK);
	return id;
}

static void
offer_os_rules_and_surcharge(void **state)
{
	struct principal	 m;
	struct pickup_offer	 o;
	struct pickup_claim	 k;
	struct cards		 c;
	size_t			 i;
	int			 windows = 0;
	(void)state;

	new_member(&m);
	cards_new(PP_CVM, 1, &c);
	assert_int_equal(pickup_offer(tdb, &ta, m.uin, "", c.code[0], &o), KQ_OK);
	assert_true(o.nos >= 2);
	for (i = 0; i < o.nos; i++)
		if (o.os[i].family == OSF_WINDOWS) {
			assert_int_equal(o.os[i].surcharge, 3 * 5000);
			windows++;
		} else
			assert_int_equal(o.os[i].surcharge, 0);
	assert_true(windows > 0);
	assert_int_equal(pickup_check(tdb, &ta, m.uin, "", c.code[0], "", &k),
	    KQ_OS_REQUIRED);
	assert_int_equal(pickup_check(tdb, &ta, m.uin, "", c.code[0], "win2000", &k),
	    KQ_OS_INVALID);
	assert_int_equal(pickup_check(tdb, &ta, m.uin, "", c.code[0], "win2022", &k),
	    KQ_OK);
	assert_int_equal(k.surcharge, 15000);
	/* seed 004: a virtual host has no OS to choose */
	cards_new(PP_VHOST, 1, &c);
	assert_int_equal(pickup_offer(tdb, &ta, m.uin, "", c.code[0], &o), KQ_OK);
	assert_int_equal(o.nos, 0);
	assert_int_equal(pickup_check(tdb, &ta, m.uin, "", c.code[0], NULL, &k), KQ_OK);
	assert_null(k.os);
}

static void
claim_once_cancel_gives_back(void **state)
{
	struct principal	 m, other, admin;
	struct order		 o;
	struct usage		*u;
	struct pager	 pg = { .page = 1 };
	struct cards		 c;
	long long		 oid, oid2, batch;
	size_t			 n;
	(void)state;

	new_member(&m);
	new_member(&other);
	new_admin(&admin);
	cards_new(PP_CVM, 2, &c);
	/* a Linux pick-up is paid by the card and provisioned at once */
	assert_int_equal(order_pickup(tdb, &ta, &m, "", c.code[0], "debian12", &oid),
	    KQ_OK);
	assert_int_equal(order_get(tdb, &ta, m.uin, oid, &o), KQ_OK);
	assert_int_equal(o.status, OS_PAID);
	assert_int_equal(o.instance, IS_PENDING);
	assert_int_equal(order_pickup(tdb, &ta, &other, "", c.code[0], "debian12",
	    &oid2), KQ_CARD_USED);
	assert_int_equal(card_disable(tdb, &ta, &admin, "", o.card_id, 0, &batch),
	    KQ_CARD_USED);
	assert_int_equal(pickup_mine(tdb, &ta, m.uin, &pg, &u, &n), KQ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].order_id, oid);
	assert_int_equal(u[0].product, PP_CVM);

	/* Windows: the surcharge is cash due; cancelling gives the card back */
	assert_int_equal(order_pickup(tdb, &ta, &m, "", c.code[1], "win2022", &oid),
	    KQ_OK);
	assert_int_equal(order_get(tdb, &ta, m.uin, oid, &o), KQ_OK);
	assert_int_equal(o.status, OS_AWAITING_PAYMENT);
	assert_int_equal(o.cash, 15000);
	assert_int_equal(o.instance, IS_HELD);
	assert_int_equal(order_cancel(tdb, &ta, m.uin, oid), KQ_OK);
	assert_int_equal(order_get(tdb, &ta, m.uin, oid, &o), KQ_OK);
	assert_int_equal(o.instance, IS_CANCELLED);
	assert_int_equal(order_pickup(tdb, &ta, &other, "", c.code[1], "debian12",
	    &oid2), KQ_OK);
}

/* A member with a failure under the limits picks up as any other (the
 * Windows surcharge due, the instance held); over the limit a real card is
 * refused with nothing written. */
static void
a_member_with_failures_and_the_limit(void **state)
{
	struct principal	 m, guesser;
	struct order		 o;
	struct cards		 c;
	long long		 oid;
	char			 unknown[CARD_LEN + 1];
	int			 i;
	(void)state;

	new_member(&m);
	new_member(&guesser);
	cards_new(PP_CVM, 3, &c);
	assert_int_equal(attempts_fail(tdb, "pickup", m.uin, "10.3.0.1"), KQ_OK);
	assert_int_equal(order_pickup(tdb, &ta, &m, "10.3.0.1", c.code[0], "",
	    &oid), KQ_OS_REQUIRED);
	assert_int_equal(order_pickup(tdb, &ta, &m, "10.3.0.1", c.code[0],
	    "win2022", &oid), KQ_OK);
	assert_int_equal(order_get(tdb, &ta, m.uin, oid, &o), KQ_OK);
	assert_int_equal(o.status, OS_AWAITING_PAYMENT);
	assert_int_equal(o.amount, 100000 + 15000);
	assert_int_equal(o.cash, 15000);
	assert_int_equal(o.instance, IS_HELD);
	assert_int_equal(order_pickup(tdb, &ta, &m, "10.3.0.1", c.code[0],
	    "win2022", &oid), KQ_CARD_USED);

	for (i = 0; i < RL_PER_ACCOUNT; i++) {
		assert_int_equal(card_generate(unknown), 0);
		assert_int_equal(order_pickup(tdb, &ta, &guesser, "10.3.0.9", unknown,
		    "debian12", &oid), KQ_CARD_UNKNOWN);
	}
	assert_int_equal(order_pickup(tdb, &ta, &guesser, "10.3.0.9", c.code[1],
	    "debian12", &oid), KQ_RATE_LIMITED);
	assert_int_equal(count("SELECT COUNT(*) FROM orders WHERE uin = ?",
	    guesser.uin), 0);
	/* a virtual host: no OS, whatever is asked */
	cards_new(PP_VHOST, 1, &c);
	assert_int_equal(order_pickup(tdb, &ta, &m, "10.3.0.2", c.code[0],
	    "debian12", &oid), KQ_OK);
	assert_int_equal(count("SELECT COUNT(*) FROM provision_outbox WHERE"
	    " order_id = ? AND os IS NULL AND status = 'pending'", oid), 1);
}

struct pickup_call {
	struct principal	m;
	const char		*code;
	long long		oid;
};

static enum kq_outcome
pickup_call(void *arg)
{
	struct pickup_call *c = arg;

	return order_pickup(tdb, &ta, &c->m, "", c->code, "ubuntu2204", &c->oid);
}

static void
a_failed_pickup_writes_nothing(void **state)
{
	struct pickup_call	c;
	struct cards		cs;
	int			pass;
	(void)state;

	for (pass = 0; pass < 2; pass++) {	/* memory, then the database */
		new_member(&c.m);
		cards_new(PP_CVM, 1, &cs);
		c.code = cs.code[0];
		if (pass == 0)
			assert_true(walk(pickup_call, &c) > 0);
		else
			walk_db(pickup_call, &c);
		assert_int_equal(count("SELECT COUNT(*) FROM orders WHERE uin = ?",
		    c.m.uin), 1);
		assert_int_equal(count("SELECT COUNT(*) FROM provision_outbox WHERE"
		    " uin = ?", c.m.uin), 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offer_os_rules_and_surcharge),
		cmocka_unit_test(claim_once_cancel_gives_back),
		cmocka_unit_test(a_member_with_failures_and_the_limit),
		cmocka_unit_test(a_failed_pickup_writes_nothing),
	};
	return cmocka_run_group_tests_name("pickup", tests, db_setup, db_teardown);
}
