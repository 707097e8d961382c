/*
 * db_int.h - what the files of the database layer share, and nobody else
 * (db.h is the layer's face): the connection's state, and the steps every
 * statement goes through.
 */
#ifndef KQ_DB_INT_H
#define KQ_DB_INT_H

#include <mysql.h>

#include <stdio.h>
#include <time.h>

#include "db/db.h"

#define TXN_TRIES	3	/* a transaction a lock wait's victim runs again */
/* a deadlock's (a Galera certification conflict's) victim: one hot row
 * written through several nodes (a campaign's limited count) loses once to
 * each winner that commits meanwhile */
#define TXN_TRIES_RACE	8

/* After failed try number try: whether to run the transaction again (a
 * deadlock's victim up to TXN_TRIES_RACE times, after a short random
 * pause that lets the winner commit; a lock wait's up to TXN_TRIES). */
int	db_try_again(struct db *, int try);

struct stmt_slot {
	const char	*sql;		/* key: the constant's address */
	MYSQL_STMT	*stmt;
};

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
	long long	 epoch;		/* outage_epoch() when connected */
	int		 in_txn;	/* db_txn()s open: 2 or more nest */
	MYSQL_BIND	*big;		/* the binds of multi-row statements, */
	size_t		 bigcap;	/*   kept until they are forgotten */
	unsigned	 server;	/* the list's entry tried first */
};

/* conn.c: the log, the failures and the test hook */
void		db_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void		db_note(struct db *, const char *what, const char *msg, unsigned num);
void		db_log(struct db *, const char *what, const char *msg, unsigned num);
/* A failure classified: a duplicate key is KQ_CONFLICT, a missing
 * referenced row KQ_NOT_FOUND (neither logged); a lost server marks the
 * connection broken; the rest are logged, KQ_UNAVAILABLE. */
enum kq_outcome	db_fail(struct db *, const char *what, unsigned e, const char *msg);
int		db_connection_error(unsigned e);
int		db_retryable(unsigned e);
int		db_injected(struct db *);

/* stmt.c: prepare (cached), bind, execute */
enum kq_outcome	db_run(struct db *, MYSQL_STMT **out, const char *sql,
		    const struct db_arg *, size_t nargs);
enum kq_outcome	db_run_stored(struct db *, MYSQL_STMT **, MYSQL_RES **meta,
		    const char *sql, const struct db_arg *, size_t nargs);
/* A statement without arguments, not prepared (BEGIN, COMMIT, a script). */
enum kq_outcome	db_simple(struct db *, const char *what, const char *sql);
void		db_time_to(time_t, MYSQL_TIME *);

/* row.c */
enum kq_outcome	db_fetch_failed(struct db *, MYSQL_STMT *, int rc);

/* What each file built once and frees at db_cleanup(). */
void		db_rows_cleanup(void);
void		db_sel_cleanup(void);
void		db_proc_cleanup(void);

#endif
