/* test_pickup_batch.c - batches against the test database: refused specs,
 * create with its cards, filters by effective status, disable and enable,
 * the audited download, the fault walk. */
#include "base/codes.h"
#include "dbtest.h"
#include "pickup_batch.h"

static struct batch_spec
spec(int count)
{
	struct batch_spec sp;

	memset(&sp, 0, sizeof(sp));
	sp.label = "单元测试";
	sp.product = PP_CVM;
	sp.name = "云服务器-上海";
	sp.line = "sh";
	sp.cpu = 2;
	sp.memory_gb = 4;
	sp.disk_gb = 50;
	sp.bandwidth_mbps = 5;
	sp.months = 3;
	sp.price = 10000;
	sp.count = count;
	sp.valid_months = 12;
	return sp;
}

static void
refused_specs(void **state)
{
	struct principal	 admin;
	struct batch_spec	 sp;
	const char		*bad;
	long long		 id;
	(void)state;

	new_admin(&admin);
	sp = spec(0);
	assert_int_equal(batch_create(tdb, &ta, &admin, "", &sp, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "count");
	sp = spec(BATCH_MAX + 1);
	assert_int_equal(batch_create(tdb, &ta, &admin, "", &sp, &id, &bad),
	    KQ_INVALID_FIELD);
	sp = spec(1);
	sp.valid_months = 0;
	assert_int_equal(batch_create(tdb, &ta, &admin, "", &sp, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "valid_to");
	sp.valid_to_ymd = 20200101;
	assert_int_equal(batch_create(tdb, &ta, &admin, "", &sp, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "valid_to");
	sp = spec(1);
	sp.line = "nosuch";
	assert_int_equal(batch_create(tdb, &ta, &admin, "", &sp, &id, &bad),
	    KQ_INVALID_FIELD);
	assert_string_equal(bad, "line");
}

static int
count_line(void *ctx, const char *shown)
{
	char code[CARD_LEN + 1];

	assert_int_equal(card_normalize(shown, code), 0);
	(*(int *)ctx)++;
	return 0;
}

static void
create_list_disable_download(void **state)
{
	struct principal	 admin;
	struct batch_spec	 sp = spec(37);
	struct pager	 pg = { .page = 1 };
	struct batch		 b, *rows;
	struct card		*cards;
	const char		*bad;
	long long		 id;
	size_t			 n, i;
	int			 lines = 0, found = 0;
	(void)state;

	new_admin(&admin);
	assert_int_equal(batch_create(tdb, &ta, &admin, "", &sp, &id, &bad), KQ_OK);
	assert_int_equal(batch_get(tdb, &ta, id, &b), KQ_OK);
	assert_int_equal(b.total, 37);
	assert_int_equal(b.used, 0);
	assert_int_equal(b.status, BATCH_NORMAL);
	assert_int_equal(b.product, PP_CVM);
	assert_string_equal(b.line_name, "上海");
	assert_int_equal(cards_of_batch(tdb, &ta, &admin, "", 1, id, b.total, &pg, &cards, &n), KQ_OK);
	assert_int_equal(n, PAGER_ROWS);
	assert_int_equal(pg.pages, 2);
	assert_int_equal(cards[0].status, CARD_UNUSED);

	assert_int_equal(batch_set_status(tdb, &ta, &admin, "", id, 0), KQ_OK);
	assert_int_equal(batch_get(tdb, &ta, id, &b), KQ_OK);
	assert_int_equal(b.status, BATCH_DISABLED);
	pg.page = 1;
	assert_int_equal(cards_of_batch(tdb, &ta, &admin, "", 1, id, b.total, &pg, &cards, &n), KQ_OK);
	assert_int_equal(cards[0].status, CARD_DISABLED);	/* effective */
	assert_int_equal(cards[0].stored, CARD_UNUSED);
	pg.page = 1;
	assert_int_equal(batch_list(tdb, &ta, PP_CVM, BATCH_DISABLED, &pg, &rows, &n),
	    KQ_OK);
	for (i = 0; i < n; i++)
		found += rows[i].id == id;
	assert_int_equal(found, 1);
	assert_int_equal(batch_set_status(tdb, &ta, &admin, "", 999999999999LL, 1),
	    KQ_NOT_FOUND);

	assert_int_equal(batch_codes(tdb, &admin, "127.0.0.1", id, count_line,
	    &lines), KQ_OK);
	assert_int_equal(lines, 37);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE actor_id = ?"
	    " AND action = 'pickup.codes.download'", admin.id), 1);
}

struct create_call {
	struct principal	admin;
	long long		id;
};

static enum kq_outcome
create_call(void *arg)
{
	struct create_call	*c = arg;
	struct batch_spec	 sp = spec(5);
	const char		*bad;

	return batch_create(tdb, &ta, &c->admin, "", &sp, &c->id, &bad);
}

static void
a_failed_create_writes_nothing(void **state)
{
	struct create_call	c;
	int			pass;
	(void)state;

	for (pass = 0; pass < 2; pass++) {	/* memory, then the database */
		new_admin(&c.admin);
		if (pass == 0)
			walk(create_call, &c);	/* a batch allocates nothing */
		else
			walk_db(create_call, &c);
		assert_int_equal(count("SELECT COUNT(*) FROM pickup_batches WHERE"
		    " created_by = ?", c.admin.id), 1);
		assert_int_equal(count("SELECT COUNT(*) FROM pickup_cards WHERE"
		    " batch_id = ?", c.id), 5);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_specs),
		cmocka_unit_test(create_list_disable_download),
		cmocka_unit_test(a_failed_create_writes_nothing),
	};
	return cmocka_run_group_tests_name("pickup_batch", tests, db_setup,
	    db_teardown);
}
