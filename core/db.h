/*
 * db.h - MariaDB/MySQL through the libmysqlclient API.
 *
 * Statements are named constants next to the code that uses them; db.c
 * prepares each once per connection (cached by the constant's address) and
 * binds every parameter.  Results come back as text cells in the request
 * arena.  A lost connection marks the handle broken: the request that saw it
 * gets KQ_UNAVAILABLE (503) and db_ready() reconnects before the next one.
 * MYSQL_OPT_RECONNECT stays off: a silent reconnect would roll back an open
 * transaction behind our back.
 */
#ifndef KQ_DB_H
#define KQ_DB_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "arena.h"
#include "status.h"

struct db_config {
	const char	*host;		/* NULL or "" with socket: unix socket */
	unsigned	 port;
	const char	*socket;
	const char	*user;
	const char	*password;
	const char	*name;
};

enum db_arg_type { DBA_NULL, DBA_INT, DBA_STR };

struct db_arg {
	enum db_arg_type type;
	long long	 i;
	const char	*s;
	size_t		 len;
};

#define DB_INT(x)	((struct db_arg){ .type = DBA_INT, .i = (x) })
#define DB_STR(x)	db_str(x)
#define DB_NULL		((struct db_arg){ .type = DBA_NULL })

struct db_result {
	size_t		 nrows, ncols;
	char		**cells;	/* nrows * ncols; NULL for SQL NULL */
};

struct db;

/* Where failures are logged (default stderr); NULL: only db_error(). */
void		 db_set_log(FILE *);

/* A handle, connected if the server answered (else err says why and
 * db_ready() tries again); NULL only when out of memory. */
struct db	*db_open(const struct db_config *, char *err, size_t errsz);
void		 db_close(struct db *);
/* Before each request: reconnects a broken or long-idle connection.
 * KQ_OK or KQ_UNAVAILABLE. */
enum kq_status	 db_ready(struct db *);
const char	*db_error(const struct db *);
/* The server error number of the last failure (e.g. 1062 duplicate). */
unsigned	 db_errno(const struct db *);

struct db_arg	 db_str(const char *);

/* Runs a statement that returns no rows.  *affected (may be NULL) gets the
 * affected-row count, *insert_id (may be NULL) the AUTO_INCREMENT value.
 * KQ_OK; KQ_CONFLICT on a duplicate key; KQ_NOT_FOUND when a foreign key's
 * row does not exist; KQ_UNAVAILABLE otherwise. */
enum kq_status	 db_exec(struct db *, const char *sql, const struct db_arg *,
		    size_t nargs, uint64_t *affected, uint64_t *insert_id);
/* Closes a cached statement: for the rare, large ones (thousands of
 * placeholders) that should not hold memory between requests. */
void		 db_forget(struct db *, const char *sql);
/* Runs a query; the cells are copied into the arena. */
enum kq_status	 db_query(struct db *, struct arena *, const char *sql,
		    const struct db_arg *, size_t nargs, struct db_result *);
/* Runs a query (at most 16 columns) and calls fn for each row without
 * keeping the rows; fn returns -1 to stop.  For downloads. */
enum kq_status	 db_each(struct db *, const char *sql, const struct db_arg *,
		    size_t nargs, int (*fn)(void *ctx, const char **cells,
		    size_t ncols), void *ctx);
/* A two-column query without parameters (code, name) as two arrays. */
enum kq_status	 db_query_pairs(struct db *, struct arena *, const char *sql,
		    const char ***first, const char ***second, size_t *n);
const char	*db_cell(const struct db_result *, size_t row, size_t col);
long long	 db_cell_int(const struct db_result *, size_t row, size_t col);

enum kq_status	 db_begin(struct db *);
enum kq_status	 db_commit(struct db *);
void		 db_rollback(struct db *);

/* Runs fn inside a transaction, retrying it (up to 3 times) when the server
 * reports a deadlock or lock-wait timeout.  fn returns KQ_OK to commit; any
 * other status rolls back and is returned. */
enum kq_status	 db_txn(struct db *, enum kq_status (*fn)(struct db *, void *),
		    void *arg);

/* Runs SQL text with several statements (migrations only). */
enum kq_status	 db_exec_script(struct db *, const char *sql);

#endif
