/*
 * codes.c - code generation from getrandom() and their check digits.
 *
 * Random symbols are drawn by rejection sampling so every symbol is equally
 * likely (no modulo bias).  Damm catches every single-digit error and every
 * adjacent transposition; Luhn mod N does the same for base-32 symbols.
 */
#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/codes.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The Damm quasigroup of order 10 (Damm 2004). */
static const unsigned char damm_table[10][10] = {
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

int
random_bytes(void *buf, size_t n)
{
	unsigned char	*p = buf;
	ssize_t		 r;

	while (n > 0) {
		r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

void
hex_encode(const unsigned char *b, size_t n, char *out)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
nibble(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int
hex_decode(const char *s, unsigned char *b, size_t n)
{
	size_t	i;
	int	hi, lo;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((hi = nibble(s[2 * i])) < 0 || (lo = nibble(s[2 * i + 1])) < 0)
			return -1;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
random_hex(char *out, size_t n)
{
	unsigned char b[64];

	if (n > sizeof(b) || random_bytes(b, n) < 0)
		return -1;
	hex_encode(b, n, out);
	return 0;
}

/*
 * Random bytes come from a pool refilled 4 KiB at a time: a 100,000-card
 * batch then costs a few hundred getrandom() calls, not one per card (and
 * per nonce).  The pool belongs to the process that filled it: a forked
 * child empties it (pthread_atfork), so a worker never reuses its parent's
 * bytes; a byte is used once, and wiped so it cannot be read back.
 */
static unsigned char	 pool[4096];
static size_t		 pool_have, pool_used;
static pthread_once_t	 pool_once = PTHREAD_ONCE_INIT;

static void
pool_empty(void)
{
	explicit_bzero(pool, sizeof(pool));
	pool_have = pool_used = 0;
}

static void
pool_watch_forks(void)
{
	(void)pthread_atfork(NULL, NULL, pool_empty);
}

static void
pool_check_owner(void)
{
	(void)pthread_once(&pool_once, pool_watch_forks);
}

/* The pool's next byte; -1 when the CSPRNG failed. */
static int
pool_byte(void)
{
	unsigned char b;

	if (pool_used == pool_have) {
		if (random_bytes(pool, sizeof(pool)) < 0)
			return -1;
		pool_have = sizeof(pool);
		pool_used = 0;
	}
	b = pool[pool_used];
	pool[pool_used++] = 0;
	return b;
}

int
random_pooled(void *buf, size_t n)
{
	unsigned char	*p = buf;
	int		 b;

	pool_check_owner();
	for (; n > 0; n--) {
		if ((b = pool_byte()) < 0)
			return -1;
		*p++ = (unsigned char)b;
	}
	return 0;
}

/* n symbols uniformly from 0..base-1, base <= 32, by rejection sampling. */
static int
random_symbols(unsigned char *out, size_t n, unsigned base)
{
	unsigned	limit = 256 - 256 % base;
	int		b;

	pool_check_owner();
	while (n > 0) {
		if ((b = pool_byte()) < 0)
			return -1;
		if ((unsigned)b < limit) {
			*out++ = (unsigned char)(b % base);
			n--;
		}
	}
	return 0;
}

int
damm_digit(const char *digits, size_t n)
{
	size_t	i;
	int	interim = 0;

	for (i = 0; i < n; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return -1;
		interim = damm_table[interim][digits[i] - '0'];
	}
	return interim;
}

int
vcode_generate(char out[VCODE_LEN + 1])
{
	unsigned char	d[VCODE_LEN - 1];
	size_t		i;

	if (random_symbols(d, sizeof(d), 10) < 0)
		return -1;
	for (i = 0; i < sizeof(d); i++)
		out[i] = (char)('0' + d[i]);
	out[VCODE_LEN - 1] = (char)('0' + damm_digit(out, VCODE_LEN - 1));
	out[VCODE_LEN] = '\0';
	return 0;
}

int
vcode_normalize(const char *in, char out[VCODE_LEN + 1])
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (*in < '0' || *in > '9' || n == VCODE_LEN)
			return -1;
		out[n++] = *in;
	}
	out[n] = '\0';
	if (n != VCODE_LEN || damm_digit(out, n) != 0)
		return -1;
	return 0;
}

void
vcode_display(const char *code, char out[VCODE_LEN + 3])
{
	size_t i, o = 0;

	for (i = 0; i < VCODE_LEN; i++) {
		if (i > 0 && i % 6 == 0)
			out[o++] = ' ';
		out[o++] = code[i];
	}
	out[o] = '\0';
}

static int
crockford_value(char c)
{
	/* by byte: the symbol's value + 1, 0 for none (a batch's Luhn check
	 * reads 1.5 million symbols: no strchr()) */
	static unsigned char	value[256];
	static int		made;
	const char		*p;

	if (!made) {
		for (p = crockford; *p != '\0'; p++) {
			value[(unsigned char)*p] = (unsigned char)(p - crockford + 1);
			value[(unsigned char)tolower((unsigned char)*p)] =
			    (unsigned char)(p - crockford + 1);
		}
		value['I'] = value['i'] = value['L'] = value['l'] = value['1'];
		value['O'] = value['o'] = value['0'];
		made = 1;
	}
	return (int)value[(unsigned char)c] - 1;
}

/* Luhn mod N: double every second symbol from the right, sum the base-N
 * digits, and choose the symbol that brings the sum to 0 mod N. */
int
luhn32_symbol(const char *symbols, size_t n)
{
	int	 factor = 2, sum = 0, v, addend;
	size_t	 i;

	for (i = n; i-- > 0;) {
		if ((v = crockford_value(symbols[i])) < 0)
			return -1;
		addend = factor * v;
		factor = factor == 2 ? 1 : 2;
		sum += addend / 32 + addend % 32;
	}
	return (32 - sum % 32) % 32;
}

int
card_generate(char out[CARD_LEN + 1])
{
	unsigned char	s[CARD_LEN - 1];
	size_t		i;

	if (random_symbols(s, sizeof(s), 32) < 0)
		return -1;
	for (i = 0; i < sizeof(s); i++)
		out[i] = crockford[s[i]];
	out[CARD_LEN - 1] = crockford[luhn32_symbol(out, CARD_LEN - 1)];
	out[CARD_LEN] = '\0';
	return 0;
}

int
card_normalize(const char *in, char out[CARD_LEN + 1])
{
	size_t	n = 0;
	int	v;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if ((v = crockford_value(*in)) < 0 || n == CARD_LEN)
			return -1;
		out[n++] = crockford[v];
	}
	out[n] = '\0';
	if (n != CARD_LEN ||
	    luhn32_symbol(out, CARD_LEN - 1) != crockford_value(out[CARD_LEN - 1]))
		return -1;
	return 0;
}

void
card_display(const char *code, char out[CARD_LEN + 4])
{
	size_t i, o = 0;

	for (i = 0; i < CARD_LEN; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = code[i];
	}
	out[o] = '\0';
}

void
code_masked(const char *last4, size_t len, char *out)
{
	size_t have = last4 != NULL ? strlen(last4) : 0;

	if (have > len)
		have = len;
	memset(out, '*', len - have);
	memcpy(out + len - have, last4, have);
	out[len] = '\0';
}
