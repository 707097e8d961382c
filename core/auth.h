/*
 * auth.h - passwords, sessions, CSRF tokens, who may do what.
 *
 * Passwords are yescrypt hashes (libcrypt).  A session is a 256-bit random
 * token in a cookie; the database keeps only its SHA-256, with idle and
 * absolute timeouts.  Member and admin sessions are separate rows of
 * separate kinds behind separate cookies.  Each session carries its own
 * CSRF token, checked on every POST.
 */
#ifndef KQ_AUTH_H
#define KQ_AUTH_H

#include "base/arena.h"
#include "base/outcome.h"
#include "db/db.h"
#include "principal.h"

struct session_policy {
	int	idle_minutes;
	int	absolute_hours;
	int	cache_seconds;	/* a worker keeps a member session (auth.c) */
};

/* yescrypt; 0 or -1. */
int		 password_hash(const char *password, char *out, size_t outsz);
/* 1 when the password matches, 0 otherwise (constant time in the hash). */
int		 password_verify(const char *password, const char *hash);

/* Checks a login and password from client ip; KQ_OK fills *p (without
 * csrf).  KQ_LOGIN_FAILED for an unknown login or a wrong password (counted,
 * and audited for the backend); KQ_RATE_LIMITED past the failed-login
 * limits, before any hashing; KQ_BUSY when every hash slot of the worker
 * set is taken (shared.h). */
enum kq_outcome	 auth_login(struct db *, struct arena *, enum principal_kind,
		    const char *login, const char *password, const char *ip,
		    struct principal *);
/* Starts a session for *p: token_out gets the cookie value and p->csrf the
 * session's CSRF token. */
enum kq_outcome	 session_create(struct db *, struct principal *,
		    char token_out[TOKEN_HEX + 1]);
/* KQ_OK fills *p; KQ_NOT_FOUND for no, expired or foreign-kind session. */
enum kq_outcome	 session_load(struct db *, struct arena *, enum principal_kind,
		    const char *token, const struct session_policy *,
		    struct principal *);
enum kq_outcome	 session_end(struct db *, const char *token);
/* Deletes sessions past their timeouts; the count in *n. */
enum kq_outcome	 session_sweep(struct db *, const struct session_policy *,
		    unsigned long long *n);

/* Constant-time string comparison; 1 when equal. */
int		 token_equal(const char *a, const char *b);

#endif
