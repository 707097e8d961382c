/*
 * migrate.h - versioned schema migrations from sql/NNN_name.sql.
 */
#ifndef KQ_MIGRATE_H
#define KQ_MIGRATE_H

#include <stdio.h>

#include "db.h"

/* Applies every migration in dir not yet recorded in schema_migrations, in
 * order, reporting each on out.  *applied gets the count. */
enum kq_status	migrate_run(struct db *, const char *dir, FILE *out, int *applied);

#endif
