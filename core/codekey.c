/*
 * codekey.c - the code keys: look-up hashes, seals, versions (codekey.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "codekey.h"
#include "codes.h"
#include "log.h"

#define NONCE_LEN	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN		crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEY_LEN		32
#define KDF_CONTEXT	"kqcodes_"	/* crypto_kdf: 8 bytes */

/* One key: the HMAC key itself, the seal key derived from it, and its
 * version, a fingerprint no other key has. */
struct key {
	int		 set;
	unsigned char	 hmac[KEY_LEN];
	crypto_auth_hmacsha256_state keyed;	/* the HMAC with its key in:
						   copied per code */
	unsigned char	 seal[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned	 version;
};

static struct key current, previous;

static int
key_make(struct key *k, const char *hex, const char *name, char *err,
    size_t errsz)
{
	unsigned char	fp[crypto_auth_hmacsha256_BYTES];
	static const char tag[] = "kaquan code key version";

	if (hex_decode(hex, k->hmac, sizeof(k->hmac)) < 0) {
		snprintf(err, errsz, "%s must be 64 hex digits (32 random bytes)",
		    name);
		return -1;
	}
	if (sodium_init() < 0 || crypto_kdf_derive_from_key(k->seal,
	    sizeof(k->seal), 1, KDF_CONTEXT, k->hmac) != 0) {
		snprintf(err, errsz, "%s: libsodium failed", name);
		return -1;
	}
	crypto_auth_hmacsha256(fp, (const unsigned char *)tag, strlen(tag),
	    k->hmac);
	crypto_auth_hmacsha256_init(&k->keyed, k->hmac, sizeof(k->hmac));
	k->version = (unsigned)fp[0] << 24 | (unsigned)fp[1] << 16 |
	    (unsigned)fp[2] << 8 | fp[3];
	if (k->version == 0)	/* 0 means "none" */
		k->version = 1;
	k->set = 1;
	return 0;
}

int
codekey_init(const char *current_hex, const char *previous_hex, char *err,
    size_t errsz)
{
	codekey_free();
	if (current_hex == NULL) {
		snprintf(err, errsz, "no code_key: 64 hex digits (32 random bytes,"
		    " e.g. od -An -tx1 -N32 /dev/urandom | tr -d ' \\n'), kept out of"
		    " the database's backups");
		return -1;
	}
	if (key_make(&current, current_hex, "code_key", err, errsz) < 0 ||
	    (previous_hex != NULL && key_make(&previous, previous_hex,
	    "code_key_previous", err, errsz) < 0)) {
		codekey_free();
		return -1;
	}
	if (previous.set && previous.version == current.version) {
		snprintf(err, errsz, "code_key_previous is code_key");
		codekey_free();
		return -1;
	}
	return 0;
}

int
codekey_ready(void)
{
	return current.set;
}

void
codekey_free(void)
{
	sodium_memzero(&current, sizeof(current));
	sodium_memzero(&previous, sizeof(previous));
}

unsigned
codekey_version(void)
{
	return current.set ? current.version : 0;
}

unsigned
codekey_previous_version(void)
{
	return previous.set ? previous.version : 0;
}

static void
hash_under(const struct key *k, const char *code, unsigned char out[CODE_HASH_LEN])
{
	crypto_auth_hmacsha256_state	st = k->keyed;
	unsigned char			mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_update(&st, (const unsigned char *)code,
	    strlen(code));
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, mac, CODE_HASH_LEN);
}

void
code_hashes(const char *code, unsigned char cur[CODE_HASH_LEN],
    unsigned char prev[CODE_HASH_LEN])
{
	hash_under(&current, code, cur);
	hash_under(previous.set ? &previous : &current, code, prev);
}

/* The associated data of row (kind, id): its kind and its id as 8 bytes
 * (big-endian), so a seal opens only in its row. */
static size_t
row_ad(enum code_kind kind, long long id, unsigned char out[9])
{
	int i;

	out[0] = kind == CK_CARD ? 'c' : 'v';
	for (i = 0; i < 8; i++)
		out[1 + i] = (unsigned char)((unsigned long long)id >> (56 - 8 * i));
	return 9;
}

int
code_keep(enum code_kind kind, const char *code, long long id,
    struct code_kept *out)
{
	unsigned char	ad[9];
	size_t		len = strlen(code), adlen = row_ad(kind, id, ad);

	if (!current.set || len < CODE_LAST_LEN ||
	    NONCE_LEN + len + TAG_LEN > CODE_SEALED_MAX)
		return -1;
	hash_under(&current, code, out->hash);
	out->version = current.version;
	memcpy(out->last4, code + len - CODE_LAST_LEN, CODE_LAST_LEN + 1);
	if (random_pooled(out->sealed, NONCE_LEN) < 0)
		return -1;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out->sealed + NONCE_LEN,
	    NULL, (const unsigned char *)code, len, ad, adlen, NULL, out->sealed,
	    current.seal);
	out->sealed_len = NONCE_LEN + len + TAG_LEN;
	return 0;
}

