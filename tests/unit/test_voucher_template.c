/* test_voucher_template.c - templates against the test database: the
 * field rules, editing until the first issue, the fault walk. */
#include "dbtest.h"
#include "voucher_issue.h"
#include "voucher_template.h"

static struct template_spec
spec(void)
{
	struct template_spec t;

	memset(&t, 0, sizeof(t));
	t.name = "测试模板";
	t.face = 10000;
	t.mode = BM_CARRY_OVER;
	t.scope = SCOPE_ALL;
	t.products = "";
	t.scenarios = "";
	t.billing = "prepaid";
	t.valid_days = 30;
	return t;
}

static void
field_rules(void **state)
{
	struct principal	 admin;
	struct template_spec	 t;
	const char		*bad;
	long long		 id;
	(void)state;

	new_admin(&admin);
	t = spec();
	t.face = 0;
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "face");
	t = spec();
	t.scope = SCOPE_INCLUDE;
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "products");
	t.products = "cvm,nosuch";
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "products");
	t = spec();
	t.valid_days = 0;	/* dates, but only one */
	t.to_ymd = 20990101;
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "valid_to");
	t.from_ymd = 20200101;
	t.to_ymd = 20200201;	/* ended */
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "valid_to");
}

static void
dates_are_whole_days_and_edit_until_issued(void **state)
{
	struct principal	 admin;
	struct template_spec	 t = spec();
	struct vtemplate	 got;
	const char		*bad;
	long long		 id, issue;
	char			 day[CLOCK_BUFSZ];
	(void)state;

	new_admin(&admin);
	t.valid_days = 0;
	t.from_ymd = 20260101;
	t.to_ymd = 20990630;
	t.scope = SCOPE_INCLUDE;
	t.products = "cvm,redis";
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &id, &bad), KQ_OK);
	assert_int_equal(template_get(tdb, &ta, id, &got), KQ_OK);
	assert_int_equal(got.scope, SCOPE_INCLUDE);
	assert_int_equal(got.mode, BM_CARRY_OVER);
	assert_string_equal(got.products, "cvm,redis");
	/* SPEC §2: a date is the end of that day in display_tz */
	clock_display(got.valid_to, day, sizeof(day));
	assert_string_equal(day, "2099-06-30 23:59");
	clock_display(got.valid_from, day, sizeof(day));
	assert_string_equal(day, "2026-01-01 00:00");

	t.id = id;
	t.name = "改名";
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &id, &bad), KQ_OK);
	assert_int_equal(template_get(tdb, &ta, id, &got), KQ_OK);
	assert_string_equal(got.name, "改名");
	assert_int_equal(voucher_issue(tdb, &ta, &admin, "", id, IM_CODES, NULL, 1,
	    0, &issue, &bad), KQ_OK);
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &id, &bad),
	    KQ_TEMPLATE_LOCKED);
	t.id = 999999999999LL;
	assert_int_equal(template_save(tdb, &ta, &admin, "", &t, &id, &bad),
	    KQ_NOT_FOUND);
}

struct save {
	struct principal	admin;
	struct template_spec	t;
	long long		id;
};

static enum kq_outcome
save(void *arg)
{
	struct save	*c = arg;
	const char	*bad;

	return template_save(tdb, &ta, &c->admin, "", &c->t, &c->id, &bad);
}

static void
a_failed_save_writes_nothing(void **state)
{
	static const char SQL_MINE[] =
	    "SELECT COUNT(*) FROM voucher_templates WHERE created_by = ?";
	struct save	c;
	int		pass;
	(void)state;

	for (pass = 0; pass < 2; pass++) {	/* memory, then the database */
		new_admin(&c.admin);
		c.t = spec();
		if (pass == 0)
			walk(save, &c);	/* a save allocates nothing */
		else
			walk_db(save, &c);
		assert_int_equal(count(SQL_MINE, c.admin.id), 1);
		assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE"
		    " actor_id = ? AND action = 'voucher.template.create'",
		    c.admin.id), 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_rules),
		cmocka_unit_test(dates_are_whole_days_and_edit_until_issued),
		cmocka_unit_test(a_failed_save_writes_nothing),
	};
	return cmocka_run_group_tests_name("voucher_template", tests, db_setup,
	    db_teardown);
}
