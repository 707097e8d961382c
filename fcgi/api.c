/*
 * api.c - the API's route table and front line (api.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "base/i18n.h"
#include "idempotency.h"
#include "input.h"
#include "base/log.h"
#include "reply.h"
#include "request.h"
#include "router.h"

static const struct api_route api_routes[] = {
	{ "POST", "/api/v1/orders",		ha_order_create, API_ORDERS_WRITE, NULL, &api_order_form },
	{ "GET",  "/api/v1/orders/{id}",	ha_order_get,	API_ORDERS_READ, NULL, NULL },
	{ "POST", "/api/v1/orders/{id}/pay",	ha_order_pay,	API_ORDERS_WRITE, NULL, &api_pay_form },
	{ "POST", "/api/v1/orders/{id}/cancel",	ha_order_cancel, API_ORDERS_WRITE, NULL, NULL },
	{ "GET",  "/api/v1/orders/{id}/candidates", ha_order_candidates, API_ORDERS_READ, &api_candidates_query, NULL },
	{ "POST", "/api/v1/orders/{id}/confirm", ha_order_confirm, API_ORDERS_WRITE, NULL, &api_confirm_form },
	{ "POST", "/api/v1/orders/{id}/refund",	ha_order_refund, API_ORDERS_WRITE, NULL, &api_refund_form },
	{ "GET",  "/api/v1/vouchers",		ha_vouchers,	API_VOUCHERS_READ, &api_vouchers_query, NULL },
	{ "GET",  "/api/v1/vouchers/{id}",	ha_voucher,	API_VOUCHERS_READ, NULL, NULL },
	{ "POST", "/api/v1/vouchers/{id}/invalidate", ha_voucher_invalidate, API_VOUCHERS_ISSUE, NULL, NULL },
	{ "POST", "/api/v1/templates/{id}/issue", ha_template_issue, API_VOUCHERS_ISSUE, NULL, &api_issue_form },
	{ "POST", "/api/v1/provisioning/take",	ha_provision_take, API_PICKUP, NULL, &api_take_form },
	{ "POST", "/api/v1/provisioning/{id}/active", ha_provision_active, API_PICKUP, NULL, NULL },
	{ "POST", "/api/v1/provisioning/{id}/failed", ha_provision_failed, API_PICKUP, NULL, &api_failed_form },
	{ "GET",  "/api/v1/partners/{id}/charges", ha_partner_charges, API_PARTNER, &api_charges_query, NULL },
};

#define NAPI	(sizeof(api_routes) / sizeof(api_routes[0]))

static struct router	*router;
/* Tests only (test_api.py): KAQUAN_FAULT=api-after-commit makes a worker
 * die between a POST's commit and its answer, as a kill -9 there would. */
static int		 die_after_commit;

void
api_routes_print(FILE *out)
{
	size_t i;

	for (i = 0; i < NAPI; i++)
		fprintf(out, "%s %s\n", api_routes[i].method, api_routes[i].path);
}

int
api_init(char *err, size_t errsz)
{
	size_t i;

	if ((router = ROUTER_NEW(api_routes, struct api_route, err, errsz)) ==
	    NULL)
		return -1;
	for (i = 0; i < NAPI; i++)
		if ((api_routes[i].query != NULL &&
		    form_compile(api_routes[i].query, err, errsz) < 0) ||
		    (api_routes[i].body != NULL &&
		    form_compile(api_routes[i].body, err, errsz) < 0))
			return -1;
	die_after_commit = getenv("KAQUAN_FAULT") != NULL &&
	    strcmp(getenv("KAQUAN_FAULT"), "api-after-commit") == 0;
	return 0;
}

void
api_free(void)
{
	router_free(router);
	router = NULL;
}

/* The answer's text out. */
static void
answer(struct req *r, int status, const char *text, int replayed)
{
	if (replayed)
		reply_header(r, "Idempotent-Replayed: true");
	reply_headers(r, status, "application/json");
	FCGX_PutS(text, r->fcgx->out);
	FCGX_PutS("\n", r->fcgx->out);
}

void
api_send(struct req *r, struct api_call *c, int status, json_t *body)
{
	char		*text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	const char	*kept = text != NULL ? arena_strdup(r->arena, text) : NULL;

	json_decref(body);
	free(text);
	/* the request ran out of memory: what it answers may be missing a
	 * part, so it is a 503 (a POST's change rolled back: post_txn) */
	if (kept == NULL || r->arena->failed) {
		kq_log("api: out of memory");
		status = 503;
		kept = "{\"error\":{\"code\":\"unavailable\"}}";
	}
	if (c == NULL) {
		answer(r, status, kept, 0);
		return;
	}
	c->status = status;
	c->text = kept;
}

