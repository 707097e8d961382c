/*
 * input.c - a request's input: the deadline it is read under, the query
 * string checked against the keys the route's query form has (bgplgd: an
 * unknown key is a 400, a bad value a 422, before any handler runs), and
 * the body.
 */
#include <sys/time.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"
#include "request.h"

static int armed;		/* the input's timer is set */

void
input_deadline(int seconds)
{
	struct itimerval it = { { 0, 0 }, { seconds, 0 } };

	setitimer(ITIMER_REAL, &it, NULL);
	armed = seconds > 0;
}

void
input_done(void)
{
	if (armed)
		input_deadline(0);
}

static int
query_allowed(const struct form_def *form, const char *key)
{
	size_t i;

	for (i = 0; form != NULL && i < form->n; i++)
		if (strcmp(form->fields[i].name, key) == 0)
			return 1;
	/* a list's pages past the numbered ones go by cursor (pager.h) */
	return strcmp(key, "after") == 0 && query_allowed(form, "page");
}

/* The pager's cursor: a positive id, else the first page (a link cut or
 * edited by hand is not worth a 422). */
static long long
after_of(const struct params *q)
{
	long long	 v;
	char		*end;
	size_t		 i;

	for (i = 0; i < q->n; i++)
		if (strcmp(q->v[i].name, "after") == 0) {
			v = strtoll(q->v[i].value, &end, 10);
			return *end == '\0' && v > 0 && v < LLONG_MAX ? v : 0;
		}
	return 0;
}

enum kq_outcome
query_read(struct req *r, const struct form_def *form)
{
	const char	*qs = FCGX_GetParam("QUERY_STRING", r->fcgx->envp);
	enum kq_outcome	 s;
	size_t		 i, j;

	if (qs != NULL && *qs != '\0') {
		if (strlen(qs) > MAX_QUERY)
			return KQ_BAD_REQUEST;
		if ((s = urlencoded_parse(r->arena, qs, strlen(qs), &r->query)) != KQ_OK)
			return s == KQ_TOO_LARGE ? KQ_BAD_REQUEST : s;
	}
	for (i = 0; i < r->query.n; i++) {
		if (!query_allowed(form, r->query.v[i].name))
			return KQ_BAD_REQUEST;
		for (j = 0; j < i; j++)	/* duplicates are ambiguous */
			if (strcmp(r->query.v[j].name, r->query.v[i].name) == 0)
				return KQ_BAD_REQUEST;
	}
	r->page = 1;
	r->after = after_of(&r->query);
	if (form == NULL)
		return KQ_OK;
	if ((s = form_parse(r->arena, form, &r->query, &r->q)) != KQ_OK)
		return s;
	for (i = 0; i < form->n; i++)
		if (strcmp(form->fields[i].name, "page") == 0)
			r->page = (int)form_int(&r->q, (int)i, 1);
	return KQ_OK;
}

enum kq_outcome
body_read(struct req *r, size_t max, const char *type, char **out,
    size_t *outlen)
{
	const char	*cl = FCGX_GetParam("CONTENT_LENGTH", r->fcgx->envp);
	const char	*ct = FCGX_GetParam("CONTENT_TYPE", r->fcgx->envp);
	char		*buf, *end;
	long long	 len = 0;
	int		 got;

	*out = NULL;
	*outlen = 0;
	if (cl != NULL && *cl != '\0') {
		len = strtoll(cl, &end, 10);
		if (*end != '\0' || len < 0)
			return KQ_BAD_REQUEST;
	}
	if ((size_t)len > max)
		return KQ_TOO_LARGE;
	if (len == 0)
		return KQ_OK;
	if (ct == NULL || strncasecmp(ct, type, strlen(type)) != 0)
		return KQ_BAD_REQUEST;
	if ((buf = arena_alloc(r->arena, (size_t)len + 1)) == NULL)
		return KQ_UNAVAILABLE;
	got = FCGX_GetStr(buf, (int)len, r->fcgx->in);
	if (got != len)
		return KQ_BAD_REQUEST;
	buf[len] = '\0';
	*out = buf;
	*outlen = (size_t)len;
	return KQ_OK;
}

enum kq_outcome
body_read_form(struct req *r, size_t max)
{
	enum kq_outcome	 s;
	size_t		 len;
	char		*buf;

	if ((s = body_read(r, max, "application/x-www-form-urlencoded", &buf,
	    &len)) != KQ_OK || len == 0)
		return s;
	return urlencoded_parse(r->arena, buf, len, &r->body);
}
