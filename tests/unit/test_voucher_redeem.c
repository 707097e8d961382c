/* test_voucher_redeem.c - redemption against the test database: once only,
 * unknown codes counted, the brute-force limit, the fault walk. */
#include "base/codes.h"
#include "dbtest.h"
#include "ratelimit.h"
#include "voucher.h"
#include "voucher_issue.h"
#include "voucher_redeem.h"
#include "voucher_template.h"

struct code_list {
	char	codes[4][VCODE_LEN + 1];
	int	n;
};

static int
collect(void *ctx, const char *shown)
{
	struct code_list *l = ctx;

	if (l->n < 4)
		assert_int_equal(vcode_normalize(shown, l->codes[l->n++]), 0);
	return 0;
}

/* Issues n codes of a new template; their codes into l. */
static void
codes_new(int n, struct code_list *l)
{
	struct principal	 admin;
	struct template_spec	 t;
	const char		*bad;
	long long		 tid, id;

	new_admin(&admin);
	memset(&t, 0, sizeof(t));
	t.name = "兑换测试";
	t.face = 2000;
	t.scope = SCOPE_ALL;
	t.products = t.scenarios = "";
	t.billing = "prepaid";
	t.valid_days = 5;
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &tid, &bad), KQ_OK);
	assert_int_equal(voucher_issue(tdb, &ta, &admin, "", tid, IM_CODES, NULL, n,
	    0, &id, &bad), KQ_OK);
	memset(l, 0, sizeof(*l));
	assert_int_equal(issue_codes(tdb, &admin, "", id, collect, l), KQ_OK);
	assert_int_equal(l->n, n);
}

static void
once_only(void **state)
{
	struct principal m, other;
	struct code_list l;
	struct voucher	 v;
	long long	 id;
	(void)state;

	new_member(&m);
	new_member(&other);
	codes_new(2, &l);
	assert_int_equal(redeem_lookup(tdb, &ta, m.uin, "10.0.0.1", l.codes[0], &v),
	    KQ_OK);
	assert_int_equal(v.status, VS_UNACTIVATED);
	assert_int_equal(redeem_confirm(tdb, &ta, &m, "10.0.0.1", l.codes[0], &id),
	    KQ_OK);
	assert_int_equal(voucher_get(tdb, &ta, m.uin, id, &v), KQ_OK);
	assert_int_equal(v.status, VS_AVAILABLE);
	assert_int_equal(voucher_get(tdb, &ta, other.uin, id, &v), KQ_NOT_FOUND);
	assert_int_equal(redeem_confirm(tdb, &ta, &other, "10.0.0.2", l.codes[0],
	    &id), KQ_CODE_USED);
	assert_int_equal(count("SELECT COUNT(*) FROM voucher_ledger WHERE"
	    " voucher_id = ? AND kind = 'activate'", id), 1);
}

static void
unknown_codes_count_to_the_limit(void **state)
{
	struct principal m;
	struct code_list l;
	struct voucher	 v;
	char		 unknown[VCODE_LEN + 1];
	int		 i;
	(void)state;

	new_member(&m);
	codes_new(1, &l);
	for (i = 0; i < RL_PER_ACCOUNT; i++) {
		assert_int_equal(vcode_generate(unknown), 0);
		assert_int_equal(redeem_lookup(tdb, &ta, m.uin, "10.9.9.9", unknown,
		    &v), KQ_CODE_UNKNOWN);
	}
	/* over the limit even a real code is not told apart */
	assert_int_equal(redeem_lookup(tdb, &ta, m.uin, "10.9.9.9", l.codes[0], &v),
	    KQ_RATE_LIMITED);
}

static int
unactivated(const char *code)
{
	unsigned char	h[2][CODE_HASH_LEN];
	struct db_arg	a;
	long long	n;

	code_hashes(code, h[0], h[1]);
	a = DB_BIN(h[0], CODE_HASH_LEN);
	assert_int_equal(db_scalar(tdb, "SELECT COUNT(*) FROM vouchers WHERE"
	    " code_hash = ? AND status = 'unactivated'", &a, 1, &n), KQ_OK);
	return n == 1;
}

