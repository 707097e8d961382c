/*
 * conn.c - connections: the server list and failover, the session's settings,
 * outages seen once for the worker set (shared.h), and the failures every
 * statement's error goes through.
 *
 * Every error is logged once, here, with the server's message; callers see a
 * kq_outcome.  A duplicate key is an expected outcome (KQ_CONFLICT), not a
 * failure.
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

#include "db/db_int.h"
#include "base/log.h"
#include "process/metrics.h"
#include "process/shared.h"

#define IDLE_PING_SECONDS	30
#define CONNECT_SECONDS		2	/* with a timeout: a socket or a LAN */
#define IO_SLACK_SECONDS	2	/* a read waits past max_statement_time */

static FILE	*log_to;	/* see db_set_log(); stderr until it is called */
static int	 log_set;

/* One line to the log db_set_log() chose (none when it chose NULL). */
void
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
int
db_injected(struct db *db)
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
void
db_note(struct db *db, const char *what, const char *msg, unsigned num)
{
	snprintf(db->err, sizeof(db->err), "%s: %s", what, msg);
	db->errnum = num;
	metrics_event(ME_DB_ERRORS);
}

void
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

int
db_connection_error(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == CR_COMMANDS_OUT_OF_SYNC || e == ER_CONNECTION_KILLED ||
	    e == CR_SERVER_LOST_EXTENDED || e == 4031 /* idle disconnect */;
}

/* Whether a transaction that failed with e may run again: the server chose
 * it as a deadlock's victim, or its lock wait ran out. */
int
db_retryable(unsigned e)
{
	return e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT;
}

int
db_lost_race(const struct db *db)
{
	return db_retryable(db->errnum);
}

int
db_timed_out(const struct db *db)
{
	return db->errnum == ER_STATEMENT_TIMEOUT;
}

int
db_no_table(const struct db *db)
{
	return db->errnum == ER_NO_SUCH_TABLE;
}

static int	connect_now(struct db *);

/* Whether the server answers a connection of its own (the request's stays
 * broken: its transaction is gone); when none does, connect_now has
 * started the outage, and the other workers answer 503 at once instead of
 * each waiting out its own read. */
static void
probe(struct db *db)
{
	struct db p = { .cfg = db->cfg, .server = db->server,
	    .fail_countdown = -1 };

	if (connect_now(&p) == 0)
		mysql_close(p.my);
}

/* Classifies a failure: a duplicate key or a missing referenced row is an
 * expected outcome the caller decides about; the rest are logged. */
enum kq_outcome
db_fail(struct db *db, const char *what, unsigned e, const char *msg)
{
	if (e == ER_DUP_ENTRY || e == ER_NO_REFERENCED_ROW_2) {
		snprintf(db->err, sizeof(db->err), "%s", msg);
		db->errnum = e;
		return e == ER_DUP_ENTRY ? KQ_CONFLICT : KQ_NOT_FOUND;
	}
	if (db_retryable(e)) {
		snprintf(db->err, sizeof(db->err), "%s", msg);
		db->errnum = e;
		return KQ_UNAVAILABLE;
	}
	if (!db_connection_error(e)) {
		db_log(db, what, msg, e);
		return KQ_UNAVAILABLE;
	}
	/* a lost connection, or one whose read ran out its time (a stalled
	 * server, or a statement the server did not stop): this request's
	 * 503, and the next connects afresh.  Only a server that cannot be
	 * reached now is an outage for the worker set: one slow statement
	 * fails one request (SPEC §9). */
	db->broken = 1;
	db_log(db, what, msg, e);
	probe(db);
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


/* A client handle with kaquan's options, or NULL (out of memory). */
static MYSQL *
client_new(const struct db_config *c)
{
	MYSQL	 *my;
	my_bool	 off = 0, on = 1;
	unsigned connect_timeout = c->timeout ? CONNECT_SECONDS : 5;
	unsigned io_timeout = c->timeout + IO_SLACK_SECONDS;

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
	/* the server stops a statement at c->timeout (max_statement_time,
	 * session_setup) and says so: the client waits a little longer, so
	 * that answer arrives on a connection still good */
	if (c->timeout) {
		mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
		mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
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

int
db_library_init(void)
{
	return mysql_library_init(0, NULL, NULL) == 0 ? 0 : -1;
}

void
db_cleanup(void)
{
	db_proc_cleanup();
	db_rows_cleanup();
	db_sel_cleanup();
}
