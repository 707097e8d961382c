/*
 * codekey.h - codes at rest (SPEC §7): what the database keeps of a voucher
 * redemption code or a pickup-card code, so that a copy of it alone
 * redeems nothing.
 *
 * Under the configuration's code_key (a secret never in the database), a
 * code's row keeps
 *   - a keyed hash for look-up: HMAC-SHA256(code_key, code), its first 16
 *     bytes (RFC 2104 §5 allows the truncation; a code has 56 or 75 bits),
 *   - its last four symbols, for display,
 *   - the version of the key (a fingerprint of it);
 * and the whole codes are sealed, for the audited downloads and full
 * views, in blocks (code_seals, which this module alone writes): the codes
 * of one batch of cards or one issue of codes (the block's owner), up to
 * CODE_BLOCK of them, each beside its row's id in the sealed text, with
 * XChaCha20-Poly1305 under a key derived from code_key (libsodium's
 * crypto_kdf) and the block's kind, owner and id range as associated data:
 * a block opens only as what it was sealed as, and each code only with
 * its row.  One seal per block, not per row: a 100,000-card batch then
 * seals 98 blocks instead of 100,000 rows (SPEC §9's 1.5 s).
 *
 * To move to a new key the operator names it code_key and the old one
 * code_key_previous, reloads, and runs `kaquanctl codes rekey` while kaquan
 * serves: look-ups try the current key, then the previous.
 *
 * The keys are the process's, set once at start (codekey_init).
 */
#ifndef KQ_CODEKEY_H
#define KQ_CODEKEY_H

#include <stddef.h>

#include "base/arena.h"
#include "db/db.h"

#define CODE_HASH_LEN		16
#define CODE_LAST_LEN		4
#define CODE_BLOCK		1024	/* codes a block holds at most */

enum code_kind { CK_VOUCHER, CK_CARD };

/* What a code's row keeps of it. */
struct code_kept {
	unsigned char	 hash[CODE_HASH_LEN];
	unsigned	 version;
	char		 last4[CODE_LAST_LEN + 1];
};

/* The keys from the configuration's hex text (64 digits each; previous
 * may be NULL).  0, or -1 with why in err. */
int		codekey_init(const char *current_hex, const char *previous_hex,
		    char *err, size_t errsz);
/* Whether codekey_init() has set a key. */
int		codekey_ready(void);
void		codekey_free(void);
/* The versions of the current and the previous key (0: none). */
unsigned	codekey_version(void);
unsigned	codekey_previous_version(void);

/* The look-up hashes of a normalised code: under the current key, and
 * under the previous one (the current again when there is none). */
void		code_hashes(const char *code, unsigned char cur[CODE_HASH_LEN],
		    unsigned char prev[CODE_HASH_LEN]);
/* What a row keeps of a normalised code, under the current key. */
void		code_keep(const char *code, struct code_kept *);

/*
 * New codes for rows of one owner being inserted (db_insert_rows): a
 * statement's rows each bind their id, code_hash, code_kv and code_last4
 * first (CODE_ROW_ARGS), and once they are in, their codes are sealed.
 */
#define CODE_ROW_ARGS	4
struct code_fresh {
	struct db	*db;
	enum code_kind	 kind;
	long long	 owner, first_id;	/* row index i is first_id + i */
	struct code_kept *kept;		/* a statement's rows': room for n */
	char		*codes;
	long long	*ids;
	size_t		 n;
};
/* Room for statements of up to n rows; 0 or -1. */
int		code_fresh_init(struct code_fresh *, struct db *, enum code_kind,
		    long long owner, long long first_id, size_t n);
void		code_fresh_free(struct code_fresh *);
/* Row k of the statement whose rows start at index i: a new code drawn
 * (CSPRNG), kept, its four arguments at args; 0 or -1. */
int		code_fresh_row(struct code_fresh *, long long i, size_t k,
		    struct db_arg *args);
/* db_insert_rows' after (ctx: the struct code_fresh): the statement's n
 * rows are in, their codes sealed. */
enum kq_outcome	code_fresh_sealed(void *, long long i, size_t n);

/* A block of sealed codes: rows first_id..last_id of its owner; ids and
 * codes once opened (code i at codes + i * (its kind's length + 1)). */
struct code_block {
	long long	 first_id, last_id, kv;
	const char	*sealed;	/* HEX(sealed) as read, or NULL */
	size_t		 n;
	long long	*ids;
	char		*codes;
};

/* Inside the caller's transaction: seals the codes of n rows of owner
 * (ids increasing; codes one after the other, each its kind's length and
 * a NUL) as blocks of up to CODE_BLOCK. */
enum kq_outcome	code_seal(struct db *, enum code_kind, long long owner,
		    const long long *ids, const char *codes, size_t n);
/* Every code of owner's blocks, in id order, to fn(ctx, id, code) (a
 * download); fn returns -1 to stop.  A block that cannot be opened is
 * KQ_UNAVAILABLE, logged. */
enum kq_outcome	code_each(struct db *, enum code_kind, long long owner,
		    int (*fn)(void *ctx, long long id, const char *code),
		    void *ctx);
/* The blocks of owner holding ids from..to (their ranges), into the
 * arena; code_block_load() opens one. */
enum kq_outcome	code_blocks(struct db *, struct arena *, enum code_kind,
		    long long owner, long long from, long long to,
		    struct code_block **, size_t *n);
/* Reads block b (as code_blocks() gave it) and opens it into the arena;
 * KQ_UNAVAILABLE, logged, when it does not open. */
enum kq_outcome	code_block_load(struct db *, struct arena *, enum code_kind,
		    long long owner, struct code_block *b);
/* The code of row id in n loaded blocks, or NULL. */
const char	*code_find(const struct code_block *, size_t n, long long id);

/*
 * Moving codes, with the owner table's own statements (each table has one
 * writer): each block, or chunk, is one transaction of its own.
 * code_rekey: every block not under the current key opened with the
 * previous one and sealed anew; row_update, with (code_hash, code_kv, id),
 * moves each of its rows' hashes.  code_convert: the codes kept in the
 * clear before 010 (plain: the owner's select of struct code_plain_row
 * for its rows with a code, in (owner, id) order, a chunk of CODE_BLOCK,
 * locked); row_update, with (code_hash, code_kv, code_last4, id), keeps
 * each and forgets the code in the clear.  *n gets how many
 * rows moved; a block under a key neither current nor previous is
 * KQ_CONFLICT, logged.
 */
struct code_plain_row {
	long long	 id, owner;
	const char	*code;
};
enum kq_outcome	code_rekey(struct db *, enum code_kind, const char *row_update,
		    long long *n);
enum kq_outcome	code_convert(struct db *, enum code_kind, struct db_sel *plain,
		    const char *row_update, long long *n);

#endif
