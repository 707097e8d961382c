/*
 * codekey.h - codes at rest (SPEC §7): what the database keeps of a voucher
 * redemption code or a pickup-card code, so that a copy of it alone
 * redeems nothing.
 *
 * Each code is kept three ways, under the configuration's code_key (a
 * secret never in the database):
 *   - a keyed hash for look-up: HMAC-SHA256(code_key, code), its first 16
 *     bytes (RFC 2104 §5 allows the truncation; a code has 56 or 75 bits);
 *   - its last four symbols, for display;
 *   - the whole code sealed with XChaCha20-Poly1305 under a key derived
 *     from code_key (libsodium's crypto_kdf), the row's kind and id as
 *     associated data, for the audited downloads and full views.
 * Each row records its key's version (a fingerprint of the key).  To move
 * to a new key the operator names it code_key and the old one
 * code_key_previous, reloads, and runs `kaquanctl codes rekey` while kaquan
 * serves: look-ups try the current key, then the previous.
 *
 * The keys are the process's, set once at start (codekey_init).
 */
#ifndef KQ_CODEKEY_H
#define KQ_CODEKEY_H

#include <stddef.h>

#include "arena.h"
#include "db.h"

#define CODE_HASH_LEN		16
#define CODE_SEALED_MAX		64	/* nonce, up to 18 symbols, tag */
#define CODE_LAST_LEN		4

enum code_kind { CK_VOUCHER, CK_CARD };

/* What a row keeps of its code. */
struct code_kept {
	unsigned char	 hash[CODE_HASH_LEN];
	unsigned	 version;
	char		 last4[CODE_LAST_LEN + 1];
	unsigned char	 sealed[CODE_SEALED_MAX];
	size_t		 sealed_len;
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
/* What row (kind, id) keeps of a normalised code, under the current key;
 * 0 or -1 (no key, or the random source failed). */
int		code_keep(enum code_kind, const char *code, long long id,
		    struct code_kept *);
/*
 * Moving codes in bulk: the owner of a table gives its own statements,
 * this runs them in transactions of one chunk each until none is left.
 * pending: the columns code_move_cols (or, for codes kept in the clear
 * before, code_move_cols_plain) of the next rows after id ? that are not
 * under key version ?, in id order, locked (FOR UPDATE).  update: SET
 * code_hash, code_kv, code_last4, code_sealed = ? ... WHERE id = ?.  A
 * sealed code under a key the configuration lacks is KQ_CONFLICT (its row
 * is logged).  *n gets how many rows moved.
 */
struct code_move_row {
	long long	 id, kv;
	const char	*sealed, *plain;
};
extern const struct db_col code_move_cols[], code_move_cols_plain[];
enum kq_status	code_rows_move(struct db *, enum code_kind, struct db_sel *pending,
		    const char *update, long long *n);

/* Opens the sealed copy of row (kind, id), HEX(code_sealed) as read, made
 * under key version: the code into out (at least 19 bytes).  0, or -1 when
 * it cannot be opened (another key, a copy moved from another row). */
int		code_open(enum code_kind, const char *sealed_hex, unsigned version,
		    long long id, char *out, size_t outsz);

#endif
