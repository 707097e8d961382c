/*
 * db.h - MariaDB/MySQL through the libmysqlclient API.
 *
 * Statements are named constants next to the code that uses them; stmt.c
 * prepares each once per connection (cached by the constant's address) and
 * binds every parameter with its type (integers, text, times).
 *
 * The layer is five files by concern: conn.c (connections, failover,
 * failures), stmt.c (the statement cache, execution, multi-row inserts),
 * row.c (typed rows), txn.c (transactions) and procedure.c (the
 * stored-procedure builder); db_int.h is what they share.
 *
 * Rows come back typed, by column tables (kcaldav's typed column reads, but
 * by name): a table lists, for each member of a struct, the SQL expression
 * that fills it.  A struct db_sel writes its SELECT list from its tables, so
 * the list and the fill cannot disagree, and a member of the wrong C type is
 * a compile error (DB_COL picks the column's type from the member's).  State
 * columns are converted to their enum here, once, at the database edge.
 *
 * A lost connection marks the handle broken: the request that saw it gets
 * KQ_UNAVAILABLE (503) and db_ready() reconnects before the next one.
 * MYSQL_OPT_RECONNECT stays off: a silent reconnect would roll back an open
 * transaction behind our back.
 */
#ifndef KQ_DB_H
#define KQ_DB_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>

#include "base/arena.h"
#include "base/config.h"
#include "base/outcome.h"

enum db_arg_type { DBA_NULL, DBA_INT, DBA_STR, DBA_TIME, DBA_BIN };

struct db_arg {
	enum db_arg_type type;
	long long	 i;		/* DBA_INT; DBA_TIME: a time_t */
	const char	*s;
	size_t		 len;
};

#define DB_INT(x)	((struct db_arg){ .type = DBA_INT, .i = (x) })
#define DB_STR(x)	db_str(x)
#define DB_TIME(t)	((struct db_arg){ .type = DBA_TIME, .i = (long long)(t) })
#define DB_NULL		((struct db_arg){ .type = DBA_NULL })
/* Bytes for a BINARY / VARBINARY column (a hash, a sealed code); read them
 * back as HEX(column) text. */
#define DB_BIN(p, n)	((struct db_arg){ .type = DBA_BIN, .s = (const char *)(p), \
	.len = (n) })

/* ------------------------------------------------------------ typed rows */

enum db_type { DBT_LL, DBT_INT, DBT_TIME, DBT_TEXT, DBT_ENUM };

struct db_col {
	const char		*expr;	/* NULL ends a table */
	enum db_type		 type;
	size_t			 off;	/* of the member in the row struct */
	const char *const	*names;	/* DBT_ENUM: value names, NULL-ended */
};

/* A column of struct ST's member M, typed by the member: long long, int,
 * time_t (NULL → 0) or const char * (NULL stays NULL). */
#define DB_COL(st, m, expr) { (expr), _Generic(((st *)0)->m, \
	long long: DBT_LL, int: DBT_INT, time_t: DBT_TIME, \
	const char *: DBT_TEXT), offsetof(st, m), NULL }
/* An enum member; the column's text must be one of NAMES (another is an
 * error: the code does not know that state); NULL reads as -1. */
#define DB_ENUM(st, m, expr, names) \
	{ (expr), DBT_ENUM, offsetof(st, m) + 0 * sizeof(char[sizeof(((st *)0)->m) \
	    == sizeof(int) ? 1 : -1]), (names) }
#define DB_END	{ NULL, DBT_LL, 0, NULL }

/* One table filling a struct that sits at BASE in the row. */
struct db_part {
	const struct db_col	*cols;
	size_t			 base;
};

#define DB_PART(cols, st, member)	{ (cols), offsetof(st, member) }
#define DB_WHOLE(cols)			{ (cols), 0 }

struct db_flat;

/*
 * A query: TEXT holds "{cols}" where the SELECT list goes, written from the
 * parts in order.  Kept in a static; the SQL is built on first use.
 */
struct db_sel {
	const char		*text;
	struct db_part		 parts[4];	/* ended by a NULL table */
	char			*sql;
	struct db_flat		*flat;
	size_t			 ncols;
	struct db_sel		*next;		/* built ones, for db_cleanup() */
};

#define DB_SEL(text, ...)	{ (text), { __VA_ARGS__ }, NULL, NULL, 0, NULL }

