/*
 * stmt.c - statements: prepared once per connection and kept (the constant's
 * address is the key), bound and executed; multi-row inserts built once
 * for each power of two; scripts.  Truncated fetches are errors
 * (MYSQL_REPORT_DATA_TRUNCATION), though result buffers are sized from the
 * stored result so it cannot happen.
 */
#include <mysql.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db_int.h"
#include "base/log.h"

static struct db_rows *built_rows;	/* every db_rows with SQL, for db_cleanup() */

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
		db_fail(db, "prepare", mysql_stmt_errno(st), mysql_stmt_error(st));
		/* the statement matters to a bad statement, not a lost server
		 * or a transaction the server chose to abort (retried) */
		if (!db_connection_error(db->errnum) && !db_retryable(db->errnum))
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
enum kq_outcome
db_run(struct db *db, MYSQL_STMT **out, const char *sql,
    const struct db_arg *args, size_t nargs)
{
	MYSQL_BIND	 small[32], *bind = small;
	MYSQL_TIME	 small_times[32], *times = small_times;
	MYSQL_STMT	*st;
	enum kq_outcome	 s = KQ_OK;
	size_t		 i;

	if (db_injected(db) || (st = stmt_get(db, sql)) == NULL)
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
			db_time_to((time_t)args[i].i, &times[i]);
			bind[i].buffer_type = MYSQL_TYPE_DATETIME;
			bind[i].buffer = &times[i];
			break;
		}
	}
	if ((nargs && mysql_stmt_bind_param(st, bind)) || mysql_stmt_execute(st))
		s = db_fail(db, "execute", mysql_stmt_errno(st), mysql_stmt_error(st));
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

	if ((s = db_run(db, &st, sql, args, nargs)) != KQ_OK)
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
enum kq_outcome
db_run_stored(struct db *db, MYSQL_STMT **st, MYSQL_RES **meta, const char *sql,
    const struct db_arg *args, size_t nargs)
{
	my_bool		on = 1;
	enum kq_outcome	s;

	*meta = NULL;
	if ((s = db_run(db, st, sql, args, nargs)) != KQ_OK)
		return s;
	if ((*meta = mysql_stmt_result_metadata(*st)) == NULL) {
		mysql_stmt_free_result(*st);
		return KQ_OK;
	}
	mysql_stmt_attr_set(*st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (mysql_stmt_store_result(*st) != 0) {
		mysql_free_result(*meta);
		*meta = NULL;
		return db_fail(db, "store", mysql_stmt_errno(*st), mysql_stmt_error(*st));
	}
	return KQ_OK;
}

void
db_time_to(time_t t, MYSQL_TIME *out)
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

enum kq_outcome
db_simple(struct db *db, const char *what, const char *sql)
{
	if (db->my == NULL || db->broken)
		return KQ_UNAVAILABLE;
	if (mysql_real_query(db->my, sql, strlen(sql)) != 0)
		return db_fail(db, what, mysql_errno(db->my), mysql_error(db->my));
	db->last_used = time(NULL);
	return KQ_OK;
}

enum kq_outcome
db_exec_script(struct db *db, const char *sql)
{
	enum kq_outcome	s;
	MYSQL_RES	*r;
	int		rc;

	if ((s = db_simple(db, "script", sql)) != KQ_OK)
		return s;
	do {
		if ((r = mysql_store_result(db->my)) != NULL)
			mysql_free_result(r);
		if ((rc = mysql_next_result(db->my)) > 0)
			return db_fail(db, "script", mysql_errno(db->my),
			    mysql_error(db->my));
	} while (rc == 0);
	return KQ_OK;
}

void
db_rows_cleanup(void)
{
	struct db_rows	*r, *rnext;
	size_t		 i;

	for (r = built_rows; r != NULL; r = rnext) {
		rnext = r->next;
		for (i = 0; i < sizeof(r->sql) / sizeof(r->sql[0]); i++) {
			free(r->sql[i]);
			r->sql[i] = NULL;
		}
		r->next = NULL;
	}
	built_rows = NULL;
}

long long
db_rows_read(struct db *db)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	long long	 n = 0;

	if (db_simple(db, "rows read", "SHOW SESSION STATUS WHERE Variable_name"
	    " IN ('Handler_read_first', 'Handler_read_key', 'Handler_read_last',"
	    " 'Handler_read_next', 'Handler_read_prev', 'Handler_read_rnd',"
	    " 'Handler_read_rnd_next')") != KQ_OK ||
	    (res = mysql_store_result(db->my)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
		n += row[1] != NULL ? strtoll(row[1], NULL, 10) : 0;
	mysql_free_result(res);
	return n;
}

