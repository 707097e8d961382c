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

#endif
