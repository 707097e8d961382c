/*
 * auth.c - logins and sessions.
 *
 * The token is hashed by the server (UNHEX(SHA2(?, 256))) so the plain token
 * never sits in a table.  last_seen_at is written at most once a minute, so
 * a busy session costs one read per request, not one write.
 *
 * A worker keeps the member sessions it has read for cache_seconds (the
 * configuration's session_cache_seconds), so a busy session costs one read
 * per worker every few seconds, not one per request.  The staleness is
 * bounded: a session ended on another host, or past its timeouts, or
 * deleted in the database, still opens pages for at most cache_seconds.
 * A logout on this host ends it at once in every worker here (the
 * sessions' epoch in the shared page: each kept session carries the epoch
 * it was read in).  A kept session is found by its whole token only.
 * Backend sessions are never kept: each request reads its row.
 */
#include <crypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "base/clock.h"
#include "base/codes.h"
#include "ratelimit.h"
#include "process/shared.h"

/* What a login or session query reads: its own secret (the password hash;
 * the session's CSRF token), seconds since the session was last seen, and
 * the principal. */
struct auth_row {
	const char		*secret;
	long long		 seen_ago;
	struct principal	 p;
};

static const struct db_col member_login_cols[] = {
	DB_COL(struct auth_row, secret, "u.password_hash"),
	DB_END
};
static const struct db_col admin_login_cols[] = {
	DB_COL(struct auth_row, secret, "a.password_hash"),
	DB_END
};
static const struct db_col session_cols[] = {
	DB_COL(struct auth_row, secret, "s.csrf"),
	DB_COL(struct auth_row, seen_ago,
	    "TIMESTAMPDIFF(SECOND, s.last_seen_at, UTC_TIMESTAMP())"),
	DB_END
};
static const struct db_col member_cols[] = {
	DB_COL(struct principal, id, "u.id"),
	DB_COL(struct principal, uin, "u.uin"),
	DB_COL(struct principal, login, "u.login"),
	DB_COL(struct principal, is_owner, "u.is_owner"),
	DB_COL(struct principal, finance, "u.finance"),
	DB_COL(struct principal, account_name, "a.name"),
	DB_COL(struct principal, is_partner, "a.partner"),
	DB_END
};
static const struct db_col admin_cols[] = {
	DB_COL(struct principal, id, "a.id"),
	DB_COL(struct principal, login, "a.login"),
	DB_COL(struct principal, role, "a.role"),
	DB_END
};
#define AUTH_PARTS(own, cols) DB_WHOLE(own), DB_PART(cols, struct auth_row, p)

static struct db_sel SQL_MEMBER_BY_LOGIN = DB_SEL(
    "SELECT {cols} FROM users u JOIN accounts a ON a.uin = u.uin"
    " WHERE u.login = ?", AUTH_PARTS(member_login_cols, member_cols));
static struct db_sel SQL_ADMIN_BY_LOGIN = DB_SEL(
    "SELECT {cols} FROM admins a WHERE a.login = ?",
    AUTH_PARTS(admin_login_cols, admin_cols));
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, kind, principal_id, csrf, created_at,"
    " last_seen_at) VALUES (UNHEX(SHA2(?, 256)), ?, ?, ?, UTC_TIMESTAMP(),"
    " UTC_TIMESTAMP())";
#define SESSION_WHERE \
    " WHERE s.token_hash = UNHEX(SHA2(?, 256)) AND s.kind = ?" \
    " AND s.last_seen_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE" \
    " AND s.created_at > UTC_TIMESTAMP() - INTERVAL ? HOUR"
static struct db_sel SQL_MEMBER_SESSION = DB_SEL(
    "SELECT {cols} FROM sessions s JOIN users u ON u.id = s.principal_id"
    " JOIN accounts a ON a.uin = u.uin" SESSION_WHERE,
    AUTH_PARTS(session_cols, member_cols));
static struct db_sel SQL_ADMIN_SESSION = DB_SEL(
    "SELECT {cols} FROM sessions s JOIN admins a ON a.id = s.principal_id"
    SESSION_WHERE, AUTH_PARTS(session_cols, admin_cols));
static const char SQL_SESSION_TOUCH[] =
    "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP()"
    " WHERE token_hash = UNHEX(SHA2(?, 256))";
static const char SQL_SESSION_DELETE[] =
    "DELETE FROM sessions WHERE token_hash = UNHEX(SHA2(?, 256))";
static const char SQL_SESSION_SWEEP[] =
    "DELETE FROM sessions WHERE last_seen_at <= UTC_TIMESTAMP() - INTERVAL ? MINUTE"
    " OR created_at <= UTC_TIMESTAMP() - INTERVAL ? HOUR";

#define TOUCH_SECONDS	60

