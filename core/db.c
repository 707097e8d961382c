/*
 * db.c - connection, prepared-statement cache, typed binds, transactions.
 *
 * Every error is logged once, here, with the server's message; callers see a
 * kq_status.  A duplicate key is an expected outcome (KQ_CONFLICT), not a
 * failure.  Truncated fetches are errors (MYSQL_REPORT_DATA_TRUNCATION),
 * though result buffers are sized from the stored result so it cannot happen.
 */
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"

#define IDLE_PING_SECONDS	30
#define TXN_TRIES		3

struct stmt_slot {
	const char	*sql;		/* key: the constant's address */
	MYSQL_STMT	*stmt;
};

static FILE *log_to;	/* NULL until db_set_log(); see db_log() */
static int log_set;

struct db {
	struct db_config cfg;
	MYSQL		*my;
	int		 broken;
	time_t		 last_used;
	struct stmt_slot *stmts;
	size_t		 nstmts, capstmts;
	char		 err[512];
	unsigned	 errnum;
};

static void
db_log(struct db *db, const char *what, const char *msg, unsigned num)
{
	snprintf(db->err, sizeof(db->err), "%s: %s", what, msg);
	db->errnum = num;
	if (!log_set)
		log_to = stderr;
	if (log_to != NULL)
		fprintf(log_to, "kaquan: db: %s (%u)\n", db->err, num);
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

/* Classifies a failure: a duplicate key or a missing referenced row is an
 * expected outcome the caller decides about; the rest are logged. */
static enum kq_status
fail(struct db *db, const char *what, unsigned e, const char *msg)
{
	if (e == ER_DUP_ENTRY || e == ER_NO_REFERENCED_ROW_2) {
		snprintf(db->err, sizeof(db->err), "%s", msg);
		db->errnum = e;
		return e == ER_DUP_ENTRY ? KQ_CONFLICT : KQ_NOT_FOUND;
	}
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT) {
		snprintf(db->err, sizeof(db->err), "%s", msg);
		db->errnum = e;
		return KQ_UNAVAILABLE;
	}
	db_log(db, what, msg, e);
	if (is_connection_error(e))
		db->broken = 1;
	return KQ_UNAVAILABLE;
}

static void
stmts_close(struct db *db)
{
	size_t i;

	for (i = 0; i < db->nstmts; i++)
		mysql_stmt_close(db->stmts[i].stmt);
	db->nstmts = 0;
}

static int
connect_now(struct db *db)
{
	const struct db_config *c = &db->cfg;
	my_bool	 off = 0, on = 1;
	unsigned timeout = 5;

	if ((db->my = mysql_init(NULL)) == NULL) {
		snprintf(db->err, sizeof(db->err), "mysql_init: out of memory");
		return -1;
	}
	mysql_options(db->my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->my, MYSQL_REPORT_DATA_TRUNCATION, &on);
	mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->my, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00'");
	if (mysql_real_connect(db->my,
	    c->host && *c->host ? c->host : NULL, c->user, c->password, c->name,
	    c->port, c->host && *c->host ? NULL : c->socket,
	    CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS) == NULL) {
		db_log(db, "connect", mysql_error(db->my), mysql_errno(db->my));
		mysql_close(db->my);
		db->my = NULL;
		return -1;
	}
	db->broken = 0;
	db->last_used = time(NULL);
	return 0;
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
	db->cfg.host = dup_or_null(cfg->host);
	db->cfg.port = cfg->port;
	db->cfg.socket = dup_or_null(cfg->socket);
	db->cfg.user = dup_or_null(cfg->user);
	db->cfg.password = dup_or_null(cfg->password);
	db->cfg.name = dup_or_null(cfg->name);
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
	if (db->my)
		mysql_close(db->my);
	free((char *)db->cfg.host);
	free((char *)db->cfg.socket);
	free((char *)db->cfg.user);
	free((char *)db->cfg.password);
	free((char *)db->cfg.name);
	free(db);
}

