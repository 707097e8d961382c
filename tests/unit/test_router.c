/* test_router.c - the route patterns: literal paths, {id}, methods. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "router.h"

struct row {
	const char	*method, *path;
};
static const struct row rows[] = {
	{ "GET", "/admin/orders" },
	{ "GET", "/admin/orders/{id}" },
	{ "POST", "/admin/orders/{id}/refund" },
	{ "GET", "/admin/pickup/batches/{id}/cards.csv" },
	{ "POST", "/admin/orders" },
};

static void
finds_rows_and_ids(void **state)
{
	char		 err[128];
	struct router	*rt = ROUTER_NEW(rows, struct row, err, sizeof(err));
	size_t		 i = 99;
	long long	 id = -1;
	(void)state;

	assert_non_null(rt);
	assert_int_equal(router_find(rt, "GET", "/admin/orders", &i, &id), KQ_OK);
	assert_int_equal(i, 0);
	assert_int_equal(id, 0);
	assert_int_equal(router_find(rt, "POST", "/admin/orders", &i, &id), KQ_OK);
	assert_int_equal(i, 4);
	assert_int_equal(router_find(rt, "GET", "/admin/orders/8", &i, &id), KQ_OK);
	assert_int_equal(i, 1);
	assert_int_equal(id, 8);
	assert_int_equal(router_find(rt, "POST", "/admin/orders/123456789012345678/refund",
	    &i, &id), KQ_OK);
	assert_int_equal(i, 2);
	assert_true(id == 123456789012345678LL);
	assert_int_equal(router_find(rt, "GET", "/admin/pickup/batches/3/cards.csv",
	    &i, &id), KQ_OK);
	assert_int_equal(id, 3);
	router_free(rt);
}

static void
refuses_what_is_not_a_route(void **state)
{
	char		 err[128];
	struct router	*rt = ROUTER_NEW(rows, struct row, err, sizeof(err));
	size_t		 i, at;
	long long	 id;
	static const char *const bad[] = { "/admin/orders/", "/admin/orders/x",
	    "/admin/orders/1234567890123456789", "/admin/orders/8/", "/admin/order",
	    "/admin/orders8", "/admin/orders/-1", "/admin/orders/8/refundx", "",
	    "/admin/pickup/batches//cards.csv", "/admin/pickup/batches/3/cards.csvx" };
	(void)state;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		id = -1;
		assert_int_equal(router_find(rt, "GET", bad[i], &at, &id), KQ_NOT_FOUND);
		assert_int_equal(id, 0);
	}
	/* the path is a route, of another method */
	assert_int_equal(router_find(rt, "DELETE", "/admin/orders/8", &at, &id),
	    KQ_METHOD);
	assert_int_equal(router_find(rt, "GET", "/admin/orders/8/refund", &at, &id),
	    KQ_METHOD);
	router_free(rt);
}

static void
refuses_a_bad_pattern(void **state)
{
	static const struct row odd[] = { { "GET", "/a/{name}" } };
	static const struct row open[] = { { "GET", "/a/{id" } };
	char err[128];
	(void)state;

	assert_null(ROUTER_NEW(odd, struct row, err, sizeof(err)));
	assert_non_null(strstr(err, "bad pattern at 3"));
	assert_null(ROUTER_NEW(open, struct row, err, sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_rows_and_ids),
		cmocka_unit_test(refuses_what_is_not_a_route),
		cmocka_unit_test(refuses_a_bad_pattern),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
