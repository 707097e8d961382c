/*
 * request.h - parsing what arrives, with limits (SPEC §7).
 *
 * Pure functions over byte strings: no FastCGI, no globals, so they are unit
 * tested and fuzzed directly.  Every limit breach is a status the worker
 * turns into a 4xx page.
 */
#ifndef KQ_REQUEST_H
#define KQ_REQUEST_H

#include <stddef.h>

#include "base/arena.h"
#include "web/form.h"
#include "base/outcome.h"

#define MAX_PARAMS	1000	/* name=value pairs in one query or body */
#define MAX_NAME	64	/* bytes in a parameter name */
#define MAX_QUERY	8192	/* bytes in a query string */
#define MAX_COOKIE	8192	/* bytes in the Cookie header */
#define MAX_PATH	1024
#define BODY_SMALL	(64 * 1024)
#define BODY_LARGE	(1024 * 1024)	/* batch and issue forms */

/* Decodes application/x-www-form-urlencoded text (a query string or a POST
 * body) into *out.  KQ_OK; KQ_BAD_REQUEST for bad %-escapes, empty or long
 * names, invalid UTF-8; KQ_TOO_LARGE past MAX_PARAMS; KQ_UNAVAILABLE when
 * out of memory. */
enum kq_outcome	 urlencoded_parse(struct arena *, const char *, size_t,
		    struct params *out);
/* Percent-decodes s[0..len) ('+' is a space) into the arena: 0, -1 when
 * malformed, -2 when out of memory.  *outlen gets the decoded length. */
int		 url_decode(struct arena *, const char *, size_t, char **out,
		    size_t *outlen);
/* The value of cookie NAME in a Cookie header, or NULL. */
const char	*cookie_get(struct arena *, const char *header, const char *name);
/*
 * FastCGI records as they arrive, before libfcgi reads them (it asserts
 * when a name or value length cannot be allocated).  buf[0..have) is the
 * start of a connection: FCGI_SCREEN_MORE while the BEGIN_REQUEST and the
 * PARAMS stream (up to its empty record) are not all there yet;
 * FCGI_SCREEN_OK when they are and every name-value pair lies within the
 * stream, FCGI_SCREEN_WHOLE when the STDIN stream follows whole as well (up
 * to its empty record: no read of the request can block); FCGI_SCREEN_BAD
 * otherwise (a wrong version or record type, a
 * second BEGIN_REQUEST, a pair longer than its stream, more than
 * FCGI_PARAMS_MAX bytes of params).
 */
#define FCGI_PARAMS_MAX	(96 * 1024)
#define FCGI_SCREEN_CAP	(FCGI_PARAMS_MAX + 8 * 1024)	/* bytes peeked at most */
enum fcgi_screen {
	FCGI_SCREEN_BAD = -1, FCGI_SCREEN_MORE, FCGI_SCREEN_OK, FCGI_SCREEN_WHOLE
};
enum fcgi_screen fcgi_screen(const unsigned char *buf, size_t have);
/* Whether a path is one we route: starts with '/', printable ASCII, no
 * "..", no "//", at most MAX_PATH bytes. */
int		 path_acceptable(const char *);

#endif
