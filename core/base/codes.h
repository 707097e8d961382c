/*
 * codes.h - redemption codes and pickup-card codes (SPEC §2).
 *
 * voucher code: 18 digits, 17 random + a Damm check digit, shown 6-6-6.
 * card code:    16 Crockford base32 symbols, 15 random + a Luhn mod 32
 *               check symbol, shown 4-4-4-4.
 * Normalisation drops spaces and dashes (and for cards folds case and reads
 * I/L as 1, O as 0); a code that fails its check is rejected before any
 * database look-up.
 */
#ifndef KQ_CODES_H
#define KQ_CODES_H

#include <stddef.h>

#define VCODE_LEN	18
#define CARD_LEN	16

/* Fills buf with n bytes from the kernel CSPRNG; 0 or -1. */
int	random_bytes(void *buf, size_t n);
/* Lowercase hex of n bytes into out (2n+1 bytes). */
void	hex_encode(const unsigned char *, size_t n, char *out);
/* Exactly 2n hex digits (either case) into n bytes; 0 or -1. */
int	hex_decode(const char *, unsigned char *, size_t n);
/* n random bytes from the process's pool (refilled from the CSPRNG 4 KiB
 * at a time): for the many nonces of a large batch; 0 or -1. */
int	random_pooled(void *buf, size_t n);
/* Lowercase hex of n random bytes into out (2n+1 bytes); 0 or -1. */
int	random_hex(char *out, size_t n);

int	vcode_generate(char out[VCODE_LEN + 1]);
/* Normalises input into out; 0 when it is a well-formed code whose check
 * digit holds, -1 otherwise. */
int	vcode_normalize(const char *in, char out[VCODE_LEN + 1]);
/* "123456 789012 345678" */
void	vcode_display(const char *code, char out[VCODE_LEN + 3]);
int	damm_digit(const char *digits, size_t n);
/* A code as shown without an audited full view, from its last four (the
 * database keeps no more, SPEC §7): len symbols, all but the last four
 * starred, into out (len + 1 bytes). */
void	code_masked(const char *last4, size_t len, char *out);

int	card_generate(char out[CARD_LEN + 1]);
int	card_normalize(const char *in, char out[CARD_LEN + 1]);
/* "7KQ2-M9XD-4H0T-ZC8P" */
void	card_display(const char *code, char out[CARD_LEN + 4]);
/* The Luhn mod 32 check symbol for n symbols, or -1 on a bad symbol. */
int	luhn32_symbol(const char *symbols, size_t n);

#endif