int
code_open(enum code_kind kind, const char *sealed_hex, unsigned version,
    long long id, char *out, size_t outsz)
{
	const struct key	*k = current.set && version == current.version ?
				    &current : previous.set &&
				    version == previous.version ? &previous : NULL;
	unsigned char		 box[CODE_SEALED_MAX], ad[9];
	size_t			 n = sealed_hex != NULL ? strlen(sealed_hex) / 2 : 0;
	size_t			 adlen = row_ad(kind, id, ad);
	unsigned long long	 len;

	if (k == NULL || n <= NONCE_LEN + TAG_LEN || n > sizeof(box) ||
	    n - NONCE_LEN - TAG_LEN >= outsz || hex_decode(sealed_hex, box, n) < 0)
		return -1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out,
	    &len, NULL, box + NONCE_LEN, n - NONCE_LEN, ad, adlen, box,
	    k->seal) != 0)
		return -1;
	out[len] = '\0';
	return 0;
}

/* ------------------------------------------------------------ in bulk */

const struct db_col code_move_cols[] = {
	DB_COL(struct code_move_row, id, "id"),
	DB_COL(struct code_move_row, kv, "code_kv"),
	DB_COL(struct code_move_row, sealed, "HEX(code_sealed)"),
	DB_COL(struct code_move_row, plain, "NULL"),
	DB_END
};
const struct db_col code_move_cols_plain[] = {
	DB_COL(struct code_move_row, id, "id"),
	DB_COL(struct code_move_row, kv, "code_kv"),
	DB_COL(struct code_move_row, sealed, "NULL"),
	DB_COL(struct code_move_row, plain, "code"),
	DB_END
};

struct move {
	enum code_kind	 kind;
	struct db_sel	*pending;
	const char	*update;
	long long	 after, moved;
	size_t		 got;
};

/* One chunk: its rows locked, each code opened (or read in the clear)
 * and kept anew under the current key. */
static enum kq_status
move_txn(struct db *db, struct arena *a, void *arg)
{
	struct move		*m = arg;
	struct code_move_row	*rows;
	struct code_kept	 k;
	struct db_arg		 x[5];
	char			 code[32];
	enum kq_status		 s;
	size_t			 i;

	x[0] = DB_INT(m->after);
	x[1] = DB_INT(codekey_version());
	if ((s = db_select(db, a, m->pending, x, 2, sizeof(*rows), &rows,
	    &m->got)) != KQ_OK)
		return s;
	for (i = 0; i < m->got; i++) {
		if (rows[i].plain != NULL)
			snprintf(code, sizeof(code), "%s", rows[i].plain);
		else if (code_open(m->kind, rows[i].sealed, (unsigned)rows[i].kv,
		    rows[i].id, code, sizeof(code)) < 0) {
			kq_log("codes: %s %lld is under key version %lld, which is"
			    " neither code_key nor code_key_previous",
			    m->kind == CK_CARD ? "card" : "voucher", rows[i].id,
			    rows[i].kv);
			return KQ_CONFLICT;
		}
		if (code_keep(m->kind, code, rows[i].id, &k) < 0)
			return KQ_UNAVAILABLE;
		explicit_bzero(code, sizeof(code));
		x[0] = DB_BIN(k.hash, CODE_HASH_LEN);
		x[1] = DB_INT(k.version);
		x[2] = DB_STR(k.last4);
		x[3] = DB_BIN(k.sealed, k.sealed_len);
		x[4] = DB_INT(rows[i].id);
		if ((s = db_exec(db, m->update, x, 5, NULL, NULL)) != KQ_OK)
			return s;
	}
	if (m->got > 0)
		m->after = rows[m->got - 1].id;
	return KQ_OK;
}

enum kq_status
code_rows_move(struct db *db, enum code_kind kind, struct db_sel *pending,
    const char *update, long long *n)
{
	struct move	m = { kind, pending, update, 0, 0, 0 };
	struct arena	chunk;		/* one chunk's rows, then the next's */
	enum kq_status	s;

	*n = 0;
	if (!codekey_ready())
		return KQ_UNAVAILABLE;
	arena_init(&chunk, 65536, 0);
	do {
		arena_reset(&chunk);
		if ((s = db_txn(db, &chunk, move_txn, &m)) != KQ_OK)
			break;
		*n += (long long)m.got;
	} while (m.got > 0);
	arena_free(&chunk);
	return s;
}
