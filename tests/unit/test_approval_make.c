/* test_approval_make.c - two-person approval against the test database
 * (SPEC §11): above the cap nothing is made; the requester cannot approve;
 * an approval makes exactly what was asked, once, and one that fails
 * anywhere (memory, any statement) leaves the request pending and nothing
 * made; a rejection needs its reason and makes nothing. */
#include "approval_make.h"
#include "dbtest.h"
#include "pickup_batch.h"
#include "voucher_issue.h"
#include "voucher_template.h"

#define CAP	100000		/* ¥1,000 */

static struct batch_spec
spec(int count)
{
	struct batch_spec sp;

	memset(&sp, 0, sizeof(sp));
	sp.label = "审批测试";
	sp.product = PP_CVM;
	sp.name = "云服务器-上海";
	sp.line = "sh";
	sp.cpu = 2;
	sp.memory_gb = 4;
	sp.disk_gb = 50;
	sp.bandwidth_mbps = 5;
	sp.months = 3;
	sp.price = 10000;	/* ¥100 */
	sp.count = count;
	sp.valid_months = 12;
	return sp;
}

static long long
batches_of(const struct principal *admin)
{
	return count("SELECT COUNT(*) FROM pickup_batches WHERE created_by = ?",
	    admin->id);
}

static enum request_status
status_of(long long id)
{
	struct approval_req r;

	assert_int_equal(approval_get(tdb, &ta, id, &r), KQ_OK);
	return r.status;
}

struct approve_call {
	struct principal	checker;
	long long		id, made;
};

static enum kq_outcome
approve_call(void *arg)
{
	struct approve_call	*c = arg;
	enum request_kind	 kind;
	const char		*bad;

	return approval_approve(tdb, &ta, &c->checker, "", c->id, &kind, &c->made,
	    &bad);
}

static void
a_batch_waits_and_is_made_once(void **state)
{
	struct principal	 maker;
	struct approve_call	 c;
	struct batch_spec	 sp = spec(11);	/* ¥1,100 */
	enum request_kind	 kind;
	const char		*bad;
	long long		 made;
	int			 pass;
	(void)state;

	approval_set_cap(CAP);
	new_admin(&maker);
	for (pass = 0; pass < 2; pass++) {	/* memory, then the database */
		memset(&c, 0, sizeof(c));
		assert_int_equal(batch_create(tdb, &ta, &maker, "", &sp, &c.id,
		    &bad), KQ_APPROVAL_PENDING);
		assert_int_equal(batches_of(&maker), 0);
		assert_int_equal(approval_approve(tdb, &ta, &maker, "", c.id, &kind,
		    &made, &bad), KQ_FORBIDDEN);
		new_admin(&c.checker);
		if (pass == 0)
			walk(approve_call, &c);
		else
			walk_db(approve_call, &c);
		/* every failing run rolled back: one batch, its 11 cards, made
		 * by the approving admin (the request names who asked) */
		assert_int_equal(batches_of(&maker), 0);
		assert_int_equal(batches_of(&c.checker), 1);
		assert_int_equal(count("SELECT COUNT(*) FROM pickup_cards WHERE"
		    " batch_id = ?", c.made), 11);
		assert_int_equal(status_of(c.id), RS_APPROVED);
		assert_int_equal(approve_call(&c), KQ_REVIEW_STATE);
		assert_int_equal(approval_reject(tdb, &ta, &c.checker, "", c.id,
		    "晚了"), KQ_REVIEW_STATE);
	}
	/* at the cap: made at once */
	sp = spec(10);
	assert_int_equal(batch_create(tdb, &ta, &maker, "", &sp, &made, &bad), KQ_OK);
	assert_int_equal(batches_of(&maker), 1);
	approval_set_cap(0);
}

static void
an_issue_waits_and_a_reject_makes_nothing(void **state)
{
	struct principal	 maker, checker;
	struct template_spec	 t;
	struct approve_call	 c;
	const char		*bad;
	long long		 tid, id;
	(void)state;

	approval_set_cap(CAP);
	new_admin(&maker);
	new_admin(&checker);
	memset(&t, 0, sizeof(t));
	t.name = "审批测试券";
	t.face = 5000;
	t.mode = BM_SINGLE_USE;
	t.scope = SCOPE_ALL;
	t.products = t.scenarios = "";
	t.billing = "prepaid";
	t.valid_days = 10;
	assert_int_equal(template_save(tdb, &ta, &maker, "", &t, &tid, &bad), KQ_OK);
	/* 21 × ¥50 = ¥1,050 */
	assert_int_equal(voucher_issue(tdb, &ta, &maker, "", tid, IM_CODES, NULL, 21,
	    0, &id, &bad), KQ_APPROVAL_PENDING);
	assert_int_equal(count("SELECT COUNT(*) FROM vouchers WHERE template_id = ?",
	    tid), 0);
	assert_int_equal(approval_reject(tdb, &ta, &checker, "", id, ""),
	    KQ_INVALID_FIELD);
	assert_int_equal(approval_reject(tdb, &ta, &checker, "", id, "太多"), KQ_OK);
	assert_int_equal(status_of(id), RS_REJECTED);
	c.checker = checker;
	c.id = id;
	assert_int_equal(approve_call(&c), KQ_REVIEW_STATE);
	assert_int_equal(count("SELECT COUNT(*) FROM vouchers WHERE template_id = ?",
	    tid), 0);
	/* another, approved: its 21 codes */
	assert_int_equal(voucher_issue(tdb, &ta, &maker, "", tid, IM_CODES, NULL, 21,
	    0, &c.id, &bad), KQ_APPROVAL_PENDING);
	assert_int_equal(approve_call(&c), KQ_OK);
	assert_int_equal(count("SELECT COUNT(*) FROM vouchers WHERE issue_id = ?",
	    c.made), 21);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE target ="
	    " CONCAT('approval:', ?)", c.id), 2);
	approval_set_cap(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_batch_waits_and_is_made_once),
		cmocka_unit_test(an_issue_waits_and_a_reject_makes_nothing),
	};
	return cmocka_run_group_tests_name("approval_make", tests, db_setup,
	    db_teardown);
}