/* A member with no failed attempt redeems in one CALL (no look-up); one
 * with failures, or behind an IP with failures, changes nothing there and
 * takes the look-up, whose limits still hold a real code back. */
static void
failures_take_the_look_up(void **state)
{
	struct principal m, other, guesser;
	struct code_list l;
	long long	 id, vid;
	char		 unknown[VCODE_LEN + 1];
	int		 i;
	(void)state;

	new_member(&m);
	new_member(&other);
	new_member(&guesser);
	codes_new(4, &l);
	assert_int_equal(voucher_activate(tdb, m.uin, "10.2.0.1", l.codes[0],
	    0, "member:t", &id), KQ_OK);
	assert_int_equal(count("SELECT uin FROM vouchers WHERE id = ?", id), m.uin);
	assert_int_equal(count("SELECT COUNT(*) FROM voucher_ledger WHERE"
	    " voucher_id = ? AND kind = 'activate' AND balance = 2000", id), 1);
	/* once only, on this path too */
	assert_int_equal(voucher_activate(tdb, other.uin, "10.2.0.2",
	    l.codes[0], 0, "member:t", &vid), KQ_NOT_FOUND);

	/* one failure: nothing changes here, the look-up lets it through */
	assert_int_equal(vcode_generate(unknown), 0);
	assert_int_equal(redeem_confirm(tdb, &ta, &m, "10.2.0.1", unknown, &vid),
	    KQ_CODE_UNKNOWN);
	assert_int_equal(voucher_activate(tdb, m.uin, "10.2.0.1", l.codes[1],
	    0, "member:t", &vid), KQ_NOT_FOUND);
	assert_true(unactivated(l.codes[1]));
	assert_int_equal(redeem_confirm(tdb, &ta, &m, "10.2.0.1", l.codes[1], &vid),
	    KQ_OK);
	/* another account's failure from the same IP counts for the IP */
	assert_int_equal(voucher_activate(tdb, other.uin, "10.2.0.1",
	    l.codes[2], 0, "member:t", &vid), KQ_NOT_FOUND);

	/* over the limit a real code is refused at confirmation too */
	for (i = 0; i < RL_PER_ACCOUNT; i++) {
		assert_int_equal(vcode_generate(unknown), 0);
		assert_int_equal(redeem_confirm(tdb, &ta, &guesser, "10.2.0.9",
		    unknown, &vid), KQ_CODE_UNKNOWN);
	}
	assert_int_equal(redeem_confirm(tdb, &ta, &guesser, "10.2.0.9",
	    l.codes[3], &vid), KQ_RATE_LIMITED);
	assert_true(unactivated(l.codes[3]));
}

struct redeem_call {
	struct principal	m;
	const char		*code;
	long long		id;
};

static enum kq_outcome
redeem_call(void *arg)
{
	struct redeem_call *c = arg;

	return redeem_confirm(tdb, &ta, &c->m, "10.1.1.1", c->code, &c->id);
}

static void
a_failed_redemption_writes_nothing(void **state)
{
	struct redeem_call	c;
	struct code_list	l;
	int			pass;
	(void)state;

	for (pass = 0; pass < 2; pass++) {	/* memory, then the database */
	new_member(&c.m);
	codes_new(1, &l);
	c.code = l.codes[0];
	if (pass == 0)
		assert_true(walk(redeem_call, &c) > 0);
	else
		walk_db(redeem_call, &c);
	assert_int_equal(count("SELECT COUNT(*) FROM voucher_ledger WHERE"
	    " voucher_id = ? AND kind = 'activate'", c.id), 1);
	assert_int_equal(count("SELECT uin FROM vouchers WHERE id = ?", c.id), c.m.uin);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(once_only),
		cmocka_unit_test(unknown_codes_count_to_the_limit),
		cmocka_unit_test(failures_take_the_look_up),
		cmocka_unit_test(a_failed_redemption_writes_nothing),
	};
	return cmocka_run_group_tests_name("voucher_redeem", tests, db_setup,
	    db_teardown);
}
