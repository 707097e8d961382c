/*
 * dbtest.h - what the domain tests share: a connection to the test
 * database named by KAQUAN_CONF (tests/run.sh starts the private stack
 * first), fresh accounts and admins, and the fault-injection walk.
 *
 * The walk (SQLite's test_malloc.c, with the arena's countdown): allocation
 * N of a call fails, for N = 0, 1, ... until the call needs no more.  Each
 * failing run must answer KQ_UNAVAILABLE, must really have hit the failure,
 * and - the callers check - must have committed nothing.
 */
#ifndef KQ_DBTEST_H
#define KQ_DBTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "account.h"
#include "auth.h"
#include "catalog.h"
#include "base/clock.h"
#include "base/codes.h"
#include "codekey.h"
#include "base/config.h"
#include "db/db.h"

static struct config	 tcfg;
static struct db	*tdb;
static struct arena	 ta;	/* the calls' (reset by walk()) */
static struct arena	 tf;	/* fixtures' */

static inline int
db_setup(void **state)
{
	const char	*conf = getenv("KAQUAN_CONF");
	char		 err[1024];

	(void)state;
	if (conf == NULL) {
		fprintf(stderr, "KAQUAN_CONF is not set: run through tests/run.sh\n");
		return -1;
	}
	if (config_load(conf, &tcfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	clock_init(tcfg.display_tz);
	if (codekey_init(tcfg.code_key, tcfg.code_key_previous, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if ((tdb = db_open(&tcfg.db, err, sizeof(err))) == NULL ||
	    db_ready(tdb) != KQ_OK) {
		fprintf(stderr, "no database: %s\n", err);
		return -1;
	}
	arena_init(&ta, 16384, 0);
	arena_init(&tf, 16384, 0);
	return 0;
}

static inline int
db_teardown(void **state)
{
	(void)state;
	arena_free(&ta);
	arena_free(&tf);
	db_close(tdb);
	db_cleanup();
	catalog_free();
	codekey_free();
	config_free(&tcfg);
	return 0;
}

/* A number no other test (of any run, any binary) has used: 36 random
 * bits, so a UIN made from it keeps 12 digits. */
static inline long long
unique(void)
{
	uint64_t r;

	assert_int_equal(random_bytes(&r, sizeof(r)), 0);
	return (long long)(r & 0xfffffffffULL);
}

/* A fresh account with an owner, a partner's customer (reseller 0: none)
 * or a partner; *p is its principal. */
static inline void
new_account(struct principal *p, long long reseller, int partner)
{
	unsigned long long id;
	long long uin = 500000000000LL + unique();

	memset(p, 0, sizeof(*p));
	assert_int_equal(account_add(tdb, uin, "测试", reseller, partner), KQ_OK);
	assert_int_equal(user_add(tdb, uin, arena_printf(&tf, "t%lld", uin),
	    "secret-pass", 1, 1, &id), KQ_OK);
	p->kind = P_MEMBER;
	p->id = (long long)id;
	p->uin = uin;
	p->login = arena_printf(&tf, "t%lld", uin);
	p->is_owner = 1;
	p->is_partner = partner;
}

static inline void
new_member(struct principal *p)
{
	new_account(p, 0, 0);
}

static inline void
new_admin(struct principal *p)
{
	unsigned long long id;
	const char *login = arena_printf(&tf, "ta%lld", unique());

	memset(p, 0, sizeof(*p));
	assert_int_equal(admin_add(tdb, login, "admin-pass", "admin", &id), KQ_OK);
	p->kind = P_ADMIN;
	p->id = (long long)id;
	p->login = login;
	p->role = "admin";
	p->is_admin_role = 1;
}

/* COUNT(*) or another number the test reads straight from the database. */
static inline long long
count(const char *sql, long long arg)
{
	struct db_arg	a = DB_INT(arg);
	long long	n;

	assert_int_equal(db_scalar(tdb, sql, &a, 1, &n), KQ_OK);
	return n;
}

/* The memory walk: fn(ctx) with allocation N of the arena failing, N = 0,
 * 1, ... until it succeeds; each failing run must answer KQ_UNAVAILABLE and
 * must really have hit the failure.  Returns the number of failing runs (0
 * for a path that allocates nothing). */
static inline int
walk(enum kq_outcome (*fn)(void *), void *ctx)
{
	enum kq_outcome	s = KQ_UNAVAILABLE;
	int		n, failures = 0;

	for (n = 0; n < 10000; n++) {	/* memory */
		arena_reset(&ta);
		ta.fail_countdown = n;
		if ((s = fn(ctx)) != KQ_UNAVAILABLE)
			break;
		assert_int_equal(ta.fail_countdown, 0);	/* it did fail */
		failures++;
	}
	ta.fail_countdown = -1;
	assert_int_equal(s, KQ_OK);
	return failures;
}

/* The database walk: the same with statement N failing (BEGIN and COMMIT
 * count); every path runs one.  That each failing run committed nothing the
 * caller checks after the successful one. */
static inline int
walk_db(enum kq_outcome (*fn)(void *), void *ctx)
{
	enum kq_outcome	s = KQ_UNAVAILABLE;
	int		n;

	for (n = 0; n < 10000; n++) {
		arena_reset(&ta);
		db_fail_after(tdb, n);
		if ((s = fn(ctx)) != KQ_UNAVAILABLE)
			break;
	}
	db_fail_after(tdb, -1);
	assert_int_equal(s, KQ_OK);
	assert_true(n > 0);
	return n;
}

#endif