struct db;

/* Sets up the client library (and, through it, OpenSSL) for the process.
 * A master calls it before it forks: its workers then share what was set
 * up, instead of each doing it again on its first connect (and keeping
 * the megabyte of library code that touches); 0 or -1. */
int		 db_library_init(void);
/* Where failures are logged (default stderr); NULL: only db_error(). */
void		 db_set_log(FILE *);

/* A handle, connected if the server answered (else err says why and
 * db_ready() tries again); NULL only when out of memory. */
struct db	*db_open(const struct db_config *, char *err, size_t errsz);
void		 db_close(struct db *);
/* Frees the SQL built for every db_sel (at exit). */
void		 db_cleanup(void);
/* Before each request: reconnects a broken or long-idle connection.
 * KQ_OK or KQ_UNAVAILABLE. */
enum kq_outcome	 db_ready(struct db *);
const char	*db_error(const struct db *);
/* The server error number of the last failure (e.g. 1062 duplicate). */
unsigned	 db_errno(const struct db *);
/* Whether the last failure was the server's choice of a loser: a deadlock,
 * a lock wait run out, or (Galera) a certification conflict with a
 * transaction committed through another node.  db_txn() retries those. */
int		 db_lost_race(const struct db *);

/* Whether the last failure was a statement that ran out its time (the
 * server's max_statement_time): that request's failure, not an outage. */
int		 db_timed_out(const struct db *);
/* Whether the last failure was a table that does not exist (a schema
 * older than the statement: schema_migrations before the first migrate). */
int		 db_no_table(const struct db *);

struct db_arg	 db_str(const char *);

/* Runs a statement that returns no rows.  *affected (may be NULL) gets the
 * affected-row count, *insert_id (may be NULL) the AUTO_INCREMENT value.
 * KQ_OK; KQ_CONFLICT on a duplicate key; KQ_NOT_FOUND when a foreign key's
 * row does not exist; KQ_UNAVAILABLE otherwise. */
enum kq_outcome	 db_exec(struct db *, const char *sql, const struct db_arg *,
		    size_t nargs, uint64_t *affected, uint64_t *insert_id);
/* Runs a statement that changes at most a bounded number of rows (a
 * DELETE ... LIMIT N) again and again, each on its own, until it changes
 * fewer than N: a sweep that never holds locks over more than N rows.  *n
 * (may be NULL) gets the total. */
enum kq_outcome	 db_exec_chunked(struct db *, const char *sql,
		    const struct db_arg *, size_t nargs, unsigned long long *n);
/*
 * Many rows in multi-row INSERTs ("PREFIX ROW, ROW, ..."): statements of
 * 2^k rows, k <= lg_max, so at most lg_max + 1 shapes, each built and
 * prepared once (a 100,000-card batch is 25 statements, not 100,000).
 */
struct db_rows {
	const char	*prefix;	/* "INSERT INTO t (a, b) VALUES " */
	const char	*row;		/* "(?, ?)" */
	size_t		 nargs;		/* the row's placeholders */
	int		 lg_max;	/* at most 2^lg_max rows a statement */
	char		*sql[16];	/* built on first use */
	struct db_rows	*next;		/* built ones, for db_cleanup() */
};
#define DB_ROWS(prefix, row, nargs, lg_max) \
	{ (prefix), (row), (nargs), (lg_max), { NULL }, NULL }
/* Inserts count rows: fill(ctx, first, n, args) writes the arguments of
 * the n rows from index first on.  A duplicate key (a code drawn that is
 * taken) calls fill again for the same rows, up to 5 times, so a drawn
 * code is never dropped; after (may be NULL) is told of each statement's
 * rows once they are in.  Inside the caller's transaction. */
enum kq_outcome	 db_insert_rows(struct db *, struct db_rows *, long long count,
		    int (*fill)(void *ctx, long long first, size_t n,
		    struct db_arg *args),
		    enum kq_outcome (*after)(void *ctx, long long first, size_t n),
		    void *ctx);
/* Closes the statements of rows (after a batch: they are large). */
void		 db_rows_forget(struct db *, struct db_rows *);

/* Closes a cached statement: for the rare, large ones (thousands of
 * placeholders) that should not hold memory between requests. */
void		 db_forget(struct db *, const char *sql);

