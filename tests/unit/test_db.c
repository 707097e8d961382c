/* test_db.c - db_proc_run() against the test database (on two tables of
 * its own): the id a step keeps
 * reaches the later steps, a step that changes no row rolls everything
 * back, a ? inside a literal is text, a dropped procedure is made again,
 * changed SQL is a new procedure, and the fault walk commits nothing. */
#include "dbtest.h"

static const char SQL_TABLES[] =
    "CREATE TABLE IF NOT EXISTS dbtest_head (id BIGINT AUTO_INCREMENT"
    " PRIMARY KEY, v VARCHAR(40) NOT NULL, code VARCHAR(20) CHARACTER SET ascii);"
    "CREATE TABLE IF NOT EXISTS dbtest_line (head BIGINT NOT NULL,"
    " n BIGINT NOT NULL)";
static const char SQL_HEAD[] = "INSERT INTO dbtest_head (v, code) VALUES (CONCAT('?', ?), ?)";
static const char SQL_LINE[] = "INSERT INTO dbtest_line (head, n) VALUES (?, ?)";
static const char SQL_TAKE[] =
    "UPDATE dbtest_head SET v = 'taken' WHERE id = ? AND code = ? AND v <> 'taken'";
static const char SQL_HEADS[] = "SELECT COUNT(*) FROM dbtest_head WHERE id > ?";
static const char SQL_LINE_OF[] = "SELECT n FROM dbtest_line WHERE head = ?";
static const char SQL_LINES_N[] = "SELECT COUNT(*) FROM dbtest_line WHERE n = ?";
static const char SQL_HEAD_V[] = "SELECT COUNT(*) FROM dbtest_head WHERE id = ? AND v = '?x'";
static const char SQL_ROUTINE[] =
    "SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema ="
    " DATABASE() AND routine_name = ?";

static const char SQL_DROP[] = "DROP TABLE IF EXISTS dbtest_head, dbtest_line";
static struct db_proc	PROC_ADD = DB_PROC("dbtest");
static struct db_proc	PROC_ADD_AGAIN = DB_PROC("dbtest");

static int
setup(void **state)
{
	if (db_setup(state) < 0 || db_exec_script(tdb, SQL_DROP) != KQ_OK ||
	    db_exec_script(tdb, SQL_TABLES) != KQ_OK)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	db_exec_script(tdb, SQL_DROP);
	return db_teardown(state);
}

/* A head row with code and a line for it: the line carries the head's id. */
static enum kq_outcome
add(struct db_proc *p, const char *code, long long n, long long *id)
{
	struct db_step st[2] = {
		{ SQL_HEAD, "sa", { DB_STR("x"), DB_STR(code) }, KQ_OK, 1 },
		{ SQL_LINE, "ki", { DB_INT(n) }, KQ_OK, 0 },
	};

	return db_proc_run(tdb, p, st, 2, id);
}

static void
test_kept_id(void **state)
{
	long long id = 0, n = unique();

	(void)state;
	assert_int_equal(add(&PROC_ADD, "A1", n, &id), KQ_OK);
	assert_true(id > 0);
	assert_int_equal(count(SQL_LINE_OF, id), n);
	/* the ? inside '?' stayed text: CONCAT('?', 'x') */
	assert_int_equal(count(SQL_HEAD_V, id), 1);
}

/* The second step finds nothing to change: the first is rolled back. */
static void
test_none_rolls_back(void **state)
{
	long long	id = 0, before;
	struct db_step	st[2] = {
		{ SQL_HEAD, "sa", { DB_STR("y"), DB_STR("B1") }, KQ_OK, 1 },
		{ SQL_TAKE, "ia", { DB_INT(0), DB_STR("nope") }, KQ_CONFLICT, 0 },
	};
	static struct db_proc p = DB_PROC("dbtest");

	(void)state;
	assert_int_equal(add(&PROC_ADD, "B0", 1, &id), KQ_OK);
	before = count(SQL_HEADS, id);
	assert_int_equal(db_proc_run(tdb, &p, st, 2, NULL), KQ_CONFLICT);
	assert_int_equal(count(SQL_HEADS, id), before);
	/* and with a row to change, both stay */
	st[1].args[0] = DB_INT(id);
	st[1].args[1] = DB_STR("B0");
	assert_int_equal(db_proc_run(tdb, &p, st, 2, NULL), KQ_OK);
	assert_int_equal(count(SQL_HEADS, id), before + 1);
	/* single use: the same change again finds nothing */
	assert_int_equal(db_proc_run(tdb, &p, st, 2, NULL), KQ_CONFLICT);
	assert_int_equal(count(SQL_HEADS, id), before + 1);
}

/* The routine p calls, in buf. */
static const char *
name_of(const struct db_proc *p, char *buf, size_t size)
{
	const char *name = p->call + strlen("CALL ");

	snprintf(buf, size, "%.*s", (int)strcspn(name, "("), name);
	return buf;
}

static long long
exists(const struct db_proc *p)
{
	char		name[100];
	struct db_arg	a = DB_STR(name_of(p, name, sizeof(name)));
	long long	n;

	assert_int_equal(db_scalar(tdb, SQL_ROUTINE, &a, 1, &n), KQ_OK);
	return n;
}

/* Changed SQL is another procedure; a dropped one is made again. */
static void
test_names_and_drop(void **state)
{
	long long	id;
	char		drop[200], name[100];
	struct db_step	st[1] = {
		{ SQL_LINE, "ii", { DB_INT(1), DB_INT(2) }, KQ_OK, 0 },
	};

	(void)state;
	assert_int_equal(db_proc_run(tdb, &PROC_ADD_AGAIN, st, 1, NULL), KQ_OK);
	assert_int_equal(add(&PROC_ADD, "C0", 6, &id), KQ_OK);
	assert_int_equal(exists(&PROC_ADD_AGAIN), 1);
	assert_int_equal(exists(&PROC_ADD), 1);
	assert_string_not_equal(PROC_ADD.call, PROC_ADD_AGAIN.call);

	snprintf(drop, sizeof(drop), "DROP PROCEDURE %s",
	    name_of(&PROC_ADD, name, sizeof(name)));
	assert_int_equal(db_exec_script(tdb, drop), KQ_OK);
	assert_int_equal(exists(&PROC_ADD), 0);
	assert_int_equal(add(&PROC_ADD, "C1", 7, &id), KQ_OK);
	assert_int_equal(count(SQL_LINE_OF, id), 7);
	assert_int_equal(exists(&PROC_ADD), 1);
}

static enum kq_outcome
walked(void *ctx)
{
	long long id;

	return add(&PROC_ADD, "D1", *(long long *)ctx, &id);
}

/* Every statement failing in turn: nothing committed until it succeeds. */
static void
test_walk(void **state)
{
	long long n = unique(), lines;

	(void)state;
	walk_db(walked, &n);
	lines = count(SQL_LINES_N, n);
	assert_int_equal(lines, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_id),
		cmocka_unit_test(test_none_rolls_back),
		cmocka_unit_test(test_names_and_drop),
		cmocka_unit_test(test_walk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
