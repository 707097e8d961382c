/*
 * apikey.h - the API's keys (the api_keys table, which this module alone
 * writes) and the rule a signed request is checked by.
 *
 * A key is a public id ("kq_" and 20 hex digits) and a secret ("kqs_" and
 * 64 hex digits), printed once by `kaquanctl apikey add`.  A request is
 * signed with HMAC-SHA256, keyed by the secret's text, over
 *
 *	METHOD "\n" PATH "\n" QUERY "\n" TIMESTAMP "\n" hex(SHA-256(body))
 *	    "\n" IDEMPOTENCY-KEY
 *
 * (the last line empty when the request has none).  A POST's signature is
 * accepted once (SPEC §7): apikey_once() remembers it in api_signatures
 * (which this module writes too), in the request's own transaction, for as
 * long as its timestamp is good, so a captured request sent again, to any
 * worker or host, is KQ_REPLAYED; a client that retries signs again with a
 * new timestamp and the same Idempotency-Key.
 *
 * and sent as
 *
 *	Authorization: KQ-HMAC-SHA256 Key=<id>, Timestamp=<unix seconds>,
 *	    Signature=<hex>
 *
 * A timestamp more than API_SKEW seconds off the server's clock, an
 * unknown or revoked key or a wrong signature is KQ_UNAUTHORIZED, all
 * alike.  Verifying an HMAC needs the secret itself, so the database keeps
 * it sealed (XChaCha20-Poly1305, libsodium, under the configuration's
 * api_seal_key, the key id as associated data), never in clear: a copy of
 * the database alone signs nothing.
 */
#ifndef KQ_APIKEY_H
#define KQ_APIKEY_H

#include <time.h>

#include "base/arena.h"
#include "db/db.h"

#define API_KEY_ID_LEN	23	/* "kq_" + 20 hex */
#define API_SECRET_LEN	68	/* "kqs_" + 64 hex */
#define API_SKEW	300	/* seconds a timestamp may be off */

/* What a key may do (SPEC §7): reading is apart from changing, and a key
 * has only the scopes it was given. */
enum api_scope {
	API_ORDERS_READ = 1 << 0,	/* an order, its candidates */
	API_ORDERS_WRITE = 1 << 1,	/* create, confirm, pay, cancel, refund */
	API_VOUCHERS_READ = 1 << 2,	/* lists, one with its ledger */
	API_VOUCHERS_ISSUE = 1 << 3,	/* issue a template, invalidate */
	API_PICKUP = 1 << 4,		/* the provisioning outbox */
	API_PARTNER = 1 << 5,		/* a partner's charges */
	API_ALL = (1 << 6) - 1
};
extern const char *const api_scope_names[];	/* by bit, NULL-ended */
/* The --scope pattern: "all", or names separated by commas. */
#define API_SCOPE_NAMES	"orders:read|orders:write|vouchers:read|" \
	"vouchers:issue|pickup|partner"
#define API_SCOPE_PATTERN "all|((" API_SCOPE_NAMES "),)*(" API_SCOPE_NAMES ")"

#define API_MAC_LEN	32	/* HMAC-SHA256 */

struct api_key {
	long long	 id;
	const char	*key_id, *name, *scopes_text;
	unsigned	 scopes;	/* enum api_scope bits */
	time_t		 created_at, revoked_at;
	unsigned char	 mac[API_MAC_LEN];	/* a checked request's signature */
};

/* "orders,vouchers" (or "all") into bits; 0 for an unknown name. */
unsigned	apikey_scopes_parse(const char *);

/* Makes a key: its id and secret (printed once by the caller) into key_id
 * (API_KEY_ID_LEN + 1) and secret (API_SECRET_LEN + 1).  seal_hex is the
 * configuration's api_seal_key. */
enum kq_outcome	apikey_add(struct db *, const char *seal_hex, const char *name,
		    unsigned scopes, char *key_id, char *secret);
/* KQ_NOT_FOUND unless an unrevoked key has this id. */
enum kq_outcome	apikey_revoke(struct db *, const char *key_id);
enum kq_outcome	apikey_list(struct db *, struct arena *, struct api_key **,
		    size_t *);

/* What a request's signature covers; body may be NULL when len is 0. */
struct api_signed {
	const char	*authorization;	/* the header, may be NULL */
	const char	*method, *path, *query;
	const char	*body;
	size_t		 len;
	const char	*idem;		/* the Idempotency-Key, or NULL */
};
/* The key that signed the request (with the signature in key->mac), else
 * KQ_UNAUTHORIZED (KQ_UNAVAILABLE when the database is). */
enum kq_outcome	apikey_check(struct db *, struct arena *, const char *seal_hex,
		    const struct api_signed *, time_t now, struct api_key *);

/* Inside a POST's transaction, first: remembers its signature, or
 * KQ_REPLAYED when it was seen before (committed: a copy sent at once waits
 * for the first's transaction, then finds it; through another Galera node
 * one of the two loses at certification, runs again and finds it). */
enum kq_outcome	apikey_once(struct db *, const struct api_key *);
/* Forgets signatures whose timestamps can no longer be good; *n gets
 * how many. */
enum kq_outcome	apikey_sweep(struct db *, unsigned long long *n);

/* Lower-case hex SHA-256 of len bytes into out (65 bytes). */
void		sha256_hex(const void *, size_t len, char *out);

#endif
