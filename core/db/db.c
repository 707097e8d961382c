/*
 * db.c - connection, prepared-statement cache, typed binds, transactions.
 *
 * Every error is logged once, here, with the server's message; callers see a
 * kq_outcome.  A duplicate key is an expected outcome (KQ_CONFLICT), not a
 * failure.  Truncated fetches are errors (MYSQL_REPORT_DATA_TRUNCATION),
 * though result buffers are sized from the stored result so it cannot happen.
 */
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "base/log.h"
#include "process/shared.h"
#include "process/metrics.h"

#define IDLE_PING_SECONDS	30
#define CONNECT_SECONDS		2	/* with a timeout: a socket or a LAN */
#define TXN_TRIES		3

static void	time_to(time_t, MYSQL_TIME *);

struct stmt_slot {
	const char	*sql;		/* key: the constant's address */
	MYSQL_STMT	*stmt;
};

static FILE	*log_to;	/* see db_set_log(); stderr until it is called */
static struct db_rows *built_rows;	/* every db_rows with SQL, for db_cleanup() */
static int	 log_set;

/* One line to the log db_set_log() chose (none when it chose NULL). */
static void __attribute__((format(printf, 1, 2)))
db_say(const char *fmt, ...)
{
	FILE	*out = log_set ? log_to : stderr;
	va_list	 ap;

	if (out == NULL)
		return;
	va_start(ap, fmt);
	kq_vlog(out, fmt, ap);
	va_end(ap);
}

struct db {
	struct db_config cfg;
	MYSQL		*my;
	int		 broken;
	time_t		 last_used;
	struct stmt_slot *stmts;
	size_t		 nstmts, capstmts;
	char		 err[512];
	unsigned	 errnum;
	long		 fail_countdown;	/* tests: see db_fail_after() */
	time_t		 began;		/* the statement running now */
	long long	 epoch;		/* outage_epoch() when connected */
	int		 in_txn;	/* db_txn()s open: 2 or more nest */
	MYSQL_BIND	*big;		/* the binds of multi-row statements, */
	size_t		 bigcap;	/*   kept until they are forgotten */
	unsigned	 server;	/* the list's entry tried first */
};

#define DB_SERVERS_MAX	16

/* One server of the list: a host and port, or a socket path. */
struct server {
	char		 host[256];	/* "" for a socket */
	char		 socket[256];
	unsigned	 port;
};

/* The configuration's servers (db_host's, else db_socket's): how many, up
 * to DB_SERVERS_MAX, into s. */
static unsigned
servers(const struct db_config *c, struct server *s)
{
	const char	*list = c->host && *c->host ? c->host : c->socket;
	const char	*colon;
	unsigned	 n = 0;
	size_t		 len;

	for (; list != NULL && *list != '\0' && n < DB_SERVERS_MAX; list += len) {
		list += strspn(list, ", ");
		if ((len = strcspn(list, ", ")) == 0)
			break;
		memset(&s[n], 0, sizeof(s[n]));
		if (c->host && *c->host) {
			colon = memchr(list, ':', len);
			snprintf(s[n].host, sizeof(s[n].host), "%.*s",
			    (int)(colon ? (size_t)(colon - list) : len), list);
			s[n].port = colon ? (unsigned)atoi(colon + 1) : c->port;
		} else
			snprintf(s[n].socket, sizeof(s[n].socket), "%.*s",
			    (int)len, list);
		n++;
	}
	if (n == 0)	/* neither: the client library's default socket */
		memset(&s[n++], 0, sizeof(s[0]));
	return n;
}

/* Whether the test hook says this statement fails (as a lost server would:
 * not sent, KQ_UNAVAILABLE, no retry). */
static int
injected(struct db *db)
{
	if (db->fail_countdown < 0)
		return 0;
	if (db->fail_countdown-- > 0)
		return 0;
	snprintf(db->err, sizeof(db->err), "injected failure");
	db->errnum = 0;
	return 1;
}

void
db_fail_after(struct db *db, long n)
{
	db->fail_countdown = n;
}

/* Keeps a failure for db_error() and db_errno(). */
static void
db_note(struct db *db, const char *what, const char *msg, unsigned num)
{
	snprintf(db->err, sizeof(db->err), "%s: %s", what, msg);
	db->errnum = num;
	metrics_event(ME_DB_ERRORS);
}

static void
db_log(struct db *db, const char *what, const char *msg, unsigned num)
{
	db_note(db, what, msg, num);
	db_say("db: %s (%u)", db->err, num);
}

void
db_set_log(FILE *f)
{
	log_to = f;
	log_set = 1;
}

static int
is_connection_error(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == CR_COMMANDS_OUT_OF_SYNC || e == ER_CONNECTION_KILLED ||
	    e == CR_SERVER_LOST_EXTENDED || e == 4031 /* idle disconnect */;
}

static void	outage_start(struct db *);

/* Whether a transaction that failed with e may run again: the server chose
 * it as a deadlock's victim, or its lock wait ran out. */
static int
retryable(unsigned e)
{
	return e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT;
}

int
db_lost_race(const struct db *db)
{
	return retryable(db->errnum);
}

int
db_timed_out(const struct db *db)
{
	return db->errnum == ER_STATEMENT_TIMEOUT;
}

/* Classifies a failure: a duplicate key or a missing referenced row is an
 * expected outcome the caller decides about; the rest are logged. */
static enum kq_outcome
fail(struct db *db, const char *what, unsigned e, const char *msg)
{
	if (e == ER_DUP_ENTRY || e == ER_NO_REFERENCED_ROW_2) {
		snprintf(db->err, sizeof(db->err), "%s", msg);
		db->errnum = e;
		return e == ER_DUP_ENTRY ? KQ_CONFLICT : KQ_NOT_FOUND;
	}
	if (retryable(e)) {
		snprintf(db->err, sizeof(db->err), "%s", msg);
		db->errnum = e;
		return KQ_UNAVAILABLE;
	}
	if (!is_connection_error(e)) {
		db_log(db, what, msg, e);
		return KQ_UNAVAILABLE;
	}
	db->broken = 1;
	/* a statement that ran out its timeout: the server has stopped
	 * answering (stalled, frozen, unreachable), not just dropped us;
	 * that is an outage, logged once (shared.h) */
	if (db->cfg.timeout && time(NULL) - db->began + 1 >= (time_t)db->cfg.timeout) {
		db_note(db, what, msg, e);
		outage_start(db);
	} else
		db_log(db, what, msg, e);
	return KQ_UNAVAILABLE;
}