enum kq_status
db_ready(struct db *db)
{
	time_t now = time(NULL);

	if (db->my != NULL && !db->broken &&
	    now - db->last_used < IDLE_PING_SECONDS)
		return KQ_OK;
	if (db->my != NULL && !db->broken && mysql_ping(db->my) == 0) {
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
		if (log_to != NULL)
			fprintf(log_to, "kaquan: db: in: %s\n", sql);
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

	for (i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql) {
			mysql_stmt_close(db->stmts[i].stmt);
			db->stmts[i] = db->stmts[--db->nstmts];
			return;
		}
}

/* Prepares (cached), binds and executes.  Multi-row inserts bind
 * thousands of parameters; those binds come from the heap. */
static enum kq_status
run(struct db *db, MYSQL_STMT **out, const char *sql,
    const struct db_arg *args, size_t nargs)
{
	MYSQL_BIND	 small[32], *bind = small;
	MYSQL_STMT	*st;
	enum kq_status	 s = KQ_OK;
	size_t		 i;

	if ((st = stmt_get(db, sql)) == NULL)
		return KQ_UNAVAILABLE;
	if (nargs != mysql_stmt_param_count(st)) {
		fprintf(stderr, "kaquan: db: %zu args for %lu placeholders in: %s\n",
		    nargs, mysql_stmt_param_count(st), sql);
		abort();	/* programmer mistake */
	}
	if (nargs > 32 && (bind = calloc(nargs, sizeof(*bind))) == NULL)
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
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = (void *)args[i].s;
			bind[i].buffer_length = args[i].len;
			break;
		}
	}
	if ((nargs && mysql_stmt_bind_param(st, bind)) || mysql_stmt_execute(st))
		s = fail(db, "execute", mysql_stmt_errno(st), mysql_stmt_error(st));
	if (bind != small)
		free(bind);
	if (s != KQ_OK)
		return s;
	db->last_used = time(NULL);
	*out = st;
	return KQ_OK;
}

enum kq_status
db_exec(struct db *db, const char *sql, const struct db_arg *args,
    size_t nargs, uint64_t *affected, uint64_t *insert_id)
{
	MYSQL_STMT	*st;
	enum kq_status	 s;

	if ((s = run(db, &st, sql, args, nargs)) != KQ_OK)
		return s;
	if (affected)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id)
		*insert_id = mysql_stmt_insert_id(st);
	return KQ_OK;
}

/* Runs a query and stores its result client-side, with column max lengths
 * so buffers fit every value.  *meta is NULL for a statement without rows. */
static enum kq_status
run_stored(struct db *db, MYSQL_STMT **st, MYSQL_RES **meta, const char *sql,
    const struct db_arg *args, size_t nargs)
{
	my_bool		on = 1;
	enum kq_status	s;

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

enum kq_status
db_query(struct db *db, struct arena *a, const char *sql,
    const struct db_arg *args, size_t nargs, struct db_result *res)
{
	MYSQL_STMT	*st;
	MYSQL_RES	*meta;
	MYSQL_BIND	*bind = NULL;
	MYSQL_FIELD	*fields;
	unsigned long	*lengths = NULL;
	my_bool		*nulls = NULL;
	enum kq_status	 s;
	size_t		 c, r = 0;
	int		 rc;

	memset(res, 0, sizeof(*res));
	if ((s = run_stored(db, &st, &meta, sql, args, nargs)) != KQ_OK ||
	    meta == NULL)
		return s;
	res->ncols = mysql_num_fields(meta);
	res->nrows = mysql_stmt_num_rows(st);
	fields = mysql_fetch_fields(meta);
	s = KQ_UNAVAILABLE;
	if ((bind = arena_zalloc(a, res->ncols * sizeof(*bind))) == NULL ||
	    (lengths = arena_zalloc(a, res->ncols * sizeof(*lengths))) == NULL ||
	    (nulls = arena_zalloc(a, res->ncols * sizeof(*nulls))) == NULL ||
	    (res->cells = arena_zalloc(a,
	    (res->nrows * res->ncols + 1) * sizeof(char *))) == NULL)
		goto out;
	for (c = 0; c < res->ncols; c++) {
		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer_length = fields[c].max_length + 1;
		bind[c].length = &lengths[c];
		bind[c].is_null = &nulls[c];
	}
	for (r = 0; r < res->nrows; r++) {
		for (c = 0; c < res->ncols; c++)
			if ((bind[c].buffer = arena_alloc(a,
			    bind[c].buffer_length)) == NULL)
				goto out;
		/* fresh buffers per row: the cells outlive the fetch */
		if (mysql_stmt_bind_result(st, bind) != 0) {
			s = fail(db, "bind", mysql_stmt_errno(st), mysql_stmt_error(st));
			goto out;
		}
		rc = mysql_stmt_fetch(st);
		if (rc == MYSQL_DATA_TRUNCATED) {
			db_log(db, "fetch", "data truncated", 0);
			goto out;
		}
		if (rc != 0) {
			s = fail(db, "fetch", mysql_stmt_errno(st), mysql_stmt_error(st));
			goto out;
		}
		for (c = 0; c < res->ncols; c++) {
			char *cell = bind[c].buffer;
			if (nulls[c]) {
				res->cells[r * res->ncols + c] = NULL;
				continue;
			}
			cell[lengths[c]] = '\0';
			res->cells[r * res->ncols + c] = cell;
		}
	}
	s = KQ_OK;
out:
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	if (s != KQ_OK)
		memset(res, 0, sizeof(*res));
	return s;
}

enum kq_status
db_each(struct db *db, const char *sql, const struct db_arg *args,
    size_t nargs, int (*fn)(void *, const char **, size_t), void *ctx)
{
	MYSQL_STMT	*st;
	MYSQL_RES	*meta;
	MYSQL_BIND	 bind[16];
	MYSQL_FIELD	*fields;
	unsigned long	 lengths[16];
	my_bool		 nulls[16];
	char		*bufs[16] = { 0 };
	const char	*cells[16];
	enum kq_status	 s;
	size_t		 c, ncols;
	int		 rc;

	/* rows are fetched one by one from the server, not stored: a
	 * 100,000-row download must not pass through client memory */
	if ((s = run(db, &st, sql, args, nargs)) != KQ_OK)
		return s;
	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		mysql_stmt_free_result(st);
		return KQ_OK;
	}
	s = KQ_UNAVAILABLE;
	ncols = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	if (ncols > 16)
		abort();	/* programmer mistake: stream fewer columns */
	memset(bind, 0, sizeof(bind));
	for (c = 0; c < ncols; c++) {
		/* the column's declared size; a longer value is truncation,
		 * reported as an error */
		size_t len = fields[c].length < 65536 ? fields[c].length : 65536;
		if ((bufs[c] = malloc(len + 1)) == NULL)
			goto out;
		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer = bufs[c];
		bind[c].buffer_length = len + 1;
		bind[c].length = &lengths[c];
		bind[c].is_null = &nulls[c];
	}
	if (mysql_stmt_bind_result(st, bind) != 0) {
		s = fail(db, "bind", mysql_stmt_errno(st), mysql_stmt_error(st));
		goto out;
	}
	while ((rc = mysql_stmt_fetch(st)) == 0) {
		for (c = 0; c < ncols; c++) {
			bufs[c][lengths[c]] = '\0';
			cells[c] = nulls[c] ? NULL : bufs[c];
		}
		if (fn(ctx, cells, ncols) < 0)
			break;
	}
	if (rc == 1)
		s = fail(db, "fetch", mysql_stmt_errno(st), mysql_stmt_error(st));
	else
		s = rc == MYSQL_DATA_TRUNCATED ? KQ_UNAVAILABLE : KQ_OK;
out:
	for (c = 0; c < 16; c++)
		free(bufs[c]);
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	return s;
}