/* The member sessions this process keeps: one slot per token, chosen by
 * the token's first hex digits (random), a newer session taking the slot. */
#define KEPT_SLOTS	64
struct kept {
	char			 token[TOKEN_HEX + 1];	/* "": free */
	long long		 until_ms;	/* clock_mono_ms() */
	long long		 epoch;		/* sessions_epoch() when read */
	struct principal	 p;		/* login, account_name: below */
	char			 login[64 * 4 + 1];	/* VARCHAR(64) utf8mb4 */
	char			 account_name[100 * 4 + 1];
};
static struct kept	 kept[KEPT_SLOTS];

/* token: TOKEN_HEX lower-case hex digits (session_load checks) */
static struct kept *
kept_slot(const char *token)
{
	unsigned	i, n = 0;

	for (i = 0; i < 2; i++)
		n = n << 4 | (unsigned)(token[i] <= '9' ? token[i] - '0' :
		    token[i] - 'a' + 10);
	return &kept[n % KEPT_SLOTS];
}

/* The kept session of this token, fresh and of this epoch, else NULL. */
static struct kept *
kept_find(const char *token)
{
	struct kept *k = kept_slot(token);

	if (k->token[0] == '\0' || !token_equal(k->token, token))
		return NULL;
	if (clock_mono_ms() >= k->until_ms || k->epoch != sessions_epoch()) {
		k->token[0] = '\0';
		return NULL;
	}
	return k;
}

static void
kept_put(const char *token, const struct principal *p, long long epoch,
    int seconds)
{
	struct kept *k = kept_slot(token);

	if (seconds <= 0 || strlen(p->login) >= sizeof(k->login) ||
	    strlen(p->account_name) >= sizeof(k->account_name))
		return;
	memcpy(k->token, token, TOKEN_HEX + 1);
	k->until_ms = clock_mono_ms() + seconds * 1000LL;
	k->epoch = epoch;
	k->p = *p;
	memcpy(k->login, p->login, strlen(p->login) + 1);
	memcpy(k->account_name, p->account_name, strlen(p->account_name) + 1);
	k->p.login = k->login;
	k->p.account_name = k->account_name;
}

static void
kept_drop(const char *token)
{
	struct kept *k = kept_slot(token);

	if (token_equal(k->token, token))
		k->token[0] = '\0';
}

int
password_hash(const char *password, char *out, size_t outsz)
{
	char	 setting[CRYPT_GENSALT_OUTPUT_SIZE];
	void	*data = NULL;
	int	 size = 0;
	char	*h;
	int	 rc = -1;

	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)) == NULL)
		return -1;
	h = crypt_ra(password, setting, &data, &size);
	if (h != NULL && h[0] == '$' && strlen(h) < outsz) {
		memcpy(out, h, strlen(h) + 1);
		rc = 0;
	}
	free(data);
	return rc;
}

