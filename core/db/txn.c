/*
 * txn.c - transactions: run again when the server chose them as a
 * deadlock's or a lock wait's victim (db_try_again), nested as savepoints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <mysqld_error.h>

#include "db/db_int.h"

int
db_try_again(struct db *db, int try)
{
	struct timespec	ts = { 0, 0 };

	if (db->errnum == ER_LOCK_WAIT_TIMEOUT)
		return try < TXN_TRIES;
	if (db->errnum != ER_LOCK_DEADLOCK || try >= TXN_TRIES_RACE)
		return 0;
	/* 1-4 ms a try: the racers do not meet again at once */
	ts.tv_nsec = (long)(try * (1 + rand() % 4)) * 1000000L;
	nanosleep(&ts, NULL);
	return 1;
}

static enum kq_outcome
db_begin(struct db *db)
{
	return db_injected(db) ? KQ_UNAVAILABLE :
	    db_simple(db, "begin", "START TRANSACTION");
}

static enum kq_outcome
db_commit(struct db *db)
{
	return db_injected(db) ? KQ_UNAVAILABLE : db_simple(db, "commit", "COMMIT");
}

static void
db_rollback(struct db *db)
{
	if (db->my != NULL && !db->broken)
		(void)db_simple(db, "rollback", "ROLLBACK");
}

/* fn inside the transaction that is open: a savepoint, so that a failure
 * undoes fn's writes alone.  A lost race is the whole transaction's (the
 * server rolled it back, savepoint and all): it is returned as it is, for
 * the outer db_txn() to run again. */
static enum kq_outcome
txn_nested(struct db *db, struct arena *a,
    enum kq_outcome (*fn)(struct db *, struct arena *, void *), void *arg)
{
	char		set[48], undo[48];
	enum kq_outcome	s;

	snprintf(set, sizeof(set), "SAVEPOINT kq_%d", db->in_txn);
	snprintf(undo, sizeof(undo), "ROLLBACK TO SAVEPOINT kq_%d", db->in_txn);
	if ((s = db_injected(db) ? KQ_UNAVAILABLE : db_simple(db, "savepoint", set)) !=
	    KQ_OK)
		return s;
	db->errnum = 0;
	db->in_txn++;
	s = fn(db, a, arg);
	db->in_txn--;
	if (s != KQ_OK && !db_retryable(db->errnum) && db->my != NULL &&
	    !db->broken)
		(void)db_simple(db, "savepoint", undo);
	return s;
}

enum kq_outcome
db_txn(struct db *db, struct arena *a,
    enum kq_outcome (*fn)(struct db *, struct arena *, void *), void *arg)
{
	enum kq_outcome	s;
	int		try;

	if (db->in_txn)
		return txn_nested(db, a, fn, arg);
	for (try = 1;; try++) {
		db->errnum = 0;
		if ((s = db_begin(db)) != KQ_OK)
			return s;
		db->in_txn = 1;
		s = fn(db, a, arg);
		db->in_txn = 0;
		if (s == KQ_OK && (s = db_commit(db)) == KQ_OK)
			return KQ_OK;
		db_rollback(db);
		if (!db_retryable(db->errnum))
			return s;
		if (!db_try_again(db, try))
			break;
	}
	db_log(db, "transaction", "gave up after repeated deadlocks", 0);
	return KQ_UNAVAILABLE;
}
