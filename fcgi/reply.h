/*
 * reply.h - how a handler answers: a page, a redirect, an error page, the
 * answer to a POST; the headers every response leaves with.
 */
#ifndef KQ_REPLY_H
#define KQ_REPLY_H

#include "http.h"

/* A view with what every page shows: who is logged in, the CSRF token for
 * its forms, the flash message of the previous POST. */
struct view	*reply_view(struct req *);
/* Renders page NAME with status (a 503 when the request ran out of
 * memory: reply_lost); a plain 500 text if the template is missing. */
void		 reply_page(struct req *, int status, const char *name, struct view *);
/* Whether the request ran out of memory (its arena failed: whatever it
 * was filled with may be missing); it has then been answered 503, with
 * its error page rendered in memory of its own.  reply_page(),
 * reply_redirect() and the starts of the files (export.h) ask it first. */
int		 reply_lost(struct req *);
/* 303 See Other to a local path. */
void		 reply_redirect(struct req *, const char *location);
/* A file whose rows are partly out when a statement fails cannot become
 * an error page: it is cut, so the download fails visibly instead of
 * ending as a complete 200 with rows missing (SPEC §9), and the log says
 * why. */
void		 reply_cut(struct req *, const char *why);
/* The error page for a status (403, 404, 409, 413, 422, 429, 503 …). */
void		 reply_fail(struct req *, enum kq_outcome);
/* The same naming the failing field and, with its own words (e.g. naming
 * an order), the message; either may be NULL. */
void		 reply_fail_at(struct req *, enum kq_outcome, const char *field,
		    const char *message);
/* The error page of s (KQ_DISCOUNT_NOT_APPLICABLE) with why: data-reason
 * the reason's name, and its words after the message. */
void		 reply_fail_reason(struct req *, enum kq_outcome, const char *reason,
		    const char *text);
/* Sets an ok flash whose message takes a count. */
void		 reply_flash_count(struct req *, const char *code, int n);
/* The answer to a POST: 303 to location with an ok flash, or the error
 * page for s. */
void		 reply_done(struct req *, enum kq_outcome s, const char *flash,
		    const char *location);
/* The same for a create that may wait for approval (SPEC §11): with
 * KQ_APPROVAL_PENDING, 303 to request id's page with flash approval_pending. */
void		 reply_made(struct req *, enum kq_outcome s, long long id,
		    const char *flash, const char *location);
/* Sets the flash shown by the next page: kind "ok" or "error". */
void		 reply_flash(struct req *, const char *kind, const char *code);
/* Adds a Set-Cookie; max_age < 0 for a session cookie, 0 to delete. */
void		 reply_cookie(struct req *, const char *name, const char *value,
		    const char *path, long max_age);
void		 reply_header(struct req *, const char *line);
/* Writes status and headers (with the security headers) once. */
void		 reply_headers(struct req *, int status, const char *content_type);
int		 reply_write(void *fcgx_stream, const char *, size_t);

#endif
