/*
 * row.c - typed rows: a column table writes the SELECT list once and the
 * fetched values land in the struct's members by type (DB_COL), text in
 * the request's arena or, streamed, in buffers of the column's size.
 */
#include <mysql.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db_int.h"

#define MAX_COLS	64
#define ENUM_BUFSZ	64

struct db_flat {
	const struct db_col	*col;
	size_t			 off;	/* in the row: part base + member */
};

static struct db_sel *built;	/* every db_sel with SQL, for db_cleanup() */

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

/* The status of a fetch that returned rc (neither 0 nor MYSQL_NO_DATA):
 * truncation is an error too (MYSQL_REPORT_DATA_TRUNCATION is set). */
enum kq_outcome
db_fetch_failed(struct db *db, MYSQL_STMT *st, int rc)
{
	if (rc == MYSQL_DATA_TRUNCATED) {
		db_log(db, "fetch", "data truncated", 0);
		return KQ_UNAVAILABLE;
	}
	return db_fail(db, "fetch", mysql_stmt_errno(st), mysql_stmt_error(st));
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
		return db_fail(db, "bind", mysql_stmt_errno(st), mysql_stmt_error(st));
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
	if ((s = db_run_stored(db, &st, &meta, q->sql, args, nargs)) != KQ_OK)
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
			s = db_fetch_failed(db, st, rc);
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
	if ((s = db_run(db, &st, q->sql, args, nargs)) != KQ_OK)
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
	s = rc == 0 || rc == MYSQL_NO_DATA ? KQ_OK : db_fetch_failed(db, st, rc);
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
	if ((s = db_run_stored(db, &st, &meta, sql, args, nargs)) != KQ_OK)
		return s;
	if (meta == NULL)
		abort();	/* programmer mistake: no rows to read */
	memset(&b, 0, sizeof(b));
	b.buffer_type = MYSQL_TYPE_LONGLONG;
	b.buffer = out;
	b.is_null = &null;
	if (mysql_stmt_bind_result(st, &b) != 0)
		s = db_fail(db, "bind", mysql_stmt_errno(st), mysql_stmt_error(st));
	else if ((rc = mysql_stmt_fetch(st)) == MYSQL_NO_DATA)
		s = KQ_NOT_FOUND;
	else if (rc != 0)
		s = db_fetch_failed(db, st, rc);
	if (null)
		*out = 0;
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	return s;
}

void
db_sel_cleanup(void)
{
	struct db_sel	*q, *next;

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
