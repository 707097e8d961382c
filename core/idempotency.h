/*
 * idempotency.h - the API's Idempotency-Key (the api_idempotency table,
 * which this module alone writes).
 *
 * A POST with a key first claims it (an INSERT on the primary key: of two
 * concurrent requests one claims, the other sees the claim), runs, and
 * stores its answer; for 24 hours the same key with the same request gets
 * that answer again, with another request KQ_IDEMPOTENCY_MISMATCH, and
 * while the first still runs KQ_IDEMPOTENCY_BUSY.  An answer of 5xx is not
 * kept: the key is free again for the retry that 5xx asks for.
 */
#ifndef KQ_IDEMPOTENCY_H
#define KQ_IDEMPOTENCY_H

#include "arena.h"
#include "db.h"

#define IDEM_KEY_MAX	100
#define IDEM_HOURS	24

struct idem_answer {
	int		 claimed;	/* 1: run the request, then idem_end() */
	int		 status;	/* else: the stored answer */
	const char	*body;
};

/* Claims the key for this request (hash: hex SHA-256 of what it asks),
 * or finds its stored answer. */
enum kq_status	idem_begin(struct db *, struct arena *, long long api_key,
		    const char *key, const char *hash, struct idem_answer *);
/* Stores the claimed request's answer (or frees the key after a 5xx). */
enum kq_status	idem_end(struct db *, long long api_key, const char *key,
		    int status, const char *body);
/* Forgets answers older than IDEM_HOURS; *n gets how many. */
enum kq_status	idem_sweep(struct db *, unsigned long long *n);

#endif
