/*
 * routes.h - the whole route table, in one place.
 */
#ifndef KQ_ROUTES_H
#define KQ_ROUTES_H

#include "http.h"

enum access {
	A_PUBLIC,	/* anyone */
	A_MEMBER,	/* account owner or collaborator with finance */
	A_MEMBER_ANY,	/* any logged-in member login (logout) */
	A_PARTNER,	/* as A_MEMBER, of a partner account (SPEC §6) */
	A_ADMIN,	/* admin or viewer: reads */
	A_ADMIN_WRITE,	/* role admin: changes, downloads */
};

struct route {
	const char	*method;	/* "GET" (HEAD too) or "POST" */
	const char	*path;		/* router.h: "/user/orders/{id}" */
	handler_fn	*handler;
	enum access	 access;
	const struct form_def *query;	/* its fields are the allowed keys */
	const struct form_def *body;	/* POST: parsed into req->f */
	size_t		 max_body;	/* 0: BODY_SMALL */
};

/* Compiles the route patterns and every form the routes name (and the
 * API's, api_init); 0, or -1 with a message. */
int	routes_init(char *err, size_t errsz);
void	routes_free(void);
/* Runs the request through method → route → session → CSRF → handler. */
void	dispatch(struct req *);
#endif
