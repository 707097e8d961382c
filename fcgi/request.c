/*
 * request.c - query strings, form bodies and cookies.
 *
 * Repeated names are kept in order (checkbox groups).  Names must be short
 * ASCII; values must be UTF-8 text.  Anything else is a 400, decided here
 * once, so handlers never see it.
 */
#include <string.h>

#include "request.h"
#include "base/utf8.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
url_decode(struct arena *a, const char *s, size_t len, char **res,
    size_t *outlen)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	if ((out = arena_alloc(a, len + 1)) == NULL)
		return -2;
	for (i = 0, o = out; i < len; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= len || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return -1;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	*res = out;
	return 0;
}

static int
name_ok(const char *n, size_t len)
{
	size_t i;

	if (len == 0 || len > MAX_NAME)
		return 0;
	for (i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') ||
		    (n[i] >= '0' && n[i] <= '9') || n[i] == '_' || n[i] == '-' ||
		    n[i] == '.' || n[i] == '[' || n[i] == ']'))
			return 0;
	return 1;
}

enum kq_outcome
urlencoded_parse(struct arena *a, const char *s, size_t len, struct params *out)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	char		*name, *value;
	size_t		 nlen, vlen;
	int		 rc;

	params_init(out);
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {		/* "a=1&&b=2": tolerate empty pairs */
			p++;
			continue;
		}
		if (out->n == MAX_PARAMS)
			return KQ_TOO_LARGE;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if ((rc = url_decode(a, p, (size_t)(eq - p), &name, &nlen)) == 0)
			rc = url_decode(a, eq < amp ? eq + 1 : amp,
			    eq < amp ? (size_t)(amp - eq - 1) : 0, &value, &vlen);
		if (rc != 0)
			return rc == -2 ? KQ_UNAVAILABLE : KQ_BAD_REQUEST;
		if (!name_ok(name, nlen) || !utf8_text_valid(value, vlen))
			return KQ_BAD_REQUEST;
		if (params_add(out, a, name, value, vlen) < 0)
			return KQ_UNAVAILABLE;
		p = amp + 1;
	}
	return KQ_OK;
}

const char *
cookie_get(struct arena *a, const char *h, const char *name)
{
	size_t		 nlen = strlen(name), vlen;
	const char	*p, *v;

	if (h == NULL || strlen(h) > MAX_COOKIE)
		return NULL;
	for (p = h; *p != '\0';) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			v = p + nlen + 1;
			vlen = strcspn(v, ";");
			while (vlen > 0 && v[vlen - 1] == ' ')
				vlen--;
			return arena_strndup(a, v, vlen);
		}
		p += strcspn(p, ";");
	}
	return NULL;
}

int
path_acceptable(const char *p)
{
	size_t len = strlen(p), i;

	if (len == 0 || len > MAX_PATH || p[0] != '/' || strstr(p, "//") ||
	    strstr(p, "/.."))
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f)
			return 0;
	return 1;
}

/* One name or value length of a PARAMS pair: 1 byte, or 4 with the top bit
 * set.  0 with *len, or -1 past the end. */
static int
pair_len(const unsigned char *p, size_t avail, size_t *used, size_t *len)
{
	if (avail < 1)
		return -1;
	if ((p[0] & 0x80) == 0) {
		*len = p[0];
		*used = 1;
		return 0;
	}
	if (avail < 4)
		return -1;
	*len = ((size_t)(p[0] & 0x7f) << 24) | ((size_t)p[1] << 16) |
	    ((size_t)p[2] << 8) | p[3];
	*used = 4;
	return 0;
}

/* Whether the PARAMS stream's content (the records' contents joined, read
 * in place through the records) is whole name-value pairs. */
static int
pairs_fit(const unsigned char *buf, size_t end)
{
	unsigned char	 flat[FCGI_PARAMS_MAX];
	size_t		 n = 0, pos = 0, clen, i, u, nl, vl;

	while (pos + 8 <= end) {	/* gather the PARAMS contents */
		clen = ((size_t)buf[pos + 4] << 8) | buf[pos + 5];
		if (buf[pos + 1] == 4) {
			if (n + clen > sizeof(flat))
				return 0;
			memcpy(flat + n, buf + pos + 8, clen);
			n += clen;
		}
		pos += 8 + clen + buf[pos + 6];
	}
	for (i = 0; i < n;) {
		if (pair_len(flat + i, n - i, &u, &nl) < 0)
			return 0;
		i += u;
		if (pair_len(flat + i, n - i, &u, &vl) < 0)
			return 0;
		i += u;
		if (nl > n - i || vl > n - i - nl)
			return 0;
		i += nl + vl;
	}
	return 1;
}

/* After the params, at pos: whether the STDIN stream is there to its end. */
static enum fcgi_screen
stdin_whole(const unsigned char *buf, size_t have, size_t pos)
{
	size_t clen;

	while (have - pos >= 8 && buf[pos + 1] == 5) {	/* FCGI_STDIN */
		clen = ((size_t)buf[pos + 4] << 8) | buf[pos + 5];
		if (clen == 0)
			return FCGI_SCREEN_WHOLE;
		pos += 8 + clen + buf[pos + 6];
		if (pos > have)
			break;
	}
	return FCGI_SCREEN_OK;
}

enum fcgi_screen
fcgi_screen(const unsigned char *buf, size_t have)
{
	size_t	pos = 0, clen, len, params = 0;
	int	begun = 0;

	for (;;) {
		if (have - pos < 8)
			return pos + 8 > FCGI_SCREEN_CAP ? FCGI_SCREEN_BAD :
			    FCGI_SCREEN_MORE;
		if (buf[pos] != 1)		/* FCGI_VERSION_1 */
			return FCGI_SCREEN_BAD;
		clen = ((size_t)buf[pos + 4] << 8) | buf[pos + 5];
		len = 8 + clen + buf[pos + 6];
		if (pos + len > FCGI_SCREEN_CAP)
			return FCGI_SCREEN_BAD;
		if (have - pos < len)
			return FCGI_SCREEN_MORE;
		switch (buf[pos + 1]) {
		case 1:				/* FCGI_BEGIN_REQUEST */
			if (begun || clen != 8)
				return FCGI_SCREEN_BAD;
			begun = 1;
			break;
		case 4:				/* FCGI_PARAMS */
			if (!begun || (params += clen) > FCGI_PARAMS_MAX)
				return FCGI_SCREEN_BAD;
			if (clen == 0)		/* the stream's end */
				return !pairs_fit(buf, pos) ? FCGI_SCREEN_BAD :
				    stdin_whole(buf, have, pos + len);
			break;
		default:			/* nothing else comes first */
			return FCGI_SCREEN_BAD;
		}
		pos += len;
	}
}
