/*
 * migrate.h - versioned schema migrations from sql/NNN_name.sql.
 */
#ifndef KQ_MIGRATE_H
#define KQ_MIGRATE_H

#include <stdio.h>

#include "db/db.h"

/* What must run in C before migration VERSION is applied (data SQL alone
 * cannot move: a code into its keyed hash and seal); it reports on out. */
struct migrate_hook {
	long		  version;
	enum kq_outcome	(*before)(struct db *, FILE *out);
};

/* Applies every migration in dir not yet recorded in schema_migrations, in
 * order, reporting each on out, each hook's before() first (hooks ends
 * with a 0 version).  *applied gets the count. */
enum kq_outcome	migrate_run(struct db *, const char *dir, FILE *out,
		    const struct migrate_hook *hooks, int *applied);

/* Each migration of dir, applied (when) or pending, then those recorded
 * that dir does not hold (a newer release's), and a count line, on out;
 * *pending gets how many of dir wait. */
enum kq_outcome	migrate_status(struct db *, const char *dir, FILE *out,
		    int *pending);

/* Whether a binary that knows migrations up to known may serve the
 * schema: KQ_OK (msg says why when the schema is newer, else is empty),
 * KQ_CONFLICT (msg says why not: migrations pending, or one applied that
 * needs a newer release), or the database's failure. */
enum kq_outcome	migrate_check(struct db *, long known, char *msg, size_t len);

#endif
