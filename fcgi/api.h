/*
 * api.h - the host billing platform's API under /api/v1/: JSON in and out
 * (Jansson), every request signed with an API key (core/apikey.h), every
 * POST optionally idempotent (core/idempotency.h).
 *
 * The front line is the pages' own, in the API's words: route → the raw
 * query and body → signature (a POST's works once) → Idempotency-Key
 * (required on every POST) → scope → query keys and body (JSON, flattened
 * to the route's form) → handler.  A handler calls the same core functions
 * the pages call and answers with api_send() or api_fail(); a POST's
 * handler runs inside one transaction with the key's claim and its stored
 * answer (core/idempotency.h), so the change and its answer commit
 * together, and the answer is sent only after they did.
 */
#ifndef KQ_API_H
#define KQ_API_H

#include <jansson.h>

#include "apikey.h"
#include "http.h"

#define API_PREFIX	"/api/"

struct api_call {
	struct api_key	 key;
	struct principal me;		/* the key as the actor of audited changes */
	int		 status;	/* the answer, sent when the handler is */
	const char	*text;		/*   done (and a POST's committed) */
};

typedef void api_fn(struct req *, struct api_call *);

struct api_route {
	const char		*method;	/* "GET" or "POST" */
	const char		*path;		/* router.h: "{id}" a number */
	api_fn			*handler;
	unsigned		 scope;		/* enum api_scope */
	const struct form_def	*query;		/* its keys: the allowed ones */
	const struct form_def	*body;		/* POST: the JSON object's */
};

int	api_init(char *err, size_t errsz);
void	api_free(void);
/* Answers a request whose path starts with API_PREFIX. */
void	api_dispatch(struct req *);
/* Prints the routes, "METHOD PATH" a line (kaquan-fcgi --api-routes). */
void	api_routes_print(FILE *);

/* The answer: body (its reference taken) with status; c NULL: sent now
 * (a request refused before its handler). */
void	api_send(struct req *, struct api_call *, int status, json_t *body);
/* {"error": {"code", "message", "field"}} with the status's HTTP code;
 * message NULL: the status's own words. */
void	api_fail(struct req *, struct api_call *, enum kq_outcome,
	    const char *field, const char *message);
/* The same with "reason" (SPEC §10: why a discount does not apply). */
void	api_fail_reason(struct req *, struct api_call *, enum kq_outcome,
	    const char *reason);

/* Handlers (h_api.c) and their forms. */
api_fn	ha_order_create, ha_order_get, ha_order_pay, ha_order_cancel,
	ha_order_candidates, ha_order_confirm, ha_order_refund;
api_fn	ha_vouchers, ha_voucher, ha_voucher_invalidate, ha_template_issue;
api_fn	ha_provision_take, ha_provision_active, ha_provision_failed;
api_fn	ha_partner_charges;
extern const struct form_def api_order_form, api_pay_form, api_vouchers_query,
	api_confirm_form, api_candidates_query, api_refund_form, api_issue_form, api_take_form,
	api_failed_form, api_charges_query;

#endif