/* The start of an outage (db->err says why), logged by the one process
 * that saw it first: once per outage, not once per request. */
static void
outage_start(struct db *db)
{
	if (outage_begin())
		db_say("db: %s (%u); requests get 503 until it is back",
		    db->err, db->errnum);
}

/* The end of an outage, logged by the process that saw it. */
static void
outage_over(void)
{
	double		down;
	long long	refused;

	if (outage_end(&down, &refused))
		db_say("db: back after %.1f s; %lld requests got 503 meanwhile",
		    down, refused);
}

static void
stmts_close(struct db *db)
{
	size_t i;

	for (i = 0; i < db->nstmts; i++)
		mysql_stmt_close(db->stmts[i].stmt);
	db->nstmts = 0;
}

/* The session, where the server has these (MariaDB): the statement limit
 * (the server stops what the client has stopped waiting for, and the
 * locks it held); and on a Galera node causal reads (wsrep_sync_wait): a
 * read waits until this node has applied what the cluster committed before
 * it, so a page after a change made through another node shows it.  0, or
 * the failed query's status. */
static int
session_setup(struct db *db)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		 sql[64];
	int		 galera = 0;

	if (strstr(mysql_get_server_info(db->my), "MariaDB") == NULL)
		return 0;
	if (db->cfg.timeout != 0) {
		snprintf(sql, sizeof(sql), "SET SESSION max_statement_time = %u",
		    db->cfg.timeout);
		if (mysql_query(db->my, sql) != 0)
			return -1;
	}
	if (mysql_query(db->my, "SELECT @@wsrep_on") == 0 &&
	    (res = mysql_store_result(db->my)) != NULL) {
		galera = (row = mysql_fetch_row(res)) != NULL && row[0] != NULL &&
		    strcmp(row[0], "1") == 0;
		mysql_free_result(res);
	}
	return galera ? mysql_query(db->my, "SET SESSION wsrep_sync_wait = 7") : 0;
}

const char *const db_ssl_mode_names[] = { "disabled", "required",
	"verify_identity", NULL };

/* A client handle with kaquan's options, or NULL (out of memory). */
static MYSQL *
client_new(const struct db_config *c)
{
	MYSQL	 *my;
	my_bool	 off = 0, on = 1;
	unsigned connect_timeout = c->timeout ? CONNECT_SECONDS : 5;

	if ((my = mysql_init(NULL)) == NULL)
		return NULL;
	if (c->ssl_mode != DB_SSL_DISABLED) {
		/* no plain fallback: a server that does not speak TLS, or (verify
		 * identity) one whose certificate ssl_ca did not sign for the
		 * host name, is not connected to */
		mysql_options(my, MYSQL_OPT_SSL_ENFORCE, &on);
		mysql_options(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT,
		    c->ssl_mode == DB_SSL_VERIFY_IDENTITY ? &on : &off);
		if (c->ssl_ca != NULL)
			mysql_options(my, MYSQL_OPT_SSL_CA, c->ssl_ca);
	}
	mysql_options(my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(my, MYSQL_REPORT_DATA_TRUNCATION, &on);
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	if (c->timeout) {
		mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &c->timeout);
		mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &c->timeout);
	}
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(my, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	return my;
}

/* Connects to the first server of the list that answers, from the one
 * that answered last: a node that is down is passed over (and logged), and
 * only when none answers is it an outage. */
static int
connect_now(struct db *db)
{
	const struct db_config	*c = &db->cfg;
	struct server		 s[DB_SERVERS_MAX], *sv;
	unsigned		 n = servers(c, s), i;

	for (i = 0; i < n; i++) {
		sv = &s[(db->server + i) % n];
		if ((db->my = client_new(c)) == NULL) {
			snprintf(db->err, sizeof(db->err), "mysql_init: out of memory");
			return -1;
		}
		if (mysql_real_connect(db->my, *sv->host ? sv->host : NULL,
		    c->user, c->password, c->name, sv->port,
		    *sv->socket ? sv->socket : NULL,
		    CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS) != NULL &&
		    session_setup(db) == 0) {
			db->server = (db->server + i) % n;
			outage_over();
			db->epoch = outage_epoch();
			db->broken = 0;
			db->last_used = time(NULL);
			return 0;
		}
		db_note(db, "connect", mysql_error(db->my), mysql_errno(db->my));
		if (n > 1 && i + 1 < n)
			db_say("db: %s: %s (%u); trying the next server",
			    *sv->host ? sv->host : sv->socket, db->err, db->errnum);
		mysql_close(db->my);
		db->my = NULL;
	}
	outage_start(db);
	return -1;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct db *
db_open(const struct db_config *cfg, char *err, size_t errsz)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	db->fail_countdown = -1;
	db->cfg.host = dup_or_null(cfg->host);
	db->cfg.port = cfg->port;
	db->cfg.socket = dup_or_null(cfg->socket);
	db->cfg.user = dup_or_null(cfg->user);
	db->cfg.password = dup_or_null(cfg->password);
	db->cfg.name = dup_or_null(cfg->name);
	db->cfg.timeout = cfg->timeout;
	db->cfg.spread = cfg->spread;
	db->cfg.ssl_mode = cfg->ssl_mode;
	db->cfg.ssl_ca = dup_or_null(cfg->ssl_ca);
	if (cfg->spread)	/* the worker set over the whole list */
		db->server = (unsigned)getpid();
	if (connect_now(db) < 0)
		snprintf(err, errsz, "%s", db->err);
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	stmts_close(db);
	free(db->stmts);
	free(db->big);
	if (db->my)
		mysql_close(db->my);
	free((char *)db->cfg.host);
	free((char *)db->cfg.socket);
	free((char *)db->cfg.user);
	free((char *)db->cfg.password);
	free((char *)db->cfg.name);
	free((char *)db->cfg.ssl_ca);
	free(db);
}

