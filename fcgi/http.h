/*
 * http.h - one request in flight, and the ways a handler answers it.
 *
 * A handler reads typed input (req->form after form_parse, req->id from the
 * route), calls one core function, fills a view and calls page(), redirect()
 * or fail().  Every response leaves through send_headers(), which adds the
 * security headers, so no page can forget them.
 */
#ifndef KQ_HTTP_H
#define KQ_HTTP_H

#include <fcgiapp.h>

#include "arena.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "form.h"
#include "status.h"
#include "tmpl.h"
#include "view.h"

#define COOKIE_MEMBER	"kq_member"
#define COOKIE_ADMIN	"kq_admin"
#define COOKIE_PRE	"kq_pre"	/* login-form CSRF before a session */
#define COOKIE_FLASH	"kq_flash"

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
	struct principal	 me;		/* kind P_NONE on public pages */

	struct abuf		 headers;	/* extra header lines */
	int			 sent;		/* headers are out */
};

typedef void handler_fn(struct req *);

/* A view with what every page shows: who is logged in, the CSRF token for
 * its forms, the flash message of the previous POST. */
struct view	*page_view(struct req *);
/* Renders page NAME with status; falls back to a plain 500 text if the
 * template is missing. */
void		 page(struct req *, int status, const char *name, struct view *);
/* 303 See Other to a local path. */
void		 redirect(struct req *, const char *location);
/* The error page for a status (403, 404, 409, 413, 422, 429, 503 …). */
void		 fail(struct req *, enum kq_status);
/* Shows an outcome on the page being rendered (a re-shown form). */
void		 flash_now(struct view *, enum kq_status, const char *field);
/* Sets the flash shown by the next page: kind "ok" or "error". */
void		 flash_set(struct req *, const char *kind, const char *code);
/* Adds a Set-Cookie; max_age < 0 for a session cookie, 0 to delete. */
void		 cookie_set(struct req *, const char *name, const char *value,
		    const char *path, long max_age);
void		 header_add(struct req *, const char *line);
/* Writes status and headers (with the security headers) once. */
void		 send_headers(struct req *, int status, const char *content_type);
int		 out_write(void *fcgx_stream, const char *, size_t);

/* A text/plain attachment written a line at a time; the headers go out
 * with the first line, so an error before it still gets its error page. */
struct attachment {
	struct req	*req;
	const char	*filename;
};
int		 attachment_line(void *attachment, const char *line);

/* Handlers (h_*.c). */
handler_fn	 h_login_form, h_login, h_logout;
handler_fn	 h_admin_login_form, h_admin_login, h_admin_logout;
handler_fn	 h_user_home, h_admin_home;
handler_fn	 h_batches, h_batch_new, h_batch_create, h_batch, h_batch_codes;
handler_fn	 h_batch_disable, h_batch_enable, h_card_disable, h_usage;
handler_fn	 h_pickup, h_pickup_verify, h_pickup_confirm;
handler_fn	 h_orders, h_order, h_order_pay, h_order_cancel, h_admin_order;
handler_fn	 h_order_confirm, h_order_refund;
handler_fn	 h_vouchers, h_voucher, h_voucher_csv;
handler_fn	 h_redeem_form, h_redeem_verify, h_redeem_confirm;
handler_fn	 h_templates, h_template_new, h_template_create, h_template,
		 h_template_update, h_template_issue, h_issue, h_issue_codes,
		 h_admin_vouchers, h_voucher_invalidate;

#endif
