/*
 * escape.c - the one way a value reaches markup: escaped for a text node
 * or a double-quoted attribute, and URLs only relative or http(s).
 */
#include <string.h>
#include <strings.h>

#include "web/escape.h"
#include "base/utf8.h"

int
url_is_safe(const char *u)
{
	const char *p;

	while (*u == ' ' || *u == '\t' || *u == '\n')
		u++;
	if (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0)
		return 1;
	if (u[0] == '/' && (u[1] == '/' || u[1] == '\\'))
		return 0;	/* protocol-relative: another host */
	/* relative: no scheme, i.e. no ':' before the first / ? # */
	for (p = u; *p != '\0' && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == ':' || (unsigned char)*p < 0x20)
			return 0;
	return 1;
}

/* Writes s escaped for a text node or a double-quoted attribute value.
 * Invalid UTF-8 and control characters become U+FFFD. */
int
tmpl_escape(const char *s, enum esc_mode mode, tmpl_write_fn w, void *ctx)
{
	const unsigned char	*p = (const unsigned char *)s, *run = p;
	const unsigned char	*end = p + strlen(s);
	const char		*rep;
	int			 n;

#define FLUSH() do { \
	if (p > run && w(ctx, (const char *)run, (size_t)(p - run)) < 0) \
		return -1; \
} while (0)

	while (*p != '\0') {
		rep = NULL;
		n = 1;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': if (mode == ESC_ATTR) rep = "&quot;"; break;
		case '\'': if (mode == ESC_ATTR) rep = "&#39;"; break;
		case '\t': case '\n': case '\r': break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				rep = "\xef\xbf\xbd";
			else if (*p >= 0x80 && (n = utf8_seq(p, (size_t)(end - p))) == 0) {
				rep = "\xef\xbf\xbd";
				n = 1;
			}
		}
		if (rep != NULL) {
			FLUSH();
			if (w(ctx, rep, strlen(rep)) < 0)
				return -1;
			p += n;
			run = p;
		} else
			p += n;
	}
	FLUSH();
	return 0;
#undef FLUSH
}
