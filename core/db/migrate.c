/*
 * migrate.c - applies sql/NNN_*.sql once each, in number order; says which
 * are applied; and whether a binary may serve the schema it finds.
 *
 * MariaDB commits DDL implicitly, so a migration is not atomic; it is
 * recorded only after it ran, and a failure stops the run with the file
 * named, leaving later migrations untouched.
 *
 * Migrations expand, then contract (README: Upgrades): a migration must
 * not break the release before it, which still runs against the migrated
 * schema while a rolling upgrade goes round the hosts.  One that does (a
 * column dropped a release after the code stopped reading it) says so in
 * a line of its own, "-- kaquan: needs NNN": binaries that know fewer than
 * NNN migrations refuse to start once it is applied.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/file.h"
#include "db/migrate.h"

static const char SQL_MIGRATIONS_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
    " name VARCHAR(200) NOT NULL,"
    " applied_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),"
    " needs INT UNSIGNED NOT NULL DEFAULT 0"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;"
    /* a table made before "needs" was */
    "ALTER TABLE schema_migrations"
    " ADD COLUMN IF NOT EXISTS needs INT UNSIGNED NOT NULL DEFAULT 0";
static const char SQL_MIGRATION_DONE[] =
    "SELECT 1 FROM schema_migrations WHERE version = ?";
static const char SQL_MIGRATION_RECORD[] =
    "INSERT INTO schema_migrations (version, name, needs) VALUES (?, ?, ?)";
static const char SQL_SCHEMA_VERSION[] =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char SQL_SCHEMA_NEEDS[] =
    "SELECT COALESCE(MAX(needs), 0) FROM schema_migrations";

struct applied {
	long long	 version;
	const char	*name;
	time_t		 at;
};
static const struct db_col applied_cols[] = {
	DB_COL(struct applied, version, "version"),
	DB_COL(struct applied, name, "name"),
	DB_COL(struct applied, at, "applied_at"),
	DB_END
};
static struct db_sel SQL_APPLIED = DB_SEL(
    "SELECT {cols} FROM schema_migrations ORDER BY version",
    DB_WHOLE(applied_cols));

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The migrations of dir (NNN_name.sql), sorted; KQ_NOT_FOUND (reported on
 * out) when dir cannot be read. */
static enum kq_outcome
names_of(const char *dir, FILE *out, char ***namesp, size_t *np)
{
	struct dirent	*de;
	DIR		*d;
	char		**names = NULL, **v;
	size_t		 n = 0, len;

	if ((d = opendir(dir)) == NULL) {
		fprintf(out, "%s: %s\n", dir, strerror(errno));
		return KQ_NOT_FOUND;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 8 || strspn(de->d_name, "0123456789") != 3 ||
		    de->d_name[3] != '_' || strcmp(de->d_name + len - 4, ".sql"))
			continue;
		if ((v = realloc(names, (n + 1) * sizeof(*v))) == NULL ||
		    (v[n] = strdup(de->d_name)) == NULL) {
			names_free(v ? v : names, n);
			closedir(d);
			return KQ_UNAVAILABLE;
		}
		names = v;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	*namesp = names;
	*np = n;
	return KQ_OK;
}

/* The release a migration's text says it needs ("-- kaquan: needs NNN"
 * at the start of a line); 0: none, it only expands. */
static long
needs_of(const char *sql)
{
	static const char mark[] = "-- kaquan: needs ";
	const char *p;

	for (p = sql; (p = strstr(p, mark)) != NULL; p += sizeof(mark) - 1)
		if (p == sql || p[-1] == '\n')
			return strtol(p + sizeof(mark) - 1, NULL, 10);
	return 0;
}

