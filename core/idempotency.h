/*
 * idempotency.h - the API's Idempotency-Key (the api_idempotency table,
 * which this module alone writes).
 *
 * Every API POST carries a key (SPEC §7).  The request runs in one
 * transaction that claims the key first (an INSERT on the primary key),
 * then makes the change, then stores its answer: so the claim, the change
 * and the answer commit together or not at all.  A worker killed after the
 * commit leaves an answer to replay; killed before, nothing, and the retry
 * runs the change.  Of two concurrent requests with one key the second's
 * claim waits for the first's transaction, then finds its answer (through
 * two Galera nodes, the second loses at certification, runs again and finds
 * it).  For IDEM_HOURS the same key with the same request gets that answer
 * again, with another request KQ_IDEMPOTENCY_MISMATCH.  An answer of 5xx
 * rolls everything back: the retry it asks for runs.
 */
#ifndef KQ_IDEMPOTENCY_H
#define KQ_IDEMPOTENCY_H

#include "base/arena.h"
#include "db/db.h"

#define IDEM_KEY_MAX	100
#define IDEM_HOURS	24

struct idem_answer {
	int		 claimed;	/* 1: run the request, then idem_store() */
	int		 status;	/* else: the stored answer */
	const char	*body;
};

/* Inside the request's transaction: claims the key for this request
 * (hash: hex SHA-256 of what it asks; an answer past IDEM_HOURS frees its
 * key), or finds its stored answer;
 * KQ_IDEMPOTENCY_MISMATCH for another request's key, KQ_IDEMPOTENCY_BUSY
 * when the first request's transaction held it past the statement time. */
enum kq_outcome	idem_claim(struct db *, struct arena *, long long api_key,
		    const char *key, const char *hash, struct idem_answer *);
/* In the same transaction: the claimed request's answer. */
enum kq_outcome	idem_store(struct db *, long long api_key, const char *key,
		    int status, const char *body);
/* Forgets answers older than IDEM_HOURS; *n gets how many. */
enum kq_outcome	idem_sweep(struct db *, unsigned long long *n);

#endif
