/*
 * auth.c - logins and sessions.
 *
 * The token is hashed by the server (UNHEX(SHA2(?, 256))) so the plain token
 * never sits in a table.  last_seen_at is written at most once a minute, so
 * a busy session costs one read per request, not one write.
 */
#include <crypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "codes.h"

/*
 * The login and session queries select two leading columns of their own
 * (password hash; CSRF token and seconds since last seen), then the
 * principal's columns in one order, read by principal_fill().
 */
#define MEMBER_COLS	"u.id, u.uin, u.login, u.is_owner, u.finance, a.name"
#define ADMIN_COLS	"a.id, a.login, a.role"

static const char SQL_MEMBER_BY_LOGIN[] =
    "SELECT u.password_hash, NULL, " MEMBER_COLS
    " FROM users u JOIN accounts a ON a.uin = u.uin WHERE u.login = ?";
static const char SQL_ADMIN_BY_LOGIN[] =
    "SELECT a.password_hash, NULL, " ADMIN_COLS " FROM admins a WHERE a.login = ?";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, kind, principal_id, csrf, created_at,"
    " last_seen_at) VALUES (UNHEX(SHA2(?, 256)), ?, ?, ?, UTC_TIMESTAMP(),"
    " UTC_TIMESTAMP())";
static const char SQL_MEMBER_SESSION[] =
    "SELECT s.csrf, TIMESTAMPDIFF(SECOND, s.last_seen_at, UTC_TIMESTAMP()), "
    MEMBER_COLS " FROM sessions s JOIN users u ON u.id = s.principal_id"
    " JOIN accounts a ON a.uin = u.uin"
    " WHERE s.token_hash = UNHEX(SHA2(?, 256)) AND s.kind = 'member'"
    " AND s.last_seen_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE"
    " AND s.created_at > UTC_TIMESTAMP() - INTERVAL ? HOUR";
static const char SQL_ADMIN_SESSION[] =
    "SELECT s.csrf, TIMESTAMPDIFF(SECOND, s.last_seen_at, UTC_TIMESTAMP()), "
    ADMIN_COLS " FROM sessions s JOIN admins a ON a.id = s.principal_id"
    " WHERE s.token_hash = UNHEX(SHA2(?, 256)) AND s.kind = 'admin'"
    " AND s.last_seen_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE"
    " AND s.created_at > UTC_TIMESTAMP() - INTERVAL ? HOUR";
static const char SQL_SESSION_TOUCH[] =
    "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP()"
    " WHERE token_hash = UNHEX(SHA2(?, 256))";
static const char SQL_SESSION_DELETE[] =
    "DELETE FROM sessions WHERE token_hash = UNHEX(SHA2(?, 256))";
static const char SQL_SESSION_SWEEP[] =
    "DELETE FROM sessions WHERE last_seen_at <= UTC_TIMESTAMP() - INTERVAL ? MINUTE"
    " OR created_at <= UTC_TIMESTAMP() - INTERVAL ? HOUR";

#define TOUCH_SECONDS	60

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

/* Reads the principal's columns, which start at column 2. */
static void
principal_fill(struct principal *p, enum principal_kind kind,
    const struct db_result *r)
{
	p->kind = kind;
	p->id = db_cell_int(r, 0, 2);
	if (kind == P_ADMIN) {
		p->login = db_cell(r, 0, 3);
		p->role = db_cell(r, 0, 4);
		p->is_admin_role = strcmp(p->role, "admin") == 0;
	} else {
		p->uin = db_cell_int(r, 0, 3);
		p->login = db_cell(r, 0, 4);
		p->is_owner = db_cell_int(r, 0, 5) != 0;
		p->finance = db_cell_int(r, 0, 6) != 0;
		p->account_name = db_cell(r, 0, 7);
		p->role = p->is_owner ? "owner" : "collaborator";
	}
}

enum kq_status
auth_login(struct db *db, struct arena *a, enum principal_kind kind,
    const char *login, const char *password, struct principal *p)
{
	struct db_arg	 arg = DB_STR(login);
	struct db_result r;
	enum kq_status	 s;

	memset(p, 0, sizeof(*p));
	s = db_query(db, a, kind == P_ADMIN ? SQL_ADMIN_BY_LOGIN :
	    SQL_MEMBER_BY_LOGIN, &arg, 1, &r);
	if (s != KQ_OK)
		return s;
	if (r.nrows == 0) {
		(void)password_verify(password, dummy_hash());
		return KQ_LOGIN_FAILED;
	}
	if (!password_verify(password, db_cell(&r, 0, 0)))
		return KQ_LOGIN_FAILED;
	principal_fill(p, kind, &r);
	return KQ_OK;
}

enum kq_status
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

enum kq_status
session_load(struct db *db, struct arena *a, enum principal_kind kind,
    const char *token, const struct session_policy *pol, struct principal *p)
{
	struct db_arg	 args[3];
	struct db_result r;
	enum kq_status	 s;

	memset(p, 0, sizeof(*p));
	if (token == NULL || strlen(token) != TOKEN_HEX)
		return KQ_NOT_FOUND;
	args[0] = DB_STR(token);
	args[1] = DB_INT(pol->idle_minutes);
	args[2] = DB_INT(pol->absolute_hours);
	s = db_query(db, a, kind == P_ADMIN ? SQL_ADMIN_SESSION :
	    SQL_MEMBER_SESSION, args, 3, &r);
	if (s != KQ_OK)
		return s;
	if (r.nrows == 0)
		return KQ_NOT_FOUND;
	snprintf(p->csrf, sizeof(p->csrf), "%s", db_cell(&r, 0, 0));
	principal_fill(p, kind, &r);
	if (db_cell_int(&r, 0, 1) >= TOUCH_SECONDS)
		return db_exec(db, SQL_SESSION_TOUCH, args, 1, NULL, NULL);
	return KQ_OK;
}

enum kq_status
session_end(struct db *db, const char *token)
{
	struct db_arg arg = DB_STR(token);

	return db_exec(db, SQL_SESSION_DELETE, &arg, 1, NULL, NULL);
}

enum kq_status
session_sweep(struct db *db, const struct session_policy *pol,
    unsigned long long *n)
{
	struct db_arg	args[2] = { DB_INT(pol->idle_minutes),
			    DB_INT(pol->absolute_hours) };
	uint64_t	affected = 0;
	enum kq_status	s;

	s = db_exec(db, SQL_SESSION_SWEEP, args, 2, &affected, NULL);
	*n = affected;
	return s;
}
