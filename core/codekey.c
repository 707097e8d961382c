/*
 * codekey.c - the code keys: look-up hashes, seals, versions (codekey.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codekey.h"
#include "base/codes.h"
#include "base/log.h"

#define NONCE_LEN	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN		crypto_aead_xchacha20poly1305_ietf_ABYTES
#define ID_LEN		8	/* a row's id in a block: 8 bytes, big-endian */
#define AD_LEN		29	/* kind, owner, first and last id, count */
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

void
code_keep(const char *code, struct code_kept *out)
{
	size_t len = strlen(code);

	hash_under(&current, code, out->hash);
	out->version = current.version;
	if (len > CODE_LAST_LEN)
		code += len - CODE_LAST_LEN;
	memcpy(out->last4, code, strlen(code) + 1);
}

/* ------------------------------------------------------------ blocks */

static const char *const kind_names[] = { "voucher", "card" };

static size_t
code_len(enum code_kind kind)
{
	return kind == CK_CARD ? CARD_LEN : VCODE_LEN;
}

static void
put_be(unsigned char *p, unsigned long long v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
}

static unsigned long long
get_be(const unsigned char *p, int bytes)
{
	unsigned long long	v = 0;
	int			i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* What a block is bound to: its kind, owner, id range and count. */
static void
block_ad(unsigned char ad[AD_LEN], enum code_kind kind, long long owner,
    long long first, long long last, size_t n)
{
	ad[0] = kind == CK_CARD ? 'c' : 'v';
	put_be(ad + 1, (unsigned long long)owner, 8);
	put_be(ad + 9, (unsigned long long)first, 8);
	put_be(ad + 17, (unsigned long long)last, 8);
	put_be(ad + 25, n, 4);
}

static const char SQL_SEAL_ADD[] =
    "INSERT INTO code_seals (kind, owner, first_id, last_id, code_kv, sealed)"
    " VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_SEAL_UPDATE[] =
    "UPDATE code_seals SET code_kv = ?, sealed = ? WHERE kind = ?"
    " AND owner = ? AND first_id = ?";

/* Seals n codes (ids increasing) as one block: nonce, sealed records of
 * (id, code), tag, into *box (malloc'd) of *len bytes; 0 or -1. */
static int
block_seal(enum code_kind kind, long long owner, const long long *ids,
    const char *codes, size_t n, unsigned char **box, size_t *len)
{
	size_t		 clen = code_len(kind), rec = ID_LEN + clen, i;
	unsigned char	*plain, ad[AD_LEN];

	*len = NONCE_LEN + n * rec + TAG_LEN;
	if (!current.set || n == 0 || (*box = malloc(*len)) == NULL)
		return -1;
	if ((plain = malloc(n * rec)) == NULL) {
		free(*box);
		return -1;
	}
	for (i = 0; i < n; i++) {
		put_be(plain + i * rec, (unsigned long long)ids[i], ID_LEN);
		memcpy(plain + i * rec + ID_LEN, codes + i * (clen + 1), clen);
	}
	block_ad(ad, kind, owner, ids[0], ids[n - 1], n);
	if (random_pooled(*box, NONCE_LEN) < 0) {
		sodium_memzero(plain, n * rec);
		free(plain);
		free(*box);
		return -1;
	}
	crypto_aead_xchacha20poly1305_ietf_encrypt(*box + NONCE_LEN, NULL, plain,
	    n * rec, ad, sizeof(ad), NULL, *box, current.seal);
	sodium_memzero(plain, n * rec);
	free(plain);
	return 0;
}

enum kq_outcome
code_seal(struct db *db, enum code_kind kind, long long owner,
    const long long *ids, const char *codes, size_t n)
{
	struct db_arg	 a[6];
	unsigned char	*box;
	size_t		 len, k, clen = code_len(kind);
	enum kq_outcome	 s = KQ_OK;

	for (; s == KQ_OK && n > 0; ids += k, codes += k * (clen + 1), n -= k) {
		k = n < CODE_BLOCK ? n : CODE_BLOCK;
		if (block_seal(kind, owner, ids, codes, k, &box, &len) < 0)
			return KQ_UNAVAILABLE;
		a[0] = DB_STR(kind_names[kind]);
		a[1] = DB_INT(owner);
		a[2] = DB_INT(ids[0]);
		a[3] = DB_INT(ids[k - 1]);
		a[4] = DB_INT(current.version);
		a[5] = DB_BIN(box, len);
		s = db_exec(db, SQL_SEAL_ADD, a, 6, NULL, NULL);
		free(box);
	}
	return s;
}

static const struct db_col block_cols[] = {
	DB_COL(struct code_block, first_id, "first_id"),
	DB_COL(struct code_block, last_id, "last_id"),
	DB_COL(struct code_block, kv, "code_kv"),
	DB_END
};
static const struct db_col sealed_cols[] = {
	DB_COL(struct code_block, sealed, "HEX(sealed)"),
	DB_END
};
static struct db_sel SQL_BLOCKS = DB_SEL(
    "SELECT {cols} FROM code_seals WHERE kind = ? AND owner = ?"
    " AND last_id >= ? AND first_id <= ? ORDER BY first_id",
    DB_WHOLE(block_cols));
static struct db_sel SQL_BLOCK = DB_SEL(
    "SELECT {cols} FROM code_seals WHERE kind = ? AND owner = ?"
    " AND first_id = ?", DB_WHOLE(block_cols), DB_WHOLE(sealed_cols));

/* Opens a block read with its sealed text into b->ids and b->codes (the
 * arena's); 0, or -1 (logged) when it does not open as what it is. */
static int
block_open(struct arena *a, enum code_kind kind, long long owner,
    struct code_block *b)
{
	const struct key	*k = current.set && b->kv == current.version ?
				    &current : previous.set &&
				    b->kv == previous.version ? &previous : NULL;
	size_t			 clen = code_len(kind), rec = ID_LEN + clen;
	size_t			 len = b->sealed ? strlen(b->sealed) / 2 : 0, i;
	unsigned char		*box, *plain, ad[AD_LEN];
	unsigned long long	 plen;

	if (len <= NONCE_LEN + TAG_LEN || (len - NONCE_LEN - TAG_LEN) % rec != 0)
		goto fail;
	b->n = (len - NONCE_LEN - TAG_LEN) / rec;
	block_ad(ad, kind, owner, b->first_id, b->last_id, b->n);
	if (k == NULL || (box = arena_alloc(a, len)) == NULL ||
	    hex_decode(b->sealed, box, len) < 0 ||
	    (plain = arena_alloc(a, b->n * rec)) == NULL ||
	    (b->ids = arena_alloc(a, b->n * sizeof(*b->ids))) == NULL ||
	    (b->codes = arena_alloc(a, b->n * (clen + 1))) == NULL ||
	    crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL,
	    box + NONCE_LEN, len - NONCE_LEN, ad, sizeof(ad), box, k->seal) != 0)
		goto fail;
	for (i = 0; i < b->n; i++) {
		b->ids[i] = (long long)get_be(plain + i * rec, ID_LEN);
		memcpy(b->codes + i * (clen + 1), plain + i * rec + ID_LEN, clen);
		b->codes[i * (clen + 1) + clen] = '\0';
	}
	sodium_memzero(plain, b->n * rec);
	return 0;
fail:
	kq_log("codes: the block of %s %lld from row %lld does not open (key"
	    " version %lld: is code_key right?)", kind_names[kind], owner,
	    b->first_id, b->kv);
	return -1;
}

