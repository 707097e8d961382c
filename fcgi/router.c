/*
 * router.c - the route tables' patterns matched (router.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

#define ID_DIGITS	18	/* an {id}: 1 to 18 digits */

struct router {
	const char	**method, **path;
	size_t		  n;
};

/* path against pattern: {id} 1 to ID_DIGITS digits (*id gets them), each
 * other character itself.  A matcher of this one syntax: it walks both
 * strings once, where a regular expression a route was a tenth of a
 * request's time in the worker. */
static int
path_match(const char *pattern, const char *path, long long *id)
{
	size_t digits;

	while (*pattern != '\0') {
		if (strncmp(pattern, "{id}", 4) == 0) {
			for (digits = 0, *id = 0; path[digits] >= '0' &&
			    path[digits] <= '9'; digits++)
				if (digits < ID_DIGITS)
					*id = *id * 10 + (path[digits] - '0');
			if (digits == 0 || digits > ID_DIGITS)
				return 0;
			path += digits;
			pattern += 4;
		} else if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
}

struct router *
router_new(const void *rows, size_t n, size_t stride, size_t method_off,
    size_t path_off, char *err, size_t errsz)
{
	struct router	*rt;
	const char	*row, *brace;
	size_t		 i;

	if ((rt = calloc(1, sizeof(*rt))) == NULL ||
	    (rt->method = calloc(n, sizeof(*rt->method))) == NULL ||
	    (rt->path = calloc(n, sizeof(*rt->path))) == NULL) {
		snprintf(err, errsz, "out of memory");
		router_free(rt);
		return NULL;
	}
	rt->n = n;
	for (i = 0; i < n; i++) {
		row = (const char *)rows + i * stride;
		memcpy(&rt->method[i], row + method_off, sizeof(rt->method[i]));
		memcpy(&rt->path[i], row + path_off, sizeof(rt->path[i]));
		/* a brace is only ever {id} */
		for (brace = rt->path[i]; (brace = strpbrk(brace, "{}")) != NULL;
		    brace += 4)
			if (strncmp(brace, "{id}", 4) != 0) {
				snprintf(err, errsz, "route %s: bad pattern at %zu",
				    rt->path[i], (size_t)(brace - rt->path[i]));
				router_free(rt);
				return NULL;
			}
	}
	return rt;
}

void
router_free(struct router *rt)
{
	if (rt == NULL)
		return;
	free(rt->path);
	free(rt->method);
	free(rt);
}

enum kq_outcome
router_find(struct router *rt, const char *method, const char *path,
    size_t *index, long long *id)
{
	enum kq_outcome	s = KQ_NOT_FOUND;
	size_t		i;

	for (i = 0; i < rt->n; i++) {
		*id = 0;
		if (!path_match(rt->path[i], path, id))
			continue;
		if (strcmp(rt->method[i], method) != 0) {
			s = KQ_METHOD;
			continue;
		}
		*index = i;
		return KQ_OK;
	}
	*id = 0;
	return s;
}
