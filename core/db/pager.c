/*
 * pager.c - one way to fetch a page of a list: fetch, count when needed,
 * clamp.
 */
#include <limits.h>

#include "db/pager.h"

void
pager_clamp(struct pager *pg, long long total)
{
	pg->total = total;
	pg->pages = total == 0 ? 1 : (int)((total + PAGER_ROWS - 1) / PAGER_ROWS);
	if (pg->page < 1)
		pg->page = 1;
	if (pg->page > pg->pages)
		pg->page = pg->pages;
}

enum kq_outcome
pager_select(struct db *db, struct arena *a, struct db_sel *list,
    const char *count_sql, struct db_arg *args, size_t n, struct pager *pg,
    size_t rowsize, void *rows, size_t *nrows)
{
	enum kq_outcome	s;
	long long	total;
	int		asked;

	*nrows = 0;
	if (pg->each != NULL) {
		void *row = arena_zalloc(a, rowsize);

		if (row == NULL)
			return KQ_UNAVAILABLE;
		args[n] = DB_INT(LLONG_MAX);
		args[n + 1] = DB_INT(0);
		return db_select_each(db, list, args, n + 2, row, pg->each, pg->ctx);
	}
	if (pg->page < 1)
		pg->page = 1;
	asked = pg->page;
	/* one row more than a page tells whether the first page is all */
	args[n] = DB_INT(PAGER_ROWS + 1);
	args[n + 1] = DB_INT((long long)(pg->page - 1) * PAGER_ROWS);
	if ((s = db_select(db, a, list, args, n + 2, rowsize, rows, nrows)) != KQ_OK)
		return s;
	if (pg->page == 1 && *nrows <= PAGER_ROWS) {
		pager_clamp(pg, (long long)*nrows);
		return KQ_OK;
	}
	if (*nrows > PAGER_ROWS)
		*nrows = PAGER_ROWS;
	if ((s = db_scalar(db, count_sql, args, n, &total)) != KQ_OK)
		return s;
	pager_clamp(pg, total);
	if (pg->page == asked)
		return KQ_OK;
	/* past the end: show the last page instead */
	args[n] = DB_INT(PAGER_ROWS);
	args[n + 1] = DB_INT((long long)(pg->page - 1) * PAGER_ROWS);
	return db_select(db, a, list, args, n + 2, rowsize, rows, nrows);
}
