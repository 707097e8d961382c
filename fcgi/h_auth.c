/*
 * h_auth.c - /login, /logout, /admin/login, /admin/logout.
 *
 * The login forms have no session to bind a CSRF token to, so the form
 * carries a random pre-session token that must match a SameSite=Strict
 * cookie (double submit).  A successful login always starts a new session
 * (the old one, if any, is ended): the token changes at login.
 */
#include <string.h>

#include "audit.h"
#include "base/codes.h"
#include "flash.h"
#include "handlers.h"
#include "present.h"
#include "reply.h"
#include "request.h"

enum { LF_LOGIN, LF_PASSWORD, LF__MAX };
static const struct field login_fields[LF__MAX] = {
	[LF_LOGIN] = { .name = "login", .type = FT_TEXT, .required = 1,
	  .pattern = "[A-Za-z0-9_.@-]{1,64}" },
	[LF_PASSWORD] = { .name = "password", .type = FT_TEXT, .required = 1,
	  .maxlen = 256 },
};
const struct form_def login_form = FORM_DEF(login_fields);

struct login_kind {
	enum principal_kind	 kind;
	const char		*page;
	const char		*cookie;
	const char		*cookie_path;
	const char		*home;
	const char		*login_path;
};

static const struct login_kind member_login = {
	P_MEMBER, "login", COOKIE_MEMBER, "/", "/user", "/login"
};
static const struct login_kind admin_login = {
	P_ADMIN, "admin.login", COOKIE_ADMIN, "/admin", "/admin", "/admin/login"
};

/* The pre-session token: the cookie's if it looks like one, else new. */
static const char *
pre_token(struct req *r)
{
	const char	*t = cookie_get(r->arena, r->cookies, COOKIE_PRE);
	char		*fresh;

	if (t != NULL && strlen(t) == TOKEN_HEX &&
	    strspn(t, "0123456789abcdef") == TOKEN_HEX)
		return t;
	if ((fresh = arena_alloc(r->arena, TOKEN_HEX + 1)) == NULL ||
	    random_hex(fresh, TOKEN_HEX / 2) < 0)
		return NULL;
	reply_cookie(r, COOKIE_PRE, fresh, "/", -1);
	return fresh;
}

static void
login_page(struct req *r, const struct login_kind *k, int status,
    const struct form *f, enum kq_outcome error)
{
	struct view	*v = reply_view(r);
	const char	*token = pre_token(r);

	if (token == NULL) {
		reply_fail(r, KQ_UNAVAILABLE);
		return;
	}
	view_set(v, "csrf", token);
	view_set(v, "action", k->login_path);
	if (f != NULL)
		view_set(v, "login", f->v[LF_LOGIN].raw);
	if (error != KQ_OK)
		flash_now(v, error, f != NULL ? f->bad : NULL);
	reply_page(r, status, k->page, v);
}

static void
login_post(struct req *r, const struct login_kind *k)
{
	struct principal p;
	enum kq_outcome	 s;
	char		 token[TOKEN_HEX + 1];
	const char	*old;

	if ((s = r->f_outcome) == KQ_OK)
		s = auth_login(r->app->db, r->arena, k->kind,
		    r->f.v[LF_LOGIN].s, r->f.v[LF_PASSWORD].s, r->remote_addr, &p);
	if (s == KQ_INVALID_FIELD || s == KQ_LOGIN_FAILED ||
	    s == KQ_RATE_LIMITED || s == KQ_BUSY) {
		login_page(r, k, kq_http_status(s), &r->f, s);
		return;
	}
	if (s != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	old = cookie_get(r->arena, r->cookies, k->cookie);
	if (old != NULL && (s = session_end(r->app->db, old)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if ((s = session_create(r->app->db, &p, token)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (k->kind == P_ADMIN)
		(void)audit_write(r->app->db, &p, "admin.login", p.login, NULL,
		    r->remote_addr);
	reply_cookie(r, k->cookie, token, k->cookie_path, -1);
	reply_redirect(r, k->home);
}

static void
logout(struct req *r, const struct login_kind *k)
{
	const char	*token = cookie_get(r->arena, r->cookies, k->cookie);
	enum kq_outcome	 s;

	if ((s = session_end(r->app->db, token)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	if (k->kind == P_ADMIN)
		(void)audit_write(r->app->db, &r->me, "admin.logout", r->me.login,
		    NULL, r->remote_addr);
	reply_cookie(r, k->cookie, "", k->cookie_path, 0);
	reply_flash(r, "ok", "logged_out");
	reply_redirect(r, k->login_path);
}

void
h_login_form(struct req *r)
{
	login_page(r, &member_login, 200, NULL, KQ_OK);
}

void
h_login(struct req *r)
{
	login_post(r, &member_login);
}

void
h_logout(struct req *r)
{
	logout(r, &member_login);
}

void
h_admin_login_form(struct req *r)
{
	login_page(r, &admin_login, 200, NULL, KQ_OK);
}

void
h_admin_login(struct req *r)
{
	login_post(r, &admin_login);
}

void
h_admin_logout(struct req *r)
{
	logout(r, &admin_login);
}