static void
api_error(struct req *r, struct api_call *c, enum kq_outcome s,
    const char *field, const char *message, const char *reason)
{
	json_t *e = json_object();

	if (message == NULL && s == KQ_INVALID_FIELD)	/* no field is marked */
		message = "This field is missing, unknown, or its value is invalid.";
	json_object_set_new(e, "code", json_string(kq_code(s)));
	json_object_set_new(e, "message",
	    json_string(message != NULL ? message : L(kq_message(s))));
	if (field != NULL)
		json_object_set_new(e, "field", json_string(field));
	if (reason != NULL)
		json_object_set_new(e, "reason", json_string(reason));
	if (s == KQ_METHOD)
		reply_header(r, "Allow: GET, POST");
	api_send(r, c, kq_http_status(s), json_pack("{s:o}", "error", e));
}

void
api_fail(struct req *r, struct api_call *c, enum kq_outcome s,
    const char *field, const char *message)
{
	api_error(r, c, s, field, message, NULL);
}

void
api_fail_reason(struct req *r, struct api_call *c, enum kq_outcome s,
    const char *reason)
{
	api_error(r, c, s, NULL, NULL, reason);
}

/* KQ_OK with the route, KQ_NOT_FOUND, or KQ_METHOD. */
static enum kq_outcome
api_route_find(struct req *r, const struct api_route **out)
{
	enum kq_outcome	s;
	size_t		i;

	if ((s = router_find(router, r->method, r->path, &i, &r->id)) != KQ_OK)
		return s;
	*out = &api_routes[i];
	r->route_name = api_routes[i].path;
	return KQ_OK;
}

/* One JSON value of member NAME into r->body (both copied): a string as it is, an
 * integer in decimal, true as "1"; false and null leave it out.  0; -1 for
 * a value of another kind (a real, an object); -2 out of memory. */