enum kq_outcome
db_ready(struct db *db)
{
	time_t	now = time(NULL);
	int	probe;

	/* while the database is down one process a second tries it; the
	 * others answer at once */
	if (outage_active(&probe) && !probe) {
		outage_refused();
		return KQ_UNAVAILABLE;
	}
	/* a connection older than the last outage is replaced: after a
	 * restart of the server it is dead, and its first statement would
	 * cost a request a 503 */
	if (db->epoch != outage_epoch())
		probe = 1;
	if (!probe && db->my != NULL && !db->broken &&
	    now - db->last_used < IDLE_PING_SECONDS)
		return KQ_OK;
	/* a probe connects afresh: CONNECT_SECONDS bound it, where a ping
	 * on the old connection would wait out the read timeout */
	if (!probe && db->my != NULL && !db->broken && mysql_ping(db->my) == 0) {
		db->last_used = now;
		return KQ_OK;
	}
	stmts_close(db);
	if (db->my != NULL)
		mysql_close(db->my);
	db->my = NULL;
	return connect_now(db) == 0 ? KQ_OK : KQ_UNAVAILABLE;
}

const char *
db_error(const struct db *db)
{
	return db->err;
}

unsigned
db_errno(const struct db *db)
{
	return db->errnum;
}

struct db_arg
db_str(const char *s)
{
	struct db_arg a = { .type = s ? DBA_STR : DBA_NULL, .s = s,
	    .len = s ? strlen(s) : 0 };
	return a;
}

static MYSQL_STMT *
stmt_get(struct db *db, const char *sql)
{
	MYSQL_STMT	*st;
	size_t		 i;

	if (db->my == NULL || db->broken) {
		snprintf(db->err, sizeof(db->err), "not connected");
		return NULL;
	}
	for (i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql)
			return db->stmts[i].stmt;
	if (db->nstmts == db->capstmts) {
		size_t cap = db->capstmts ? db->capstmts * 2 : 32;
		struct stmt_slot *v = realloc(db->stmts, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		db->stmts = v;
		db->capstmts = cap;
	}
	if ((st = mysql_stmt_init(db->my)) == NULL)
		return NULL;
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		fail(db, "prepare", mysql_stmt_errno(st), mysql_stmt_error(st));
		/* the statement matters to a bad statement, not a lost server
		 * or a transaction the server chose to abort (retried) */
		if (!is_connection_error(db->errnum) && !retryable(db->errnum))
			db_say("db: in: %s", sql);
		mysql_stmt_close(st);
		return NULL;
	}
	db->stmts[db->nstmts].sql = sql;
	db->stmts[db->nstmts].stmt = st;
	db->nstmts++;
	return st;
}

void
db_forget(struct db *db, const char *sql)
{
	size_t i;

	free(db->big);		/* a large statement's binds go with it */
	db->big = NULL;
	db->bigcap = 0;
	for (i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql) {
			mysql_stmt_close(db->stmts[i].stmt);
			db->stmts[i] = db->stmts[--db->nstmts];
			return;
		}
}

/* Prepares (cached), binds and executes.  Multi-row inserts bind
 * thousands of parameters; those binds come from the heap. */
static enum kq_outcome
run(struct db *db, MYSQL_STMT **out, const char *sql,
    const struct db_arg *args, size_t nargs)
{
	MYSQL_BIND	 small[32], *bind = small;
	MYSQL_TIME	 small_times[32], *times = small_times;
	MYSQL_STMT	*st;
	enum kq_outcome	 s = KQ_OK;
	size_t		 i;

	db->began = time(NULL);
	if (injected(db) || (st = stmt_get(db, sql)) == NULL)
		return KQ_UNAVAILABLE;
	if (nargs != mysql_stmt_param_count(st)) {
		kq_log("db: %zu args for %lu placeholders in: %s",
		    nargs, mysql_stmt_param_count(st), sql);
		abort();	/* programmer mistake */
	}
	for (i = 0; nargs > 32 && i < nargs && args[i].type != DBA_TIME; i++)
		;
	if (nargs > db->bigcap && nargs > 32) {
		free(db->big);
		db->bigcap = 0;
		if ((db->big = malloc(nargs * sizeof(*db->big))) == NULL)
			return KQ_UNAVAILABLE;
		db->bigcap = nargs;
	}
	if (nargs > 32)
		bind = db->big;
	if (nargs > 32 && i < nargs &&
	    (times = calloc(nargs, sizeof(*times))) == NULL)
		return KQ_UNAVAILABLE;
	memset(bind, 0, (nargs > 32 ? nargs : 32) * sizeof(*bind));
	for (i = 0; i < nargs; i++) {
		switch (args[i].type) {
		case DBA_NULL:
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DBA_INT:
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = (void *)&args[i].i;
			break;
		case DBA_STR:
		case DBA_BIN:	/* a blob's bytes are not the connection's text */
			bind[i].buffer_type = args[i].type == DBA_STR ?
			    MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
			bind[i].buffer = (void *)args[i].s;
			bind[i].buffer_length = args[i].len;
			break;
		case DBA_TIME:
			time_to((time_t)args[i].i, &times[i]);
			bind[i].buffer_type = MYSQL_TYPE_DATETIME;
			bind[i].buffer = &times[i];
			break;
		}
	}
	if ((nargs && mysql_stmt_bind_param(st, bind)) || mysql_stmt_execute(st))
		s = fail(db, "execute", mysql_stmt_errno(st), mysql_stmt_error(st));
	if (times != small_times)
		free(times);
	if (s != KQ_OK)
		return s;
	db->last_used = time(NULL);
	*out = st;
	return KQ_OK;
}

enum kq_outcome
db_exec(struct db *db, const char *sql, const struct db_arg *args,
    size_t nargs, uint64_t *affected, uint64_t *insert_id)
{
	MYSQL_STMT	*st;
	enum kq_outcome	 s;

	if ((s = run(db, &st, sql, args, nargs)) != KQ_OK)
		return s;
	if (affected)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id)
		*insert_id = mysql_stmt_insert_id(st);
	return KQ_OK;
}

