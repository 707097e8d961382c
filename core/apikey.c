/*
 * apikey.c - API keys: making, sealing, revoking, and checking a request's
 * signature (the rule is in apikey.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "apikey.h"
#include "base/codes.h"
#include "state.h"

#define SCHEME		"KQ-HMAC-SHA256 "
#define NONCE_LEN	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN		crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEALED_LEN	(NONCE_LEN + API_SECRET_LEN + TAG_LEN)

const char *const api_scope_names[] = { "orders:read", "orders:write",
	"vouchers:read", "vouchers:issue", "pickup", "partner", NULL };

static const struct db_col key_cols[] = {
	DB_COL(struct api_key, id, "id"),
	DB_COL(struct api_key, key_id, "key_id"),
	DB_COL(struct api_key, name, "name"),
	DB_COL(struct api_key, scopes_text, "scopes"),
	DB_COL(struct api_key, created_at, "created_at"),
	DB_COL(struct api_key, revoked_at, "revoked_at"),
	DB_END
};
static struct db_sel SQL_KEY_LIST = DB_SEL(
    "SELECT {cols} FROM api_keys ORDER BY id", DB_WHOLE(key_cols));

/* The one read of a request: the key, unrevoked, with its sealed secret. */
struct key_row {
	struct api_key	 k;
	const char	*sealed;
};
static const struct db_col sealed_cols[] = {
	DB_COL(struct key_row, sealed, "secret_sealed"),
	DB_END
};
static struct db_sel SQL_KEY_FIND = DB_SEL(
    "SELECT {cols} FROM api_keys WHERE key_id = ? AND revoked_at IS NULL",
    DB_PART(key_cols, struct key_row, k),
    DB_WHOLE(sealed_cols));

/* A signature is good for API_SKEW either way of its timestamp: kept
 * that long after the latest it could be good, and a minute more. */
static const char SQL_SIGNATURE_SEEN[] =
    "INSERT INTO api_signatures (signature, api_key) VALUES (?, ?)";
static const char SQL_SIGNATURES_SWEEP[] =
    "DELETE FROM api_signatures WHERE created_at < UTC_TIMESTAMP()"
    " - INTERVAL " STR(API_SKEW) " * 2 + 60 SECOND LIMIT 1000";

void
sha256_hex(const void *data, size_t len, char *out)
{
	unsigned char md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, data, len);
	hex_encode(md, sizeof(md), out);
}

/* XChaCha20-Poly1305 of the secret under the seal key, bound to the key
 * id: nonce, ciphertext and tag (SEALED_LEN bytes).  encrypt: seals
 * secret into box; else opens box into secret (API_SECRET_LEN bytes).
 * 0 or -1. */
static int
seal(int encrypt, const char *seal_hex, const char *key_id,
    unsigned char *box, char *secret)
{
	unsigned char	key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	int		rc;

	/* sodium_init() once per process: idempotent, thread-safe */
	if (sodium_init() < 0 || seal_hex == NULL ||
	    hex_decode(seal_hex, key, sizeof(key)) < 0)
		return -1;
	if (encrypt) {
		randombytes_buf(box, NONCE_LEN);
		rc = crypto_aead_xchacha20poly1305_ietf_encrypt(box + NONCE_LEN,
		    NULL, (const unsigned char *)secret, API_SECRET_LEN,
		    (const unsigned char *)key_id, strlen(key_id), NULL, box, key);
	} else
		rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (unsigned char *)secret, NULL, NULL, box + NONCE_LEN,
		    API_SECRET_LEN + TAG_LEN, (const unsigned char *)key_id,
		    strlen(key_id), box, key);
	sodium_memzero(key, sizeof(key));
	return rc == 0 ? 0 : -1;
}

unsigned
apikey_scopes_parse(const char *s)
{
	unsigned	bits = 0, i;
	size_t		len;

	if (strcmp(s, "all") == 0)
		return API_ALL;
	for (; *s != '\0'; s += len + (s[len] == ',')) {
		len = strcspn(s, ",");
		for (i = 0; api_scope_names[i] != NULL; i++)
			if (strlen(api_scope_names[i]) == len &&
			    strncmp(api_scope_names[i], s, len) == 0)
				break;
		if (api_scope_names[i] == NULL)
			return 0;
		bits |= 1u << i;
	}
	return bits;
}

static void
scopes_text(unsigned bits, char *out, size_t outsz)
{
	size_t i;

	*out = '\0';
	for (i = 0; api_scope_names[i] != NULL; i++)
		if (bits & (1u << i)) {
			if (*out != '\0')
				strncat(out, ",", outsz - strlen(out) - 1);
			strncat(out, api_scope_names[i], outsz - strlen(out) - 1);
		}
}

enum kq_outcome
apikey_add(struct db *db, const char *seal_hex, const char *name,
    unsigned scopes, char *key_id, char *secret)
{
	unsigned char	box[SEALED_LEN];
	char		sealed[2 * SEALED_LEN + 1], text[128];
	struct db_arg	args[4];

	memcpy(key_id, "kq_", 3);
	memcpy(secret, "kqs_", 4);
	if (random_hex(key_id + 3, 10) < 0 || random_hex(secret + 4, 32) < 0 ||
	    seal(1, seal_hex, key_id, box, secret) < 0)
		return KQ_UNAVAILABLE;
	hex_encode(box, sizeof(box), sealed);
	scopes_text(scopes, text, sizeof(text));
	args[0] = DB_STR(key_id);
	args[1] = DB_STR(name);
	args[2] = DB_STR(text);
	args[3] = DB_STR(sealed);
	return db_exec(db, "INSERT INTO api_keys (key_id, name, scopes,"
	    " secret_sealed) VALUES (?, ?, ?, ?)", args, 4, NULL, NULL);
}