static int
member_add(struct req *r, const char *name, json_t *v)
{
	const char *s = NULL;

	if (json_is_string(v))
		s = arena_strdup(r->arena, json_string_value(v));
	else if (json_is_integer(v))
		s = arena_printf(r->arena, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	else if (json_is_true(v))
		s = "1";
	else if (json_is_false(v) || json_is_null(v))
		return 0;
	else
		return -1;
	/* copies: root goes before the request ends */
	if (s == NULL || (name = arena_strdup(r->arena, name)) == NULL ||
	    params_add(&r->body, r->arena, name, s, strlen(s)) < 0)
		return -2;
	return 0;
}

/* The body, a JSON object, into r->f by the route's form: each member a
 * field, an array of scalars a repeated one.  An unknown member or a value
 * of the wrong kind is KQ_INVALID_FIELD naming it in *bad. */
static enum kq_outcome
read_json(struct req *r, const struct form_def *form, const char *text,
    size_t len, const char **bad)
{
	json_error_t	 jerr;
	json_t		*root, *v, *item;
	const char	*name;
	enum kq_outcome	 st;
	size_t		 i, j;
	int		 rc = 0;

	*bad = NULL;
	params_init(&r->body);
	if (len == 0)
		root = json_object();
	else if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return KQ_BAD_REQUEST;
	if (!json_is_object(root)) {
		json_decref(root);
		return KQ_BAD_REQUEST;
	}
	json_object_foreach(root, name, v) {
		for (i = 0; form != NULL && i < form->n; i++)
			if (strcmp(form->fields[i].name, name) == 0)
				break;
		if (form == NULL || i == form->n)
			rc = -1;
		else if (json_is_array(v)) {
			json_array_foreach(v, j, item)
				if ((rc = member_add(r, name, item)) < 0)
					break;
		} else
			rc = member_add(r, name, v);
		if (rc < 0) {
			*bad = arena_strdup(r->arena, name);
			break;
		}
	}
	json_decref(root);
	if (rc < 0)
		st = rc == -2 ? KQ_UNAVAILABLE : KQ_INVALID_FIELD;
	else if (form == NULL)
		st = KQ_OK;
	else if ((st = form_parse(r->arena, form, &r->body, &r->f)) ==
	    KQ_INVALID_FIELD)
		*bad = r->f.bad;
	return st;
}

/* An Idempotency-Key: printable, no spaces, at most IDEM_KEY_MAX. */
static int
idem_key_ok(const char *k)
{
	size_t i, n = strlen(k);

	if (n == 0 || n > IDEM_KEY_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (k[i] <= ' ' || k[i] > '~')
			return 0;
	return 1;
}

/* A POST: the key's claim, the handler's change and its answer in one
 * transaction (core/idempotency.h). */
struct post {
	struct req		*r;
	struct api_call		*c;
	const struct api_route	*rt;
	const char		*idem, *body;
	char			 hash[65];	/* of what the request asks */
	struct idem_answer	 ans;
};

static enum kq_outcome
post_txn(struct db *db, struct arena *a, void *arg)
{
	struct post	*p = arg;
	struct api_call	*c = p->c;
	enum kq_outcome	 s;

	c->status = 0;
	c->text = NULL;
	if ((s = apikey_once(db, &c->key)) != KQ_OK ||
	    (s = idem_claim(db, a, c->key.id, p->idem, p->hash, &p->ans)) !=
	    KQ_OK || !p->ans.claimed)
		return s;
	p->rt->handler(p->r, c);
	if (c->text == NULL)
		abort();	/* programmer mistake: a handler that did not answer */
	if (c->status >= 500)	/* not kept: its retry runs */
		return KQ_UNAVAILABLE;
	return idem_store(db, c->key.id, p->idem, c->status, c->text);
}

/* Runs a POST's handler: KQ_OK with the answer in c (replayed: the stored
 * one in p->ans), or why not. */
static enum kq_outcome
post_run(struct post *p)
{
	struct req	*r = p->r;
	const char	*qs = FCGX_GetParam("QUERY_STRING", r->fcgx->envp);
	char		*what;
	enum kq_outcome	 s;

	/* what the request asks: where, and with what */
	if ((what = arena_printf(r->arena, "%s\n%s\n%s\n%s", r->method, r->path,
	    qs != NULL ? qs : "", p->body)) == NULL)
		return KQ_UNAVAILABLE;
	sha256_hex(what, strlen(what), p->hash);
	s = db_txn(r->app->db, r->arena, post_txn, p);
	if (s == KQ_UNAVAILABLE && p->c->text != NULL && p->c->status >= 500)
		return KQ_OK;	/* the handler's own 503, rolled back */
	return s;
}

void
api_dispatch(struct req *r)
{
	const struct api_route	*rt = NULL;
	struct api_call		*c;
	struct api_signed	 sig;
	struct post		 p;
	enum kq_outcome		 s;
	const char		*bad = NULL, *idem, *qs;
	char			*body;
	size_t			 len = 0;
	int			 post;

	i18n_set(LANG_EN);	/* an integrator's words */
	if ((c = arena_zalloc(r->arena, sizeof(*c))) == NULL) {
		api_fail(r, NULL, KQ_UNAVAILABLE, NULL, NULL);
		return;
	}
	if (!path_acceptable(r->path))
		s = KQ_NOT_FOUND;
	else
		s = api_route_find(r, &rt);
	qs = FCGX_GetParam("QUERY_STRING", r->fcgx->envp);
	if (s == KQ_OK && (qs == NULL || strlen(qs) <= MAX_QUERY))
		s = body_read(r, BODY_SMALL, "application/json", &body, &len);
	else if (s == KQ_OK)
		s = KQ_BAD_REQUEST;
	input_done();
	if (s == KQ_OK)
		s = db_ready(r->app->db);
	if (s != KQ_OK) {
		api_fail(r, NULL, s, NULL, NULL);
		return;
	}

	/* who: the signature over what arrived, before anything is parsed (a
	 * POST's works once: post_txn) */
	post = strcmp(r->method, "POST") == 0;
	idem = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", r->fcgx->envp);
	sig.authorization = FCGX_GetParam("HTTP_AUTHORIZATION", r->fcgx->envp);
	sig.method = r->method;
	sig.path = r->path;
	sig.query = qs != NULL ? qs : "";
	sig.body = body;
	sig.len = len;
	sig.idem = idem;
	if ((s = apikey_check(r->app->db, r->arena, r->app->cfg->api_seal_key,
	    &sig, time(NULL), &c->key)) != KQ_OK) {
		reply_header(r, "WWW-Authenticate: KQ-HMAC-SHA256");
		api_fail(r, NULL, s, NULL, NULL);
		return;
	}
	if (post && (idem == NULL || !idem_key_ok(idem))) {
		api_fail(r, NULL, idem == NULL ? KQ_IDEMPOTENCY_REQUIRED :
		    KQ_INVALID_FIELD, "Idempotency-Key", NULL);
		return;
	}
	c->me.kind = P_API;
	c->me.id = c->key.id;
	c->me.login = c->key.key_id;
	c->me.role = "api";
	c->me.is_admin_role = 1;
	if ((c->key.scopes & rt->scope) == 0) {
		api_fail(r, NULL, KQ_FORBIDDEN, NULL,
		    "This API key's scopes do not include this endpoint.");
		return;
	}
	if ((s = query_read(r, rt->query)) != KQ_OK ||
	    (post && (s = read_json(r, rt->body, body, len, &bad)) != KQ_OK)) {
		if (s == KQ_INVALID_FIELD && bad == NULL)
			bad = r->q.bad;
		api_fail(r, NULL, s, bad, NULL);
		return;
	}
	if (!post) {
		rt->handler(r, c);
		if (c->text == NULL)
			abort();	/* programmer mistake: no answer */
		answer(r, c->status, c->text, 0);
		return;
	}

	memset(&p, 0, sizeof(p));
	p.r = r;
	p.c = c;
	p.rt = rt;
	p.idem = idem;
	p.body = body != NULL ? body : "";
	if ((s = post_run(&p)) != KQ_OK) {
		api_fail(r, NULL, s, s == KQ_IDEMPOTENCY_MISMATCH ||
		    s == KQ_IDEMPOTENCY_BUSY ? "Idempotency-Key" : NULL, NULL);
		return;
	}
	if (die_after_commit && c->status < 500 && p.ans.claimed)
		_exit(1);
	if (p.ans.claimed)
		answer(r, c->status, c->text, 0);
	else
		answer(r, p.ans.status, p.ans.body, 1);
}
