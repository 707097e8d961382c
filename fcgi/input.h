/*
 * input.h - what a request sends, read under its deadline: the query
 * string by the route's form, and the body.  The pages' front line
 * (routes.c) and the API's (api.c) both read through here.
 */
#ifndef KQ_INPUT_H
#define KQ_INPUT_H

#include "http.h"

/* The input's deadline: an interval timer whose SIGALRM ends a blocked
 * read (worker.c installs the handler); 0 stops it. */
void		input_deadline(int seconds);
/* The request's input has been read: its deadline ends. */
void		input_done(void);

/* The query string into r->query and r->q: only form's keys (none when
 * form is NULL), each once (KQ_BAD_REQUEST), typed by form (its outcome). */
enum kq_outcome	query_read(struct req *, const struct form_def *form);
/* The body, at most max bytes (KQ_TOO_LARGE) of Content-Type type
 * (KQ_BAD_REQUEST), into the arena, NUL-ended; *out NULL when empty. */
enum kq_outcome	body_read(struct req *, size_t max, const char *type,
		    char **out, size_t *outlen);
/* A form's body (urlencoded, at most max bytes) into r->body. */
enum kq_outcome	body_read_form(struct req *, size_t max);

#endif