enum kq_outcome
apikey_revoke(struct db *db, const char *key_id)
{
	struct db_arg	arg = DB_STR(key_id);
	uint64_t	n = 0;
	enum kq_outcome	s;

	s = db_exec(db, "UPDATE api_keys SET revoked_at = UTC_TIMESTAMP()"
	    " WHERE key_id = ? AND revoked_at IS NULL", &arg, 1, &n, NULL);
	return s != KQ_OK ? s : n == 1 ? KQ_OK : KQ_NOT_FOUND;
}

enum kq_outcome
apikey_list(struct db *db, struct arena *a, struct api_key **out, size_t *n)
{
	return db_select(db, a, &SQL_KEY_LIST, NULL, 0, sizeof(**out), out, n);
}

/* The value of NAME= in the header's comma-separated list, into out. */
static int
auth_part(const char *h, const char *name, char *out, size_t outsz)
{
	size_t len = strlen(name), vlen;

	while (*h != '\0') {
		h += strspn(h, " ,");
		vlen = strcspn(h, ",");
		if (vlen > len && strncmp(h, name, len) == 0 && h[len] == '=') {
			vlen -= len + 1;
			while (vlen > 0 && h[len + vlen] == ' ')
				vlen--;
			if (vlen == 0 || vlen >= outsz)
				return -1;
			memcpy(out, h + len + 1, vlen);
			out[vlen] = '\0';
			return 0;
		}
		h += vlen;
	}
	return -1;
}

enum kq_outcome
apikey_once(struct db *db, const struct api_key *key)
{
	struct db_arg	a[2] = { DB_BIN(key->mac, sizeof(key->mac)),
			    DB_INT(key->id) };
	enum kq_outcome	s;

	s = db_exec(db, SQL_SIGNATURE_SEEN, a, 2, NULL, NULL);
	return s == KQ_CONFLICT ? KQ_REPLAYED : s;
}

enum kq_outcome
apikey_sweep(struct db *db, unsigned long long *n)
{
	return db_exec_chunked(db, SQL_SIGNATURES_SWEEP, NULL, 0, n);
}

enum kq_outcome
apikey_check(struct db *db, struct arena *a, const char *seal_hex,
    const struct api_signed *q, time_t now, struct api_key *key)
{
	char		 id[API_KEY_ID_LEN + 2], ts[24], sig[72], secret[API_SECRET_LEN];
	char		 body_hash[65], want[65], *msg, *end;
	unsigned char	 box[SEALED_LEN], mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state hs;
	struct key_row	 row;
	struct db_arg	 arg;
	enum kq_outcome	 s;
	long long	 t;

	if (q->authorization == NULL || seal_hex == NULL ||
	    strncmp(q->authorization, SCHEME, strlen(SCHEME)) != 0)
		return KQ_UNAUTHORIZED;
	if (auth_part(q->authorization + strlen(SCHEME), "Key", id, sizeof(id)) < 0 ||
	    auth_part(q->authorization + strlen(SCHEME), "Timestamp", ts, sizeof(ts)) < 0 ||
	    auth_part(q->authorization + strlen(SCHEME), "Signature", sig, sizeof(sig)) < 0 ||
	    strlen(id) != API_KEY_ID_LEN || strlen(sig) != 64)
		return KQ_UNAUTHORIZED;
	t = strtoll(ts, &end, 10);
	if (*end != '\0' || t < now - API_SKEW || t > now + API_SKEW)
		return KQ_UNAUTHORIZED;
	arg = DB_STR(id);
	s = db_select_one(db, a, &SQL_KEY_FIND, &arg, 1, &row, sizeof(row));
	if (s != KQ_OK)
		return s == KQ_NOT_FOUND ? KQ_UNAUTHORIZED : s;
	if (hex_decode(row.sealed, box, sizeof(box)) < 0 ||
	    seal(0, seal_hex, row.k.key_id, box, secret) < 0)
		return KQ_UNAUTHORIZED;	/* sealed under another seal key */
	sha256_hex(q->body != NULL ? q->body : "", q->len, body_hash);
	msg = arena_printf(a, "%s\n%s\n%s\n%s\n%s\n%s", q->method, q->path,
	    q->query != NULL ? q->query : "", ts, body_hash,
	    q->idem != NULL ? q->idem : "");
	if (msg == NULL)
		return KQ_UNAVAILABLE;
	crypto_auth_hmacsha256_init(&hs, (const unsigned char *)secret,
	    API_SECRET_LEN);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)msg,
	    strlen(msg));
	crypto_auth_hmacsha256_final(&hs, mac);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(&hs, sizeof(hs));
	hex_encode(mac, sizeof(mac), want);
	for (end = sig; *end != '\0'; end++)	/* hex in either case */
		if (*end >= 'A' && *end <= 'F')
			*end = (char)(*end - 'A' + 'a');
	if (sodium_memcmp(want, sig, 64) != 0)
		return KQ_UNAUTHORIZED;
	*key = row.k;
	memcpy(key->mac, mac, sizeof(key->mac));
	key->scopes = apikey_scopes_parse(row.k.scopes_text);
	return KQ_OK;
}
