/*
 * http.h - one request in flight, and the ways a handler answers it.
 *
 * A handler reads typed input (req->q, the query; req->f, the body: both
 * parsed by the front line with the route's forms; req->id from the route),
 * calls one core function, fills a view and calls page(), redirect() or
 * fail().  Every response leaves through send_headers(), which adds the
 * security headers, so no page can forget them.
 */
#ifndef KQ_HTTP_H
#define KQ_HTTP_H

#include <fcgiapp.h>

#include "base/arena.h"
#include "auth.h"
#include "base/config.h"
#include "db/db.h"
#include "web/form.h"
#include "db/pager.h"
#include "base/outcome.h"
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
	struct form		 f;		/* the body, by the route's form */
	enum kq_outcome		 f_outcome;	/* KQ_OK, or why f failed */
	struct principal	 me;		/* kind P_NONE on public pages */

	struct abuf		 headers;	/* extra header lines */
	int			 sent;		/* headers are out */
	int			 status;	/* the one they said */
	const char		*route_name;	/* for the log: "/user/orders/{id}" */
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
void		 fail(struct req *, enum kq_outcome);
/* The same naming the failing field and, with its own words (e.g. naming
 * an order), the message; either may be NULL. */
void		 fail_at(struct req *, enum kq_outcome, const char *field,
		    const char *message);
/* One CSV cell, neutralised (SPEC §7); last ends the line. */
void		 csv_cell(FCGX_Stream *, const char *, int last);
/* The headers of a CSV attachment, with a BOM. */
void		 csv_start(struct req *, const char *filename);
/* path with the request's query string: a list's download with its filters. */
const char	*query_href(struct req *, const char *path);
/* The heading of a time column: the words and the zone times are shown in. */
const char	*csv_time_head(struct req *, const char *words);
/* A heading row: the words of each, in the request's language. */
void		 csv_heads(FCGX_Stream *, const char *const *heads);

/* An export: every row of a list (the page's own core call, with pg->each
 * set by export_begin) as CSV, each row shown by the page's own show
 * function into a view and written by its columns.  The headers go out
 * with the first row, so a failure before it still gets its error page.
 * A page that may be either declares its export zeroed and calls
 * export_begin() only for the file. */
enum csv_kind {
	CSV_TEXT,	/* the view's KEY, the words the page shows */
	CSV_MONEY,	/* KEY_v in cents, written in yuan for a spreadsheet */
	CSV_TIME	/* KEY_v (ISO UTC) as "2026-11-23 07:16" in display_tz,
			   as the ledgers write it; the heading names the zone */
};
struct csv_col {
	const char	*head, *key;
	enum csv_kind	 kind;
};
struct export {
	struct req		*req;		/* NULL: not exporting */
	const char		*filename;
	const struct csv_col	*cols;
	void			(*show)(struct req *, struct view *, const void *row);
	struct arena		 scratch;	/* one row's, reset per row */
	int			 started;
};
void		 export_begin(struct req *, struct export *, struct pager *,
		    const char *filename, const struct csv_col *,
		    void (*show)(struct req *, struct view *, const void *));
/* After a list's core call with status s: 1 when the request is answered
 * (the export ended, or the error page for s), 0 to render the page. */
int		 list_answered(struct req *, struct export *, enum kq_outcome s);
struct ledger_row;
/* A voucher's ledger as CSV (with_customer: a partner's usage details). */
void		 ledger_csv(struct req *, const char *filename,
		    const struct ledger_row *, size_t n, int with_customer);
/* Shows an outcome on the page being rendered (a re-shown form). */
void		 flash_now(struct view *, enum kq_outcome, const char *field);
/* A re-shown form: map "f" gets what was typed in every single-valued
 * field, and the flash names the failing field (bad; f->bad when NULL). */
void		 form_reshow(struct view *, const struct form *, enum kq_outcome,
		    const char *bad);
/* A code or card the member typed failed (its field marked; a code of
 * the right length that fails its check digit reads as a typo). */
void		 code_failed(struct view *, enum kq_outcome, const char *field,
		    const char *typed);