enum kq_outcome
db_exec_chunked(struct db *db, const char *sql, const struct db_arg *args,
    size_t nargs, unsigned long long *n)
{
	const char	*limit = strstr(sql, " LIMIT ");
	uint64_t	 changed, chunk;
	enum kq_outcome	 s;

	if (limit == NULL || (chunk = strtoull(limit + 7, NULL, 10)) == 0)
		abort();	/* programmer mistake: an unbounded statement */
	if (n != NULL)
		*n = 0;
	do {
		if ((s = db_exec(db, sql, args, nargs, &changed, NULL)) != KQ_OK)
			return s;
		if (n != NULL)
			*n += changed;
	} while (changed == chunk);
	return KQ_OK;
}

/* The statement of 2^lg rows, built once. */
static const char *
rows_sql(struct db_rows *r, int lg)
{
	size_t	 n = (size_t)1 << lg, rowlen = strlen(r->row), i;
	char	*s, *p;

	if (r->sql[lg] != NULL)
		return r->sql[lg];
	if ((s = malloc(strlen(r->prefix) + n * (rowlen + 1) + 1)) == NULL)
		return NULL;
	p = stpcpy(s, r->prefix);
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		p = stpcpy(p, r->row);
	}
	for (i = 0; i < sizeof(r->sql) / sizeof(r->sql[0]); i++)
		if (r->sql[i] != NULL)
			break;
	if (i == sizeof(r->sql) / sizeof(r->sql[0])) {	/* its first */
		r->next = built_rows;
		built_rows = r;
	}
	r->sql[lg] = s;
	return s;
}

enum kq_outcome
db_insert_rows(struct db *db, struct db_rows *r, long long count,
    int (*fill)(void *, long long, size_t, struct db_arg *),
    enum kq_outcome (*after)(void *, long long, size_t), void *ctx)
{
	struct db_arg	*args;
	const char	*sql;
	long long	 done = 0;
	enum kq_outcome	 s = KQ_OK;
	size_t		 n;
	int		 lg = r->lg_max, tries;

	if (lg < 0 || (size_t)lg >= sizeof(r->sql) / sizeof(r->sql[0]))
		abort();	/* programmer mistake */
	if ((args = malloc(((size_t)1 << lg) * r->nargs * sizeof(*args))) == NULL)
		return KQ_UNAVAILABLE;
	while (s == KQ_OK && done < count) {
		if (((long long)1 << lg) > count - done) {
			lg--;
			continue;
		}
		n = (size_t)1 << lg;
		if ((sql = rows_sql(r, lg)) == NULL) {
			s = KQ_UNAVAILABLE;
			break;
		}
		for (tries = 0, s = KQ_CONFLICT; tries < 5 && s == KQ_CONFLICT;
		    tries++)
			s = fill(ctx, done, n, args) < 0 ? KQ_UNAVAILABLE :
			    db_exec(db, sql, args, n * r->nargs, NULL, NULL);
		if (s == KQ_OK && after != NULL)
			s = after(ctx, done, n);
		done += s == KQ_OK ? (long long)n : 0;
	}
	free(args);
	return s;
}

void
db_rows_forget(struct db *db, struct db_rows *r)
{
	size_t i;

	for (i = 0; i < sizeof(r->sql) / sizeof(r->sql[0]); i++)
		if (r->sql[i] != NULL)
			db_forget(db, r->sql[i]);
}

/* Runs a query and stores its result client-side, with column max lengths
 * so buffers fit every value.  *meta is NULL for a statement without rows. */
static enum kq_outcome
run_stored(struct db *db, MYSQL_STMT **st, MYSQL_RES **meta, const char *sql,
    const struct db_arg *args, size_t nargs)
{
	my_bool		on = 1;
	enum kq_outcome	s;

	*meta = NULL;
	if ((s = run(db, st, sql, args, nargs)) != KQ_OK)
		return s;
	if ((*meta = mysql_stmt_result_metadata(*st)) == NULL) {
		mysql_stmt_free_result(*st);
		return KQ_OK;
	}
	mysql_stmt_attr_set(*st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (mysql_stmt_store_result(*st) != 0) {
		mysql_free_result(*meta);
		*meta = NULL;
		return fail(db, "store", mysql_stmt_errno(*st), mysql_stmt_error(*st));
	}
	return KQ_OK;
}

/* ------------------------------------------------------------ typed rows */

#define MAX_COLS	64
#define ENUM_BUFSZ	64

struct db_flat {
	const struct db_col	*col;
	size_t			 off;	/* in the row: part base + member */
};

static struct db_sel *built;	/* every db_sel with SQL, for db_cleanup() */
static struct db_proc *procs;	/* every db_proc with text, for db_cleanup() */

/* Writes the SELECT list into the text once and flattens the parts. */
static int
sel_build(struct db *db, struct db_sel *q)
{
	const struct db_col	*c;
	const char		*mark;
	size_t			 len, n = 0, i, k;
	char			*p;

	if (q->sql != NULL)
		return 0;
	if ((mark = strstr(q->text, "{cols}")) == NULL)
		abort();	/* programmer mistake: no place for the list */
	len = strlen(q->text);
	for (i = 0; i < 4 && q->parts[i].cols != NULL; i++)
		for (c = q->parts[i].cols; c->expr != NULL; c++) {
			len += strlen(c->expr) + 2;
			n++;
		}
	if (n == 0 || n > MAX_COLS)
		abort();	/* programmer mistake */
	if ((q->sql = malloc(len + 1)) == NULL ||
	    (q->flat = calloc(n, sizeof(*q->flat))) == NULL) {
		free(q->sql);
		q->sql = NULL;
		snprintf(db->err, sizeof(db->err), "out of memory");
		return -1;
	}
	p = q->sql;
	memcpy(p, q->text, (size_t)(mark - q->text));
	p += mark - q->text;
	for (i = 0, k = 0; i < 4 && q->parts[i].cols != NULL; i++)
		for (c = q->parts[i].cols; c->expr != NULL; c++) {
			if (k > 0) {
				*p++ = ',';
				*p++ = ' ';
			}
			p = stpcpy(p, c->expr);
			q->flat[k].col = c;
			q->flat[k].off = q->parts[i].base + c->off;
			k++;
		}
	strcpy(p, mark + strlen("{cols}"));
	q->ncols = n;
	q->next = built;
	built = q;
	return 0;
}

int
db_library_init(void)
{
	return mysql_library_init(0, NULL, NULL) == 0 ? 0 : -1;
}

void
db_cleanup(void)
{
	struct db_sel	*q, *next;
	struct db_proc	*p, *pnext;
	struct db_rows	*r, *rnext;
	size_t		 i;

	for (p = procs; p != NULL; p = pnext) {
		pnext = p->next;
		free(p->create);
		free(p->call);
		p->create = p->call = NULL;
		p->made = 0;
		p->next = NULL;
	}
	procs = NULL;
	for (r = built_rows; r != NULL; r = rnext) {
		rnext = r->next;
		for (i = 0; i < sizeof(r->sql) / sizeof(r->sql[0]); i++) {
			free(r->sql[i]);
			r->sql[i] = NULL;
		}
		r->next = NULL;
	}
	built_rows = NULL;
	for (q = built; q != NULL; q = next) {
		next = q->next;
		free(q->sql);
		free(q->flat);
		q->sql = NULL;
		q->flat = NULL;
		q->next = NULL;
	}
	built = NULL;
}

/* Result buffers for one query, bound once; a fetch fills them and
 * row_fill() copies them into a struct.  Sized to the query's columns. */
struct staging {
	MYSQL_BIND	*bind;
	long long	*ll;
	MYSQL_TIME	*tm;
	unsigned long	*len;
	my_bool		*null;
	char		**buf;
};

#define STAGING_SIZE(n) ((n) * (sizeof(MYSQL_BIND) + sizeof(long long) + \
	sizeof(MYSQL_TIME) + sizeof(unsigned long) + sizeof(char *) + \
	sizeof(my_bool)))