/* Runs a query; *rows gets an arena array of *n structs of rowsize bytes
 * (plus one zeroed), text copied into the arena. */
enum kq_outcome	 db_select(struct db *, struct arena *, struct db_sel *,
		    const struct db_arg *, size_t nargs, size_t rowsize,
		    void *rows, size_t *n);
/* The first row into *row; KQ_NOT_FOUND when there is none. */
enum kq_outcome	 db_select_one(struct db *, struct arena *, struct db_sel *,
		    const struct db_arg *, size_t nargs, void *row, size_t rowsize);
/* Streams the rows one by one from the server (a 100,000-row download must
 * not pass through client memory); text members point into a buffer that
 * is valid only during fn.  fn returns -1 to stop. */
enum kq_outcome	 db_select_each(struct db *, struct db_sel *,
		    const struct db_arg *, size_t nargs, void *row,
		    int (*fn)(void *ctx, const void *row), void *ctx);
/* The first column of the first row as an integer (a count, a lock);
 * KQ_NOT_FOUND when there is no row. */
enum kq_outcome	 db_scalar(struct db *, const char *sql, const struct db_arg *,
		    size_t nargs, long long *out);

/* Runs fn inside a transaction, retrying it (up to 3 times) when the server
 * reports a deadlock or lock-wait timeout.  fn gets the caller's arena;
 * it returns KQ_OK to commit; any other status rolls back and is returned.
 * Inside another db_txn() it is a savepoint of that transaction: a failure
 * rolls back fn's writes alone, and the outer one commits or retries (the
 * API keeps an answer in the transaction of the change it answers). */
enum kq_outcome	 db_txn(struct db *, struct arena *,
		    enum kq_outcome (*fn)(struct db *, struct arena *, void *),
		    void *arg);

/* ------------------------------------------------------------ procedures */

/*
 * A transaction of a few writes as one CALL: one round trip where each
 * statement, BEGIN and COMMIT were one each.  The steps are the owning
 * modules' own statements, each module filling the step for its table;
 * procedure.c writes them into a stored procedure named by a hash of its text,
 * creates it (IF NOT EXISTS) the first time a process runs it, and calls it
 * with every parameter bound.  Changed SQL is a new name, so workers of two
 * versions never run each other's procedure.
 */
#define DB_STEP_ARGS	12
struct db_step {
	const char	*sql;		/* one statement, ? placeholders */
	const char	*types;		/* one letter a placeholder: i integer,
					   s text, a text for an ascii column,
					   t time, b bytes (each may be NULL),
					   k the id an earlier step kept */
	struct db_arg	 args[DB_STEP_ARGS];	/* one per letter but k */
	enum kq_outcome	 none;		/* when it changes no row: roll back
					   and return this; KQ_OK: no check */
	int		 keep;		/* its LAST_INSERT_ID() (an insert's id,
					   or an UPDATE's LAST_INSERT_ID(expr))
					   is k in later steps */
};
struct db_proc {
	const char	*name;		/* [a-z_], short */
	char		*create, *call;	/* built on first use */
	int		 made;		/* created by this process */
	struct db_proc	*next;		/* built ones, for db_cleanup() */
};
#define DB_PROC(name)	{ (name), NULL, NULL, 0, NULL }

/* Runs the steps as one transaction, retried as db_txn() does; *kept (may
 * be NULL) gets the id the keeping step inserted.  Inside a transaction
 * already, the steps run as statements in a savepoint of it.  KQ_OK, a
 * step's none, or what db_exec() would return. */
enum kq_outcome	 db_proc_run(struct db *, struct db_proc *,
		    const struct db_step *, size_t nsteps, long long *kept);

/* Tests: statement N from now (0: the next; BEGIN and COMMIT count) fails
 * as if the server were lost, without being sent; -1: off.  The arena's
 * fail_countdown does the same for memory. */
void		 db_fail_after(struct db *, long n);

/* Runs SQL text with several statements (migrations only). */
enum kq_outcome	 db_exec_script(struct db *, const char *sql);

/* The rows the connection has read so far: the sum of its Handler_read_*
 * counters (SHOW SESSION STATUS does not count itself), or -1.  For
 * make bench-volume and the tests (KAQUAN_ROWS_READ: worker.c), which
 * bound the rows a request reads. */
long long	 db_rows_read(struct db *);

#endif