int
token_equal(const char *a, const char *b)
{
	size_t		la = strlen(a), lb = strlen(b), i;
	unsigned char	diff = la != lb;

	for (i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

int
password_verify(const char *password, const char *hash)
{
	void	*data = NULL;
	int	 size = 0, ok;
	char	*h;

	h = crypt_ra(password, hash, &data, &size);
	/* crypt returns "*0"/"*1" (or NULL) on a bad setting */
	ok = h != NULL && h[0] == '$' && token_equal(h, hash);
	free(data);
	return ok;
}

/* A hash to verify against when the login is unknown, so a wrong login and
 * a wrong password take the same time. */
static const char *
dummy_hash(void)
{
	static char h[256];

	if (h[0] == '\0' && password_hash("kaquan-dummy", h, sizeof(h)) < 0)
		return "$y$j9T$invalid$";
	return h;
}

/* Completes a principal read by the queries above. */
static void
principal_finish(struct principal *p, enum principal_kind kind)
{
	p->kind = kind;
	if (kind == P_ADMIN)
		p->is_admin_role = strcmp(p->role, "admin") == 0;
	else
		p->role = p->is_owner ? "owner" : "collaborator";
}

/* The password check, inside a slot of the hash gate. */
static enum kq_outcome
verify_gated(const char *password, const char *hash)
{
	int slot, ok;

	if ((slot = gate_enter()) < 0)
		return KQ_BUSY;
	ok = password_verify(password, hash);
	gate_leave(slot);
	return ok ? KQ_OK : KQ_LOGIN_FAILED;
}

enum kq_outcome
auth_login(struct db *db, struct arena *a, enum principal_kind kind,
    const char *login, const char *password, const char *ip,
    struct principal *p)
{
	const char	*realm = kind == P_ADMIN ? "admin" : "member";
	struct db_arg	 arg = DB_STR(login);
	struct auth_row	 r;
	enum kq_outcome	 s;

	memset(p, 0, sizeof(*p));
	memset(&r, 0, sizeof(r));
	if ((s = login_attempts_check(db, a, realm, login, ip)) != KQ_OK)
		return s;
	s = db_select_one(db, a, kind == P_ADMIN ? &SQL_ADMIN_BY_LOGIN :
	    &SQL_MEMBER_BY_LOGIN, &arg, 1, &r, sizeof(r));
	if (s != KQ_OK && s != KQ_NOT_FOUND)
		return s;
	/* an unknown login costs the same hash as a wrong password */
	s = verify_gated(password, s == KQ_OK ? r.secret : dummy_hash());
	if (s == KQ_OK && r.secret == NULL)
		s = KQ_LOGIN_FAILED;
	if (s == KQ_LOGIN_FAILED) {
		struct principal tried = { .kind = kind, .id = r.p.id,
		    .login = login };

		if ((s = login_attempts_fail(db, realm, login, ip)) == KQ_OK &&
		    kind == P_ADMIN)
			s = audit_write(db, &tried, "admin.login.failed", login,
			    NULL, ip);
		return s == KQ_OK ? KQ_LOGIN_FAILED : s;
	}
	if (s != KQ_OK || (s = login_attempts_clear(db, realm, login)) != KQ_OK)
		return s;
	*p = r.p;
	principal_finish(p, kind);
	return KQ_OK;
}

enum kq_outcome
session_create(struct db *db, struct principal *p, char token[TOKEN_HEX + 1])
{
	struct db_arg args[4];

	if (random_hex(token, TOKEN_HEX / 2) < 0 ||
	    random_hex(p->csrf, TOKEN_HEX / 2) < 0)
		return KQ_UNAVAILABLE;
	args[0] = DB_STR(token);
	args[1] = DB_STR(p->kind == P_ADMIN ? "admin" : "member");
	args[2] = DB_INT(p->id);
	args[3] = DB_STR(p->csrf);
	return db_exec(db, SQL_SESSION_INSERT, args, 4, NULL, NULL);
}

enum kq_outcome
session_load(struct db *db, struct arena *a, enum principal_kind kind,
    const char *token, const struct session_policy *pol, struct principal *p)
{
	struct db_arg	 args[4];
	struct auth_row	 r;
	struct kept	*k;
	enum kq_outcome	 s;
	long long	 epoch = sessions_epoch();

	memset(p, 0, sizeof(*p));
	if (token == NULL || strlen(token) != TOKEN_HEX ||
	    strspn(token, "0123456789abcdef") != TOKEN_HEX)
		return KQ_NOT_FOUND;
	if (kind == P_MEMBER && (k = kept_find(token)) != NULL) {
		*p = k->p;
		if ((p->login = arena_strdup(a, k->login)) == NULL ||
		    (p->account_name = arena_strdup(a, k->account_name)) == NULL)
			return KQ_UNAVAILABLE;
		return KQ_OK;
	}
	args[0] = DB_STR(token);
	args[1] = DB_STR(kind == P_ADMIN ? "admin" : "member");
	args[2] = DB_INT(pol->idle_minutes);
	args[3] = DB_INT(pol->absolute_hours);
	memset(&r, 0, sizeof(r));
	if ((s = db_select_one(db, a, kind == P_ADMIN ? &SQL_ADMIN_SESSION :
	    &SQL_MEMBER_SESSION, args, 4, &r, sizeof(r))) != KQ_OK)
		return s;
	*p = r.p;
	principal_finish(p, kind);
	snprintf(p->csrf, sizeof(p->csrf), "%s", r.secret);
	if (kind == P_MEMBER)
		kept_put(token, p, epoch, pol->cache_seconds);
	if (r.seen_ago >= TOUCH_SECONDS)
		return db_exec(db, SQL_SESSION_TOUCH, args, 1, NULL, NULL);
	return KQ_OK;
}

enum kq_outcome
session_end(struct db *db, const char *token)
{
	struct db_arg	arg = DB_STR(token);
	enum kq_outcome	s;

	if ((s = db_exec(db, SQL_SESSION_DELETE, &arg, 1, NULL, NULL)) != KQ_OK)
		return s;
	kept_drop(token);
	sessions_ended();	/* the other workers here drop theirs */
	return KQ_OK;
}

enum kq_outcome
session_sweep(struct db *db, const struct session_policy *pol,
    unsigned long long *n)
{
	struct db_arg	args[2] = { DB_INT(pol->idle_minutes),
			    DB_INT(pol->absolute_hours) };
	uint64_t	affected = 0;
	enum kq_outcome	s;

	s = db_exec(db, SQL_SESSION_SWEEP, args, 2, &affected, NULL);
	*n = affected;
	return s;
}