/* Carves the arrays for n columns out of mem (STAGING_SIZE(n) bytes,
 * zeroed, aligned as malloc's). */
static void
staging_carve(struct staging *sg, void *mem, size_t n)
{
	char *p = mem;

	sg->bind = (MYSQL_BIND *)p;
	p += n * sizeof(MYSQL_BIND);
	sg->tm = (MYSQL_TIME *)p;
	p += n * sizeof(MYSQL_TIME);
	sg->ll = (long long *)p;
	p += n * sizeof(long long);
	sg->len = (unsigned long *)p;
	p += n * sizeof(unsigned long);
	sg->buf = (char **)p;
	p += n * sizeof(char *);
	sg->null = (my_bool *)p;
}

static time_t
time_of(const MYSQL_TIME *t)
{
	struct tm tm;

	if (t->year == 0)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)t->year - 1900;
	tm.tm_mon = (int)t->month - 1;
	tm.tm_mday = (int)t->day;
	tm.tm_hour = (int)t->hour;
	tm.tm_min = (int)t->minute;
	tm.tm_sec = (int)t->second;
	return timegm(&tm);
}

static void
time_to(time_t t, MYSQL_TIME *out)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	memset(out, 0, sizeof(*out));
	out->year = (unsigned)tm.tm_year + 1900;
	out->month = (unsigned)tm.tm_mon + 1;
	out->day = (unsigned)tm.tm_mday;
	out->hour = (unsigned)tm.tm_hour;
	out->minute = (unsigned)tm.tm_min;
	out->second = (unsigned)tm.tm_sec;
	out->time_type = MYSQL_TIMESTAMP_DATETIME;
}

/* The status of a fetch that returned rc (neither 0 nor MYSQL_NO_DATA):
 * truncation is an error too (MYSQL_REPORT_DATA_TRUNCATION is set). */
static enum kq_outcome
fetch_failed(struct db *db, MYSQL_STMT *st, int rc)
{
	if (rc == MYSQL_DATA_TRUNCATED) {
		db_log(db, "fetch", "data truncated", 0);
		return KQ_UNAVAILABLE;
	}
	return fail(db, "fetch", mysql_stmt_errno(st), mysql_stmt_error(st));
}

/* Binds the staging buffers; text buffers of size[c] bytes come from the
 * arena a (stored results) or, a NULL, the heap (streamed). */
static enum kq_outcome
staging_bind(struct db *db, MYSQL_STMT *st, const struct db_sel *q,
    struct staging *sg, struct arena *a, const size_t *size)
{
	size_t c;

	for (c = 0; c < q->ncols; c++) {
		MYSQL_BIND *b = &sg->bind[c];

		b->length = &sg->len[c];
		b->is_null = &sg->null[c];
		switch (q->flat[c].col->type) {
		case DBT_LL:
		case DBT_INT:
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &sg->ll[c];
			break;
		case DBT_TIME:
			b->buffer_type = MYSQL_TYPE_DATETIME;
			b->buffer = &sg->tm[c];
			break;
		case DBT_TEXT:
		case DBT_ENUM:
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer_length = q->flat[c].col->type == DBT_ENUM ?
			    ENUM_BUFSZ : size[c] + 1;
			sg->buf[c] = a != NULL ? arena_alloc(a, b->buffer_length) :
			    malloc(b->buffer_length);
			if (sg->buf[c] == NULL)
				return KQ_UNAVAILABLE;
			b->buffer = sg->buf[c];
			break;
		}
	}
	if (mysql_stmt_bind_result(st, sg->bind) != 0)
		return fail(db, "bind", mysql_stmt_errno(st), mysql_stmt_error(st));
	return KQ_OK;
}

static int
enum_value(const char *const *names, const char *s)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Copies the fetched values into row; text into the arena, or, streaming
 * (a NULL), as pointers into the staging buffers. */
static enum kq_outcome
row_fill(struct db *db, const struct db_sel *q, struct staging *sg,
    struct arena *a, char *row)
{
	size_t c;

