/*
 * request.c - query strings, form bodies and cookies.
 *
 * Repeated names are kept in order (checkbox groups).  Names must be short
 * ASCII; values must be UTF-8 text.  Anything else is a 400, decided here
 * once, so handlers never see it.
 */
#include <string.h>

#include "request.h"
#include "utf8.h"

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

enum kq_status
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
