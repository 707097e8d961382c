/*
 * migrate.c - applies sql/NNN_*.sql once each, in number order.
 *
 * MariaDB commits DDL implicitly, so a migration is not atomic; it is
 * recorded only after it ran, and a failure stops the run with the file
 * named, leaving later migrations untouched.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "db/migrate.h"

static const char SQL_MIGRATIONS_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
    " name VARCHAR(200) NOT NULL,"
    " applied_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP()"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
static const char SQL_MIGRATION_DONE[] =
    "SELECT 1 FROM schema_migrations WHERE version = ?";
static const char SQL_MIGRATION_RECORD[] =
    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)";

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum kq_outcome
migrate_run(struct db *db, const char *dir, FILE *out,
    const struct migrate_hook *hooks, int *applied)
{
	const struct migrate_hook *h;
	long long	 done;
	struct dirent	*de;
	DIR		*d;
	char		**names = NULL, path[4096], *sql;
	size_t		 n = 0, i;
	enum kq_outcome	 s;
	long		 version;

	*applied = 0;
	if ((s = db_exec_script(db, SQL_MIGRATIONS_TABLE)) != KQ_OK)
		return s;
	if ((d = opendir(dir)) == NULL) {
		fprintf(out, "%s: %s\n", dir, strerror(errno));
		return KQ_NOT_FOUND;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char **v;

		if (len < 8 || strspn(de->d_name, "0123456789") != 3 ||
		    de->d_name[3] != '_' || strcmp(de->d_name + len - 4, ".sql"))
			continue;
		if ((v = realloc(names, (n + 1) * sizeof(*v))) == NULL ||
		    (v[n] = strdup(de->d_name)) == NULL) {
			names = v ? v : names;
			s = KQ_UNAVAILABLE;
			goto out;
		}
		names = v;
		n++;
	}
	qsort(names, n, sizeof(*names), by_name);

	s = KQ_OK;
	for (i = 0; i < n && s == KQ_OK; i++) {
		struct db_arg args[2];

		version = strtol(names[i], NULL, 10);
		args[0] = DB_INT(version);
		args[1] = DB_STR(names[i]);
		s = db_scalar(db, SQL_MIGRATION_DONE, args, 1, &done);
		if (s == KQ_OK)
			continue;	/* recorded: applied before */
		if (s != KQ_NOT_FOUND)
			break;
		s = KQ_OK;
		for (h = hooks; h != NULL && h->version != 0; h++)
			if (h->version == version && (s = h->before(db, out)) != KQ_OK)
				break;
		if (s != KQ_OK) {
			fprintf(out, "%s: not applied: what must run before it failed\n",
			    names[i]);
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((sql = file_read(path)) == NULL) {
			fprintf(out, "%s: cannot read\n", path);
			s = KQ_NOT_FOUND;
			break;
		}
		s = db_exec_script(db, sql);
		free(sql);
		if (s != KQ_OK) {
			fprintf(out, "%s: %s\n", path, db_error(db));
			break;
		}
		if ((s = db_exec(db, SQL_MIGRATION_RECORD, args, 2, NULL, NULL)) != KQ_OK)
			break;
		fprintf(out, "applied %s\n", names[i]);
		(*applied)++;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return s;
}