	for (c = 0; c < q->ncols; c++) {
		const struct db_col	*col = q->flat[c].col;
		void			*m = row + q->flat[c].off;
		int			 v;

		switch (col->type) {
		case DBT_LL:
			*(long long *)m = sg->null[c] ? 0 : sg->ll[c];
			break;
		case DBT_INT:
			*(int *)m = sg->null[c] ? 0 : (int)sg->ll[c];
			break;
		case DBT_TIME:
			*(time_t *)m = sg->null[c] ? 0 : time_of(&sg->tm[c]);
			break;
		case DBT_TEXT:
			if (sg->null[c])
				*(const char **)m = NULL;
			else if (a == NULL) {
				sg->buf[c][sg->len[c]] = '\0';
				*(const char **)m = sg->buf[c];
			} else if ((*(const char **)m = arena_strndup(a, sg->buf[c],
			    sg->len[c])) == NULL)
				return KQ_UNAVAILABLE;
			break;
		case DBT_ENUM:
			/* NULL is -1 (the enum's "none"); an unknown name an error */
			if (sg->null[c]) {
				*(int *)m = -1;
				break;
			}
			v = -1;
			if (sg->len[c] < ENUM_BUFSZ) {
				sg->buf[c][sg->len[c]] = '\0';
				v = enum_value(col->names, sg->buf[c]);
			}
			if (v < 0) {
				db_log(db, "fetch", "a state the code does not know", 0);
				return KQ_UNAVAILABLE;
			}
			*(int *)m = v;
			break;
		}
	}
	return KQ_OK;
}

enum kq_outcome
db_select(struct db *db, struct arena *a, struct db_sel *q,
    const struct db_arg *args, size_t nargs, size_t rowsize, void *rowsp,
    size_t *n)
{
	struct staging	 sg;
	void		*mem;
	MYSQL_STMT	*st;
	MYSQL_RES	*meta;
	MYSQL_FIELD	*fields;
	size_t		 size[MAX_COLS], c, r, nrows;
	char		*rows;
	enum kq_outcome	 s;
	int		 rc;

	*n = 0;
	*(void **)rowsp = NULL;
	if (sel_build(db, q) < 0)
		return KQ_UNAVAILABLE;
	if ((s = run_stored(db, &st, &meta, q->sql, args, nargs)) != KQ_OK)
		return s;
	if (meta == NULL || mysql_num_fields(meta) != q->ncols)
		abort();	/* programmer mistake: not the columns we wrote */
	fields = mysql_fetch_fields(meta);
	for (c = 0; c < q->ncols; c++)
		size[c] = fields[c].max_length;
	nrows = mysql_stmt_num_rows(st);
	s = KQ_UNAVAILABLE;
	if ((mem = arena_zalloc(a, STAGING_SIZE(q->ncols))) == NULL ||
	    (rows = arena_zalloc(a, (nrows + 1) * rowsize)) == NULL)
		goto out;
	staging_carve(&sg, mem, q->ncols);
	if ((s = staging_bind(db, st, q, &sg, a, size)) != KQ_OK)
		goto out;
	for (r = 0; r < nrows; r++) {
		if ((rc = mysql_stmt_fetch(st)) != 0) {
			s = fetch_failed(db, st, rc);
			goto out;
		}
		if ((s = row_fill(db, q, &sg, a, rows + r * rowsize)) != KQ_OK)
			goto out;
	}
	*(void **)rowsp = rows;
	*n = nrows;
	s = KQ_OK;
out:
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	return s;
}

enum kq_outcome
db_select_one(struct db *db, struct arena *a, struct db_sel *q,
    const struct db_arg *args, size_t nargs, void *row, size_t rowsize)
{
	void		*rows;
	size_t		 n;
	enum kq_outcome	 s;

	if ((s = db_select(db, a, q, args, nargs, rowsize, &rows, &n)) != KQ_OK)
		return s;
	if (n == 0)
		return KQ_NOT_FOUND;
	memcpy(row, rows, rowsize);
	return KQ_OK;
}

enum kq_outcome
db_select_each(struct db *db, struct db_sel *q, const struct db_arg *args,
    size_t nargs, void *row, int (*fn)(void *, const void *), void *ctx)
{
	struct staging	 sg;
	char		 mem[STAGING_SIZE(MAX_COLS)] __attribute__((aligned(16)));
	MYSQL_STMT	*st;
	MYSQL_RES	*meta;
	MYSQL_FIELD	*fields;
	size_t		 size[MAX_COLS], c;
	enum kq_outcome	 s;
	int		 rc;

	if (sel_build(db, q) < 0)
		return KQ_UNAVAILABLE;
	memset(mem, 0, STAGING_SIZE(q->ncols));
	staging_carve(&sg, mem, q->ncols);
	/* rows are fetched one by one from the server, not stored */
	if ((s = run(db, &st, q->sql, args, nargs)) != KQ_OK)
		return s;
	if ((meta = mysql_stmt_result_metadata(st)) == NULL ||
	    mysql_num_fields(meta) != q->ncols)
		abort();	/* programmer mistake */
	fields = mysql_fetch_fields(meta);
	/* the column's declared size; a longer value is truncation, an error */
	for (c = 0; c < q->ncols; c++)
		size[c] = fields[c].length < 65536 ? fields[c].length : 65536;
	if ((s = staging_bind(db, st, q, &sg, NULL, size)) != KQ_OK)
		goto out;
	while ((rc = mysql_stmt_fetch(st)) == 0) {
		if ((s = row_fill(db, q, &sg, NULL, row)) != KQ_OK)
			goto out;
		if (fn(ctx, row) < 0)
			break;
	}
	s = rc == 0 || rc == MYSQL_NO_DATA ? KQ_OK : fetch_failed(db, st, rc);
out:
	for (c = 0; c < q->ncols; c++)
		free(sg.buf[c]);
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	return s;
}