enum kq_outcome
migrate_run(struct db *db, const char *dir, FILE *out,
    const struct migrate_hook *hooks, int *applied)
{
	const struct migrate_hook *h;
	long long	 done;
	char		**names = NULL, path[4096], *sql;
	size_t		 n = 0, i;
	enum kq_outcome	 s;
	long		 version;

	*applied = 0;
	if ((s = db_exec_script(db, SQL_MIGRATIONS_TABLE)) != KQ_OK ||
	    (s = names_of(dir, out, &names, &n)) != KQ_OK)
		return s;
	for (i = 0; i < n && s == KQ_OK; i++) {
		struct db_arg args[3];

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
		args[2] = DB_INT(needs_of(sql));
		s = db_exec_script(db, sql);
		free(sql);
		if (s != KQ_OK) {
			fprintf(out, "%s: %s\n", path, db_error(db));
			break;
		}
		if ((s = db_exec(db, SQL_MIGRATION_RECORD, args, 3, NULL, NULL)) != KQ_OK)
			break;
		fprintf(out, "applied %s\n", names[i]);
		(*applied)++;
	}
	names_free(names, n);
	return s;
}

enum kq_outcome
migrate_status(struct db *db, const char *dir, FILE *out, int *pending)
{
	struct applied	*rows;
	struct arena	 a;
	char		**names = NULL, at[32];
	size_t		 n = 0, nrows = 0, i, j;
	enum kq_outcome	 s;
	long		 version;

	*pending = 0;
	if ((s = names_of(dir, out, &names, &n)) != KQ_OK)
		return s;
	arena_init(&a, 0, 0);
	if ((s = db_select(db, &a, &SQL_APPLIED, NULL, 0, sizeof(*rows), &rows,
	    &nrows)) == KQ_UNAVAILABLE && db_no_table(db))
		s = KQ_OK;	/* no schema_migrations: nothing applied yet */
	if (s != KQ_OK)
		goto out;
	/* both lists are in version order: walk them side by side */
	for (i = j = 0; i < n || j < nrows; ) {
		version = i < n ? strtol(names[i], NULL, 10) : 0;
		if (i < n && (j == nrows || version < rows[j].version)) {
			fprintf(out, "pending  %-20s %s\n", "", names[i++]);
			(*pending)++;
			continue;
		}
		clock_iso(rows[j].at, at, sizeof(at));
		if (i < n && version == rows[j].version)
			fprintf(out, "applied  %-20s %s\n", at, names[i++]);
		else	/* recorded, but not a file of dir: a newer release's */
			fprintf(out, "applied  %-20s %s (newer than these migrations)\n",
			    at, rows[j].name);
		j++;
	}
	fprintf(out, "%zu applied, %d pending\n", nrows, *pending);
out:
	arena_free(&a);
	names_free(names, n);
	return s;
}

enum kq_outcome
migrate_check(struct db *db, long known, char *msg, size_t len)
{
	long long	version, needs;
	enum kq_outcome	s;

	*msg = '\0';
	if ((s = db_scalar(db, SQL_SCHEMA_VERSION, NULL, 0, &version)) != KQ_OK) {
		if (!db_no_table(db))
			return s;
		version = 0;	/* no schema_migrations: nothing applied yet */
	}
	if (version < known) {
		snprintf(msg, len, "the schema is at migration %lld, this kaquan"
		    " needs %ld: run kaquanctl migrate first", version, known);
		return KQ_CONFLICT;
	}
	if (version == known)
		return KQ_OK;
	/* newer: a later release's, mid-upgrade; served unless one of them
	 * contracts beyond this release (a table "needs" predates none of
	 * them: a release that applies a later migration adds it) */
	if ((s = db_scalar(db, SQL_SCHEMA_NEEDS, NULL, 0, &needs)) != KQ_OK)
		return s;
	if (needs > known) {
		snprintf(msg, len, "the schema is at migration %lld, newer than"
		    " this kaquan knows (%ld), and needs a kaquan that knows"
		    " migration %lld: install the newer release", version, known,
		    needs);
		return KQ_CONFLICT;
	}
	snprintf(msg, len, "the schema is at migration %lld, newer than this"
	    " kaquan knows (%ld); its newer migrations only expand it: serving,"
	    " finish the upgrade", version, known);
	return KQ_OK;
}