enum kq_status
db_query_pairs(struct db *db, struct arena *a, const char *sql,
    const char ***first, const char ***second, size_t *n)
{
	struct db_result r;
	enum kq_status	 s;
	size_t		 i;

	if ((s = db_query(db, a, sql, NULL, 0, &r)) != KQ_OK)
		return s;
	*first = arena_zalloc(a, (r.nrows + 1) * sizeof(char *));
	*second = arena_zalloc(a, (r.nrows + 1) * sizeof(char *));
	if (*first == NULL || *second == NULL)
		return KQ_UNAVAILABLE;
	for (i = 0; i < r.nrows; i++) {
		(*first)[i] = db_cell(&r, i, 0);
		(*second)[i] = db_cell(&r, i, 1);
	}
	*n = r.nrows;
	return KQ_OK;
}

const char *
db_cell(const struct db_result *res, size_t row, size_t col)
{
	if (row >= res->nrows || col >= res->ncols)
		return NULL;
	return res->cells[row * res->ncols + col];
}

long long
db_cell_int(const struct db_result *res, size_t row, size_t col)
{
	const char *s = db_cell(res, row, col);

	return s ? strtoll(s, NULL, 10) : 0;
}

static enum kq_status
simple(struct db *db, const char *what, const char *sql)
{
	if (db->my == NULL || db->broken)
		return KQ_UNAVAILABLE;
	if (mysql_real_query(db->my, sql, strlen(sql)) != 0)
		return fail(db, what, mysql_errno(db->my), mysql_error(db->my));
	db->last_used = time(NULL);
	return KQ_OK;
}

enum kq_status
db_begin(struct db *db)
{
	return simple(db, "begin", "START TRANSACTION");
}

enum kq_status
db_commit(struct db *db)
{
	return simple(db, "commit", "COMMIT");
}

void
db_rollback(struct db *db)
{
	if (db->my != NULL && !db->broken)
		(void)simple(db, "rollback", "ROLLBACK");
}

enum kq_status
db_txn(struct db *db, enum kq_status (*fn)(struct db *, void *), void *arg)
{
	enum kq_status	s;
	int		try;

	for (try = 1; try <= TXN_TRIES; try++) {
		db->errnum = 0;
		if ((s = db_begin(db)) != KQ_OK)
			return s;
		s = fn(db, arg);
		if (s == KQ_OK && (s = db_commit(db)) == KQ_OK)
			return KQ_OK;
		db_rollback(db);
		if (db->errnum != ER_LOCK_DEADLOCK &&
		    db->errnum != ER_LOCK_WAIT_TIMEOUT)
			return s;
	}
	db_log(db, "transaction", "gave up after repeated deadlocks", 0);
	return KQ_UNAVAILABLE;
}

enum kq_status
db_exec_script(struct db *db, const char *sql)
{
	enum kq_status	s;
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