enum kq_outcome
db_scalar(struct db *db, const char *sql, const struct db_arg *args,
    size_t nargs, long long *out)
{
	MYSQL_STMT	*st;
	MYSQL_RES	*meta;
	MYSQL_BIND	 b;
	my_bool		 null = 0;
	enum kq_outcome	 s;
	int		 rc;

	*out = 0;
	if ((s = run_stored(db, &st, &meta, sql, args, nargs)) != KQ_OK)
		return s;
	if (meta == NULL)
		abort();	/* programmer mistake: no rows to read */
	memset(&b, 0, sizeof(b));
	b.buffer_type = MYSQL_TYPE_LONGLONG;
	b.buffer = out;
	b.is_null = &null;
	if (mysql_stmt_bind_result(st, &b) != 0)
		s = fail(db, "bind", mysql_stmt_errno(st), mysql_stmt_error(st));
	else if ((rc = mysql_stmt_fetch(st)) == MYSQL_NO_DATA)
		s = KQ_NOT_FOUND;
	else if (rc != 0)
		s = fetch_failed(db, st, rc);
	if (null)
		*out = 0;
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	return s;
}

static enum kq_outcome
simple(struct db *db, const char *what, const char *sql)
{
	if (db->my == NULL || db->broken)
		return KQ_UNAVAILABLE;
	db->began = time(NULL);
	if (mysql_real_query(db->my, sql, strlen(sql)) != 0)
		return fail(db, what, mysql_errno(db->my), mysql_error(db->my));
	db->last_used = time(NULL);
	return KQ_OK;
}

static enum kq_outcome
db_begin(struct db *db)
{
	return injected(db) ? KQ_UNAVAILABLE :
	    simple(db, "begin", "START TRANSACTION");
}

static enum kq_outcome
db_commit(struct db *db)
{
	return injected(db) ? KQ_UNAVAILABLE : simple(db, "commit", "COMMIT");
}

static void
db_rollback(struct db *db)
{
	if (db->my != NULL && !db->broken)
		(void)simple(db, "rollback", "ROLLBACK");
}

/* fn inside the transaction that is open: a savepoint, so that a failure
 * undoes fn's writes alone.  A lost race is the whole transaction's (the
 * server rolled it back, savepoint and all): it is returned as it is, for
 * the outer db_txn() to run again. */
static enum kq_outcome
txn_nested(struct db *db, struct arena *a,
    enum kq_outcome (*fn)(struct db *, struct arena *, void *), void *arg)
{
	char		set[48], undo[48];
	enum kq_outcome	s;

	snprintf(set, sizeof(set), "SAVEPOINT kq_%d", db->in_txn);
	snprintf(undo, sizeof(undo), "ROLLBACK TO SAVEPOINT kq_%d", db->in_txn);
	if ((s = injected(db) ? KQ_UNAVAILABLE : simple(db, "savepoint", set)) !=
	    KQ_OK)
		return s;
	db->errnum = 0;
	db->in_txn++;
	s = fn(db, a, arg);
	db->in_txn--;
	if (s != KQ_OK && !retryable(db->errnum) && db->my != NULL &&
	    !db->broken)
		(void)simple(db, "savepoint", undo);
	return s;
}

enum kq_outcome
db_txn(struct db *db, struct arena *a,
    enum kq_outcome (*fn)(struct db *, struct arena *, void *), void *arg)
{
	enum kq_outcome	s;
	int		try;

	if (db->in_txn)
		return txn_nested(db, a, fn, arg);
	for (try = 1; try <= TXN_TRIES; try++) {
		db->errnum = 0;
		if ((s = db_begin(db)) != KQ_OK)
			return s;
		db->in_txn = 1;
		s = fn(db, a, arg);
		db->in_txn = 0;
		if (s == KQ_OK && (s = db_commit(db)) == KQ_OK)
			return KQ_OK;
		db_rollback(db);
		if (!retryable(db->errnum))
			return s;
	}
	db_log(db, "transaction", "gave up after repeated deadlocks", 0);
	return KQ_UNAVAILABLE;
}

enum kq_outcome
db_exec_script(struct db *db, const char *sql)
{
	enum kq_outcome	s;
	MYSQL_RES	*r;
	int		rc;

	if ((s = simple(db, "script", sql)) != KQ_OK)
		return s;
	do {
		if ((r = mysql_store_result(db->my)) != NULL)
			mysql_free_result(r);
		if ((rc = mysql_next_result(db->my)) > 0)
			return fail(db, "script", mysql_errno(db->my),
			    mysql_error(db->my));
	} while (rc == 0);
	return KQ_OK;
}

/* ------------------------------------------------------------ procedures */

/* A step's placeholder letters (but k): the argument each takes and the
 * procedure's parameter type. */
static const struct letter {
	char			 name;
	enum db_arg_type	 arg;
	const char		*sql;
} letters[] = {
	{ 'i', DBA_INT, "BIGINT" },
	{ 's', DBA_STR, "VARCHAR(1000)" },	/* the database's character set */
	/* as an ascii column: a utf8mb4 value would make the server convert
	 * the column, and miss its index */
	{ 'a', DBA_STR, "VARCHAR(1000) CHARACTER SET ascii" },
	{ 't', DBA_TIME, "DATETIME" },
	{ 'b', DBA_BIN, "VARBINARY(64)" },	/* a code's look-up hash */
};

static const struct letter *
letter(char t)
{
	size_t i;

	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (letters[i].name == t)
			return &letters[i];
	abort();	/* programmer mistake: no such letter */
}

/* Copies SQL into f with each placeholder outside a quoted literal named:
 * p1, p2, ... from *n on, or kept for the letter k. */
static void
step_write(FILE *f, const struct db_step *st, size_t *n)
{
	const char	*c, *t = st->types;
	char		 quote = 0;

	for (c = st->sql; *c != '\0'; c++) {
		if (quote) {
			if (*c == quote)
				quote = 0;
		} else if (*c == '\'' || *c == '"' || *c == '`')
			quote = *c;
		else if (*c == '?') {
			if (*t == '\0')
				abort();	/* more placeholders than letters */
			if (*t++ == 'k')
				fputs("kept", f);
			else
				fprintf(f, "p%zu", ++*n);
			continue;
		}
		fputc(*c, f);
	}
	if (*t != '\0')
		abort();	/* more letters than placeholders */
}

/* Writes CREATE PROCEDURE and CALL for the steps, once per process: the
 * name is the procedure's own plus a hash (FNV-1a) of its text. */
