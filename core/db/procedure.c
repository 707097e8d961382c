/*
 * procedure.c - the stored-procedure builder: a change of several steps (each
 * module fills a struct db_step for its table) written into one procedure,
 * created once, so the change is one round trip (db.h).
 */
#include <mysql.h>
#include <mysqld_error.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"

static struct db_proc *procs;	/* every db_proc with text, for db_cleanup() */

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

	if ((s = db_run(db, &st, p->call, args, nargs)) != KQ_OK)
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
		s = db_fail(db, "call", mysql_stmt_errno(st), mysql_stmt_error(st));
	else if ((rc = mysql_stmt_fetch(st)) != 0)
		s = rc == MYSQL_NO_DATA ? db_fail(db, "call", 0, "no answer") :
		    db_fetch_failed(db, st, rc);
	mysql_stmt_free_result(st);
	while ((rc = mysql_stmt_next_result(st)) == 0)
		mysql_stmt_free_result(st);
	if (rc > 0 && s == KQ_OK)
		s = db_fail(db, "call", mysql_stmt_errno(st), mysql_stmt_error(st));
	return s;
}

/* Inside a transaction already (the API's POSTs run in the one that keeps
 * their answer): the steps one statement each, in a savepoint of it. */
struct steps {
	const struct db_step	*st;
	size_t			 nsteps;
	long long		 kept;
};

static enum kq_outcome
steps_txn(struct db *db, struct arena *a, void *arg)
{
	struct steps	*x = arg;
	struct db_arg	 args[DB_STEP_ARGS + 4];
	const char	*t;
	size_t		 i, n, k;
	uint64_t	 rows, id;
	enum kq_outcome	 s;

	(void)a;
	x->kept = 0;
	for (i = 0; i < x->nsteps; i++) {
		const struct db_step *st = &x->st[i];

		for (t = st->types, n = k = 0; *t != '\0'; t++, n++) {
			if (n == sizeof(args) / sizeof(args[0]))
				abort();	/* programmer mistake */
			args[n] = *t == 'k' ? DB_INT(x->kept) : st->args[k++];
		}
		if ((s = db_exec(db, st->sql, args, n, &rows, &id)) != KQ_OK)
			return s;
		if (st->none != KQ_OK && rows == 0)
			return st->none;
		if (st->keep)
			x->kept = (long long)id;
	}
	return KQ_OK;
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
	if (db->in_txn) {	/* the letters checked, as for a CALL */
		struct steps x = { st, nsteps, 0 };

		if ((s = db_txn(db, NULL, steps_txn, &x)) == KQ_OK && kept)
			*kept = x.kept;
		return s;
	}
	if (proc_build(db, p, st, nsteps) < 0)
		return KQ_UNAVAILABLE;
	for (try = 1;; try++) {
		db->errnum = 0;
		if (!p->made) {
			if ((s = db_simple(db, "procedure", p->create)) != KQ_OK)
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
		} else if (!db_retryable(db->errnum))
			return s;
		else if (!db_try_again(db, try))
			break;
	}
	db_log(db, "transaction", "gave up after repeated deadlocks", 0);
	return KQ_UNAVAILABLE;
}

void
db_proc_cleanup(void)
{
	struct db_proc	*p, *pnext;

	for (p = procs; p != NULL; p = pnext) {
		pnext = p->next;
		free(p->create);
		free(p->call);
		p->create = p->call = NULL;
		p->made = 0;
		p->next = NULL;
	}
	procs = NULL;
}
