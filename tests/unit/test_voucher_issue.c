/* test_voucher_issue.c - issuing against the test database: targeted with
 * a report of unknown UINs, codes, refused inputs, the fault walk. */
#include "dbtest.h"
#include "voucher.h"
#include "voucher_issue.h"
#include "voucher_template.h"

static long long
template_new(const struct principal *admin, int days)
{
	struct template_spec	 t;
	const char		*bad;
	long long		 id;

	memset(&t, 0, sizeof(t));
	t.name = "发放测试";
	t.face = 5000;
	t.mode = BM_SINGLE_USE;
	t.scope = SCOPE_ALL;
	t.products = t.scenarios = "";
	t.billing = "prepaid";
	t.valid_days = days;
	assert_int_equal(template_save(tdb, &ta, admin, "", &t, &id, &bad), KQ_OK);
	return id;
}

static void
targeted_reports_every_uin(void **state)
{
	struct principal admin, m;
	struct issue	 is;
	struct voucher	*v;
	struct vfilter	 f = { 0, -1, 0, 0 };
	struct pager pg = { .page = 1 };
	const char	*bad;
	long long	 tid, id;
	size_t		 n;
	(void)state;

	new_admin(&admin);
	new_member(&m);
	tid = template_new(&admin, 10);
	assert_int_equal(voucher_issue(tdb, &ta, &admin, "", tid, IM_TARGETED,
	    arena_printf(&ta, "%lld\n999999999999, %lld", m.uin, m.uin), 0, 0, &id,
	    &bad), KQ_OK);
	assert_int_equal(issue_get(tdb, &ta, id, &is), KQ_OK);
	assert_int_equal(is.mode, IM_TARGETED);
	assert_int_equal(is.count, 1);
	assert_int_equal(is.noutcomes, 2);
	assert_true(is.outcomes[0].uin == m.uin && is.outcomes[0].result == IR_ISSUED);
	assert_int_equal(is.outcomes[1].result, IR_UNKNOWN_UIN);
	f.uin = m.uin;
	assert_int_equal(voucher_list(tdb, &ta, &f, &pg, &v, &n), KQ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].status, VS_AVAILABLE);
	assert_int_equal(v[0].balance, 5000);
	assert_string_equal(v[0].product_names, "");
	/* SPEC §2: days count from the issue */
	assert_true(v[0].valid_to - v[0].valid_from == 10 * 86400);
}

static void
refused_inputs(void **state)
{
	struct principal admin;
	const char	*bad;
	long long	 tid, id;
	(void)state;

	new_admin(&admin);
	tid = template_new(&admin, 10);
	assert_int_equal(voucher_issue(tdb, &ta, &admin, "", tid, IM_TARGETED,
	    "12a", 0, 0, &id, &bad), KQ_INVALID_FIELD);
	assert_string_equal(bad, "uins");
	assert_int_equal(voucher_issue(tdb, &ta, &admin, "", tid, IM_TARGETED,
	    " , ", 0, 0, &id, &bad), KQ_INVALID_FIELD);
	assert_int_equal(voucher_issue(tdb, &ta, &admin, "", tid, IM_CODES,
	    NULL, 0, 0, &id, &bad), KQ_INVALID_FIELD);
	assert_string_equal(bad, "count");
	assert_int_equal(voucher_issue(tdb, &ta, &admin, "", 999999999999LL,
	    IM_CODES, NULL, 1, 0, &id, &bad), KQ_NOT_FOUND);
}

struct issue_call {
	struct principal	admin;
	long long		tid, id;
};

static enum kq_outcome
issue_codes_call(void *arg)
{
	struct issue_call	*c = arg;
	const char		*bad;

	return voucher_issue(tdb, &ta, &c->admin, "", c->tid, IM_CODES, NULL, 3, 1,
	    &c->id, &bad);
}

static void
a_failed_issue_writes_nothing(void **state)
{
	struct issue_call	c;
	int			pass;
	(void)state;

	for (pass = 0; pass < 2; pass++) {	/* memory, then the database */
	new_admin(&c.admin);
	c.tid = template_new(&c.admin, 10);
	if (pass == 0)
		assert_true(walk(issue_codes_call, &c) > 0);
	else
		walk_db(issue_codes_call, &c);
	assert_int_equal(count("SELECT COUNT(*) FROM voucher_issues WHERE"
	    " template_id = ?", c.tid), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM vouchers WHERE"
	    " template_id = ? AND status = 'unactivated'", c.tid), 3);
	assert_int_equal(count("SELECT COUNT(*) FROM voucher_ledger l JOIN vouchers v"
	    " ON v.id = l.voucher_id WHERE v.template_id = ?", c.tid), 3);
	assert_int_equal(count("SELECT issued FROM voucher_templates WHERE id = ?",
	    c.tid), 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(targeted_reports_every_uin),
		cmocka_unit_test(refused_inputs),
		cmocka_unit_test(a_failed_issue_writes_nothing),
	};
	return cmocka_run_group_tests_name("voucher_issue", tests, db_setup,
	    db_teardown);
}