static int
proc_build(struct db *db, struct db_proc *p, const struct db_step *st,
    size_t nsteps)
{
	FILE		*f;
	char		*body = NULL, name[64];
	size_t		 len, n = 0, i;
	const char	*t;
	uint64_t	 h = 14695981039346656037ULL;
	int		 ok;

	if (p->create != NULL)
		return 0;
	if ((f = open_memstream(&body, &len)) == NULL)
		goto nomem;
	fputs("(", f);
	for (i = 0; i < nsteps; i++)
		for (t = st[i].types; *t != '\0'; t++)
			if (*t != 'k') {
				n++;
				fprintf(f, "%sIN p%zu %s", n > 1 ? ", " : "", n,
				    letter(*t)->sql);
			}
	fputs(")\nMODIFIES SQL DATA\nbody: BEGIN\n"
	    "DECLARE kept BIGINT DEFAULT 0;\n"
	    "DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;\n"
	    "START TRANSACTION;\n", f);
	for (i = 0, n = 0; i < nsteps; i++) {
		step_write(f, &st[i], &n);
		fputs(";\n", f);
		if (st[i].none != KQ_OK)
			fprintf(f, "IF ROW_COUNT() = 0 THEN ROLLBACK; SELECT %zu, 0;"
			    " LEAVE body; END IF;\n", i + 1);
		if (st[i].keep)
			fputs("SET kept = LAST_INSERT_ID();\n", f);
	}
	fputs("COMMIT;\nSELECT 0, kept;\nEND", f);
	ok = fclose(f) == 0;
	f = NULL;
	if (!ok)
		goto nomem;
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)body[i]) * 1099511628211ULL;
	snprintf(name, sizeof(name), "kq_%s_%016llx", p->name,
	    (unsigned long long)h);
	if (asprintf(&p->create, "CREATE PROCEDURE IF NOT EXISTS %s%s",
	    name, body) < 0) {
		p->create = NULL;
		goto nomem;
	}
	if ((f = open_memstream(&p->call, &len)) == NULL)
		goto nomem;
	fprintf(f, "CALL %s(", name);
	for (i = 0; i < n; i++)
		fputs(i ? ", ?" : "?", f);
	fputs(")", f);
	if (fclose(f) != 0)
		goto nomem;
	free(body);
	p->next = procs;
	procs = p;
	return 0;
nomem:
	free(body);
	free(p->create);
	free(p->call);
	p->create = p->call = NULL;
	snprintf(db->err, sizeof(db->err), "out of memory");
	return -1;
}

/* One CALL: the procedure answers one row, (the step that changed no row
 * or 0, the id kept); the status that follows is read too. */
static enum kq_outcome
proc_call(struct db *db, struct db_proc *p, const struct db_arg *args,
    size_t nargs, long long out[2])
{
	MYSQL_STMT	*st;
	MYSQL_BIND	 b[2];
	my_bool		 null[2];
	enum kq_outcome	 s = KQ_OK;
	int		 i, rc;

	if ((s = run(db, &st, p->call, args, nargs)) != KQ_OK)
		return s;
	memset(b, 0, sizeof(b));
	for (i = 0; i < 2; i++) {
		out[i] = 0;
		b[i].buffer_type = MYSQL_TYPE_LONGLONG;
		b[i].buffer = &out[i];
		b[i].is_null = &null[i];
	}
	if (mysql_stmt_field_count(st) != 2)
		abort();	/* programmer mistake: not our procedure */
	if (mysql_stmt_bind_result(st, b) != 0 || mysql_stmt_store_result(st) != 0)
		s = fail(db, "call", mysql_stmt_errno(st), mysql_stmt_error(st));
	else if ((rc = mysql_stmt_fetch(st)) != 0)
		s = rc == MYSQL_NO_DATA ? fail(db, "call", 0, "no answer") :
		    fetch_failed(db, st, rc);
	mysql_stmt_free_result(st);
	while ((rc = mysql_stmt_next_result(st)) == 0)
		mysql_stmt_free_result(st);
	if (rc > 0 && s == KQ_OK)
		s = fail(db, "call", mysql_stmt_errno(st), mysql_stmt_error(st));
	return s;
}

enum kq_outcome
db_proc_run(struct db *db, struct db_proc *p, const struct db_step *st,
    size_t nsteps, long long *kept)
{
	struct db_arg	 args[64];
	long long	 out[2];
	const char	*t;
	size_t		 nargs = 0, i, k;
	enum kq_outcome	 s = KQ_UNAVAILABLE;
	int		 try;

	if (db->in_txn)
		abort();	/* programmer mistake: it commits on its own */
	for (i = 0; i < nsteps; i++)
		for (t = st[i].types, k = 0; *t != '\0'; t++) {
			if (*t == 'k')
				continue;
			if (nargs == sizeof(args) / sizeof(args[0]) ||
			    k == DB_STEP_ARGS)
				abort();	/* programmer mistake */
			args[nargs] = st[i].args[k++];
			if (args[nargs].type != DBA_NULL &&
			    args[nargs].type != letter(*t)->arg)
				abort();	/* not the type the letter says */
			nargs++;
		}
	if (proc_build(db, p, st, nsteps) < 0)
		return KQ_UNAVAILABLE;
	for (try = 1; try <= TXN_TRIES; try++) {
		db->errnum = 0;
		if (!p->made) {
			if ((s = simple(db, "procedure", p->create)) != KQ_OK)
				return s;
			p->made = 1;
		}
		if ((s = proc_call(db, p, args, nargs, out)) == KQ_OK) {
			if (out[0] > 0 && (size_t)out[0] <= nsteps)
				return st[out[0] - 1].none;
			if (kept)
				*kept = out[1];
			return KQ_OK;
		}
		if (db->errnum == ER_SP_DOES_NOT_EXIST) {
			/* dropped behind this process's back: made again */
			db_forget(db, p->call);
			p->made = 0;
		} else if (!retryable(db->errnum))
			return s;
	}
	db_log(db, "transaction", "gave up after repeated deadlocks", 0);
	return KQ_UNAVAILABLE;
}
