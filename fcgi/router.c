/*
 * router.c - the route tables' patterns compiled and matched (router.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

#define ID_RE	"([0-9]{1,18})"

struct router {
	const char		**method;
	pcre2_code		**re;
	size_t			  n;
	pcre2_match_data	 *md;
};

/* A documented path as a regular expression: {id} a number, every other
 * character literal.  NULL out of memory. */
static char *
path_re(const char *path)
{
	char	*re = malloc(strlen(path) * 2 + 1 +
	    strlen(ID_RE) * (strlen(path) / 4 + 1)), *p = re;

	for (; re != NULL && *path != '\0'; path++) {
		if (strncmp(path, "{id}", 4) == 0) {
			p = stpcpy(p, ID_RE);
			path += 3;
			continue;
		}
		if (strchr("\\^$.|?*+()[]{}", *path) != NULL)
			*p++ = '\\';
		*p++ = *path;
	}
	if (re != NULL)
		*p = '\0';
	return re;
}

struct router *
router_new(const void *rows, size_t n, size_t stride, size_t method_off,
    size_t path_off, char *err, size_t errsz)
{
	struct router	*rt;
	const char	*row, *path;
	char		*re;
	PCRE2_SIZE	 off;
	int		 rc;
	size_t		 i;

	if ((rt = calloc(1, sizeof(*rt))) == NULL ||
	    (rt->method = calloc(n, sizeof(*rt->method))) == NULL ||
	    (rt->re = calloc(n, sizeof(*rt->re))) == NULL ||
	    (rt->md = pcre2_match_data_create(4, NULL)) == NULL)
		goto nomem;
	rt->n = n;
	for (i = 0; i < n; i++) {
		row = (const char *)rows + i * stride;
		memcpy(&rt->method[i], row + method_off, sizeof(rt->method[i]));
		memcpy(&path, row + path_off, sizeof(path));
		if ((re = path_re(path)) == NULL)
			goto nomem;
		rt->re[i] = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
		    PCRE2_ANCHORED | PCRE2_ENDANCHORED, &rc, &off, NULL);
		free(re);
		if (rt->re[i] == NULL) {
			snprintf(err, errsz, "route %s: bad pattern at %zu", path,
			    (size_t)off);
			router_free(rt);
			return NULL;
		}
		(void)pcre2_jit_compile(rt->re[i], PCRE2_JIT_COMPLETE);
	}
	return rt;
nomem:
	snprintf(err, errsz, "out of memory");
	router_free(rt);
	return NULL;
}

void
router_free(struct router *rt)
{
	size_t i;

	if (rt == NULL)
		return;
	for (i = 0; rt->re != NULL && i < rt->n; i++)
		pcre2_code_free(rt->re[i]);
	pcre2_match_data_free(rt->md);
	free(rt->re);
	free(rt->method);
	free(rt);
}

enum kq_outcome
router_find(struct router *rt, const char *method, const char *path,
    size_t *index, long long *id)
{
	enum kq_outcome	 s = KQ_NOT_FOUND;
	PCRE2_SIZE	*ov;
	size_t		 i;
	int		 rc;

	*id = 0;
	for (i = 0; i < rt->n; i++) {
		rc = pcre2_match(rt->re[i], (PCRE2_SPTR)path,
		    PCRE2_ZERO_TERMINATED, 0, 0, rt->md, NULL);
		if (rc < 0)
			continue;
		if (strcmp(rt->method[i], method) != 0) {
			s = KQ_METHOD;
			continue;
		}
		if (rc > 1) {	/* the pattern captured an id */
			ov = pcre2_get_ovector_pointer(rt->md);
			*id = strtoll(path + ov[2], NULL, 10);
		}
		*index = i;
		return KQ_OK;
	}
	return s;
}