enum kq_outcome
code_block_load(struct db *db, struct arena *a, enum code_kind kind,
    long long owner, struct code_block *b)
{
	struct db_arg	x[3] = { DB_STR(kind_names[kind]), DB_INT(owner),
			    DB_INT(b->first_id) };
	enum kq_outcome	s;

	if ((s = db_select_one(db, a, &SQL_BLOCK, x, 3, b, sizeof(*b))) != KQ_OK)
		return s;
	return block_open(a, kind, owner, b) < 0 ? KQ_UNAVAILABLE : KQ_OK;
}

enum kq_outcome
code_blocks(struct db *db, struct arena *a, enum code_kind kind,
    long long owner, long long from, long long to, struct code_block **out,
    size_t *n)
{
	struct db_arg x[4] = { DB_STR(kind_names[kind]), DB_INT(owner),
	    DB_INT(from), DB_INT(to) };

	return db_select(db, a, &SQL_BLOCKS, x, 4, sizeof(**out), out, n);
}

const char *
code_find(const struct code_block *b, size_t n, long long id)
{
	size_t	i, lo, hi, mid, clen;

	for (i = 0; i < n; i++) {
		if (id < b[i].first_id || id > b[i].last_id)
			continue;
		clen = b[i].n > 0 ? strlen(b[i].codes) : 0;
		for (lo = 0, hi = b[i].n; lo < hi;) {	/* ids increase */
			mid = lo + (hi - lo) / 2;
			if (b[i].ids[mid] == id)
				return b[i].codes + mid * (clen + 1);
			if (b[i].ids[mid] < id)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return NULL;
}

enum kq_outcome
code_each(struct db *db, enum code_kind kind, long long owner,
    int (*fn)(void *, long long, const char *), void *ctx)
{
	struct code_block	*b;
	struct arena		 list, one;	/* the ranges; one block at a time */
	enum kq_outcome		 s;
	size_t			 n, i, j, clen = code_len(kind);
	int			 stop = 0;

	arena_init(&list, 8192, 0);
	arena_init(&one, 65536, 0);
	s = code_blocks(db, &list, kind, owner, 0, LLONG_MAX, &b, &n);
	for (i = 0; s == KQ_OK && !stop && i < n; i++) {
		arena_reset(&one);
		if ((s = code_block_load(db, &one, kind, owner, &b[i])) != KQ_OK)
			break;
		for (j = 0; !stop && j < b[i].n; j++)
			stop = fn(ctx, b[i].ids[j], b[i].codes + j * (clen + 1)) < 0;
		sodium_memzero(b[i].codes, b[i].n * (clen + 1));
	}
	arena_free(&one);
	arena_free(&list);
	return s;
}

/* ------------------------------------------------------------ new codes */

int
code_fresh_init(struct code_fresh *f, struct db *db, enum code_kind kind,
    long long owner, long long first_id, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->db = db;
	f->kind = kind;
	f->owner = owner;
	f->first_id = first_id;
	f->n = n;
	if ((f->kept = calloc(n, sizeof(*f->kept))) == NULL ||
	    (f->codes = calloc(n, code_len(kind) + 1)) == NULL ||
	    (f->ids = calloc(n, sizeof(*f->ids))) == NULL) {
		code_fresh_free(f);
		return -1;
	}
	return 0;
}

void
code_fresh_free(struct code_fresh *f)
{
	free(f->kept);
	free(f->ids);
	if (f->codes != NULL)
		sodium_memzero(f->codes, f->n * (code_len(f->kind) + 1));
	free(f->codes);
	memset(f, 0, sizeof(*f));
}

int
code_fresh_row(struct code_fresh *f, long long i, size_t k, struct db_arg *args)
{
	size_t		  clen = code_len(f->kind);
	char		 *code = f->codes + k * (clen + 1);
	struct code_kept *kept = &f->kept[k];

	if ((f->kind == CK_CARD ? card_generate(code) : vcode_generate(code)) < 0)
		return -1;
	code_keep(code, kept);
	f->ids[k] = f->first_id + i + (long long)k;
	args[0] = DB_INT(f->ids[k]);
	args[1] = DB_BIN(kept->hash, CODE_HASH_LEN);
	args[2] = DB_INT(kept->version);
	args[3] = DB_STR(kept->last4);
	return 0;
}

enum kq_outcome
code_fresh_sealed(void *arg, long long i, size_t n)
{
	struct code_fresh	*f = arg;
	enum kq_outcome		 s;

	(void)i;	/* the statement's rows are f's, from 0 */
	s = code_seal(f->db, f->kind, f->owner, f->ids, f->codes, n);
	sodium_memzero(f->codes, n * (code_len(f->kind) + 1));
	return s;
}

/* ------------------------------------------------------------ moving */

static const struct db_col stale_cols[] = {
	DB_COL(struct code_plain_row, owner, "owner"),
	DB_END
};
struct stale_row {
	struct code_plain_row	 p;	/* owner only */
	struct code_block	 b;
};
static struct db_sel SQL_STALE_BLOCK = DB_SEL(
    "SELECT {cols} FROM code_seals WHERE kind = ? AND code_kv <> ?"
    " ORDER BY kind, owner, first_id LIMIT 1 FOR UPDATE",
    DB_PART(stale_cols, struct stale_row, p),
    DB_PART(block_cols, struct stale_row, b),
    DB_PART(sealed_cols, struct stale_row, b));

struct move {
	enum code_kind	 kind;
	struct db_sel	*plain;		/* code_convert's */
	const char	*row_update;
	size_t		 got;
};

/* One stale block: opened with the previous key, its rows' hashes moved,
 * sealed anew. */
static enum kq_outcome
rekey_txn(struct db *db, struct arena *a, void *arg)
{
	struct move		*m = arg;
	struct stale_row	 r;
	struct code_kept	 k;
	struct db_arg		 x[5];
	unsigned char		*box;
	size_t			 i, len, clen = code_len(m->kind);
	enum kq_outcome		 s;

	m->got = 0;
	x[0] = DB_STR(kind_names[m->kind]);
	x[1] = DB_INT(current.version);
	if ((s = db_select_one(db, a, &SQL_STALE_BLOCK, x, 2, &r,
	    sizeof(r))) != KQ_OK)
		return s == KQ_NOT_FOUND ? KQ_OK : s;
	if (block_open(a, m->kind, r.p.owner, &r.b) < 0)
		return KQ_CONFLICT;
	for (i = 0; i < r.b.n; i++) {
		code_keep(r.b.codes + i * (clen + 1), &k);
		x[0] = DB_BIN(k.hash, CODE_HASH_LEN);
		x[1] = DB_INT(k.version);
		x[2] = DB_INT(r.b.ids[i]);
		if ((s = db_exec(db, m->row_update, x, 3, NULL, NULL)) != KQ_OK)
			return s;
	}
	if (block_seal(m->kind, r.p.owner, r.b.ids, r.b.codes, r.b.n, &box,
	    &len) < 0)
		return KQ_UNAVAILABLE;
	sodium_memzero(r.b.codes, r.b.n * (clen + 1));
	x[0] = DB_INT(current.version);
	x[1] = DB_BIN(box, len);
	x[2] = DB_STR(kind_names[m->kind]);
	x[3] = DB_INT(r.p.owner);
	x[4] = DB_INT(r.b.first_id);
	s = db_exec(db, SQL_SEAL_UPDATE, x, 5, NULL, NULL);
	free(box);
	m->got = r.b.n;
	return s;
}

/* One chunk of codes kept in the clear: each row kept, its owner's run of
 * rows sealed as a block. */
static enum kq_outcome
convert_txn(struct db *db, struct arena *a, void *arg)
{
	struct move		*m = arg;
	struct code_plain_row	*rows;
	struct code_kept	 k;
	struct db_arg		 x[4];
	long long		*ids;
	char			*codes;
	size_t			 i, from, clen = code_len(m->kind);
	enum kq_outcome		 s;

	if ((s = db_select(db, a, m->plain, NULL, 0, sizeof(*rows), &rows,
	    &m->got)) != KQ_OK || m->got == 0)
		return s;
	if ((ids = arena_alloc(a, m->got * sizeof(*ids))) == NULL ||
	    (codes = arena_zalloc(a, m->got * (clen + 1))) == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < m->got; i++) {
		if (strlen(rows[i].code) != clen)
			return KQ_CONFLICT;	/* not a code of this kind */
		code_keep(rows[i].code, &k);
		x[0] = DB_BIN(k.hash, CODE_HASH_LEN);
		x[1] = DB_INT(k.version);
		x[2] = DB_STR(k.last4);
		x[3] = DB_INT(rows[i].id);
		if ((s = db_exec(db, m->row_update, x, 4, NULL, NULL)) != KQ_OK)
			return s;
		ids[i] = rows[i].id;
		memcpy(codes + i * (clen + 1), rows[i].code, clen);
	}
	for (from = 0, i = 1; i <= m->got; i++)	/* a block per owner */
		if (i == m->got || rows[i].owner != rows[from].owner) {
			if ((s = code_seal(db, m->kind, rows[from].owner,
			    ids + from, codes + from * (clen + 1), i - from)) != KQ_OK)
				return s;
			from = i;
		}
	sodium_memzero(codes, m->got * (clen + 1));
	return KQ_OK;
}

static enum kq_outcome
move_all(struct db *db, struct move *m,
    enum kq_outcome (*txn)(struct db *, struct arena *, void *), long long *n)
{
	struct arena	chunk;		/* one chunk's rows, then the next's */
	enum kq_outcome	s;

	*n = 0;
	if (!codekey_ready())
		return KQ_UNAVAILABLE;
	arena_init(&chunk, 65536, 0);
	do {
		arena_reset(&chunk);
		if ((s = db_txn(db, &chunk, txn, m)) != KQ_OK)
			break;
		*n += (long long)m->got;
	} while (m->got > 0);
	arena_free(&chunk);
	return s;
}

enum kq_outcome
code_rekey(struct db *db, enum code_kind kind, const char *row_update,
    long long *n)
{
	struct move m = { kind, NULL, row_update, 0 };

	return move_all(db, &m, rekey_txn, n);
}

enum kq_outcome
code_convert(struct db *db, enum code_kind kind, struct db_sel *plain,
    const char *row_update, long long *n)
{
	struct move m = { kind, plain, row_update, 0 };

	return move_all(db, &m, convert_txn, n);
}
