/*
 * http.h - one request in flight, and the ways a handler answers it.
 *
 * A handler reads typed input (req->q, the query; req->f, the body: both
 * parsed by the front line with the route's forms; req->id from the route),
 * calls one core function, fills a view and answers (reply.h: a page, a
 * redirect, an error page; export.h: a file).  Every response leaves
 * through reply_headers(), which adds the security headers, so no page can
 * forget them.
 */
#ifndef KQ_HTTP_H
#define KQ_HTTP_H

#include <fcgiapp.h>

#include "base/arena.h"
#include "auth.h"
#include "base/config.h"
#include "db/db.h"
#include "web/form.h"
#include "base/outcome.h"
#include "db/pager.h"
#include "web/tmpl.h"
#include "web/view.h"

#define COOKIE_MEMBER	"kq_member"
#define COOKIE_ADMIN	"kq_admin"
#define COOKIE_PRE	"kq_pre"	/* login-form CSRF before a session */
#define COOKIE_FLASH	"kq_flash"
#define COOKIE_LANG	"kq_lang"	/* zh-CN or en (issue 9) */

struct app {
	struct config		*cfg;
	struct db		*db;
	struct tmpl_set		*tmpl;
	struct session_policy	 policy;
};

struct route;

struct req {
	struct app		*app;
	struct arena		*arena;
	FCGX_Request		*fcgx;
	const struct route	*route;

	const char		*method;
	const char		*path;
	const char		*remote_addr;
	const char		*cookies;	/* the Cookie header */
	struct params		 query;
	struct params		 body;
	long long		 id;		/* the route's numeric capture */
	struct form		 q;		/* the query, by the route's form */
	int			 page;		/* its "page", 1 when absent */
	long long		 after;		/* its "after", the pager's
						   cursor; 0 when absent */
	struct form		 f;		/* the body, by the route's form */
	enum kq_outcome		 f_outcome;	/* KQ_OK, or why f failed */
	struct principal	 me;		/* kind P_NONE on public pages */

	struct abuf		 headers;	/* extra header lines */
	int			 sent;		/* headers are out */
	int			 status;	/* the one they said */
	const char		*route_name;	/* for the log: "/user/orders/{id}" */
};

typedef void handler_fn(struct req *);

#endif