/* The answer to a POST: 303 to location with an ok flash, or the error
 * page for s. */
void		 done(struct req *, enum kq_outcome s, const char *flash,
		    const char *location);
/* An audited download of codes as FILENAME: fn is batch_codes() or
 * issue_codes(); an empty file when there are none. */
void		 download(struct req *, const char *filename,
		    enum kq_outcome (*fn)(struct db *, const struct principal *,
		    const char *, long long, int (*)(void *, const char *), void *));
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

/* Handlers (h_*.c) and the forms the route table gives them. */
handler_fn	 h_login_form, h_login, h_logout;
handler_fn	 h_admin_login_form, h_admin_login, h_admin_logout;
handler_fn	 h_user_home, h_admin_home, h_search, h_audit, h_audit_csv, h_lang;
handler_fn	 h_batches, h_batch_new, h_batch_create, h_batch, h_batch_codes;
handler_fn	 h_batch_disable, h_batch_enable, h_card_disable, h_card_enable,
		 h_card, h_usage, h_usage_csv, h_batch_cards_csv;
handler_fn	 h_pickup, h_pickup_verify, h_pickup_confirm;
handler_fn	 h_orders, h_order, h_order_pay, h_order_cancel, h_admin_order;
handler_fn	 h_order_confirm, h_order_refund, h_admin_orders, h_admin_refund,
		 h_admin_refund_reject;
/* The confirmation page of an irreversible POST, at the same path (GET). */
handler_fn	 h_confirm;
/* done() for a POST with a reason: a missing or bad reason shows its
 * confirmation page again (422) with the field marked. */
void		 done_with_reason(struct req *, enum kq_outcome s,
		    const char *flash, const char *location);
handler_fn	 h_vouchers, h_voucher, h_voucher_csv;
handler_fn	 h_redeem_form, h_redeem_verify, h_redeem_confirm;
handler_fn	 h_templates, h_template_new, h_template_create, h_template,
		 h_template_update, h_template_issue, h_issue, h_issue_codes,
		 h_admin_vouchers, h_admin_vouchers_csv, h_admin_voucher,
		 h_voucher_invalidate, h_issues, h_issues_csv;
handler_fn	 h_partner_home, h_partner_customers, h_ptemplates, h_ptemplate_new,
		 h_ptemplate_create, h_ptemplate, h_ptemplate_update,
		 h_ptemplate_apply, h_pvouchers, h_pvoucher, h_pvoucher_csv,
		 h_pvoucher_cancel, h_pvoucher_invalidate, h_ctemplates,
		 h_ctemplate_new, h_ctemplate_create, h_ctemplate,
		 h_ctemplate_update, h_ctemplate_issue, h_cvouchers, h_cvoucher,
		 h_cvoucher_csv, h_cvoucher_withdraw, h_charges, h_charges_csv,
		 h_psettings, h_psettings_save;
/* Invalidates partner voucher req->id (partner or admin) and answers. */
void		 pv_invalidate_answer(struct req *, const char *back);
handler_fn	 h_applications, h_application_approve, h_application_reject,
		 h_admin_pvouchers, h_admin_pvoucher_new, h_admin_pvoucher_issue,
		 h_admin_pvoucher_invalidate;

/* The "page" of a list, the same field on every list. */
#define PAGE_FIELD { .name = "page", .type = FT_INT, .min = 1, .max = PAGER_MAX }

extern const struct form_def page_query;	/* just "page" */
extern const struct form_def login_form, search_query, audit_query, lang_query;
extern const struct form_def batches_query, batch_query, batch_form, usage_query;
extern const struct form_def card_form;
extern const struct form_def confirm_form, refund_form, note_form,
			      admin_orders_query;
extern const struct form_def vouchers_query, code_form;
extern const struct form_def template_form, issue_form, admin_vouchers_query,
	issues_query;
extern const struct form_def ptemplate_form, ctemplate_form, grant_form,
	pvouchers_query, cvouchers_query, charges_query, psettings_form;
extern const struct form_def applications_query, reject_form,
	admin_pvouchers_query, pv_issue_form;

#endif
