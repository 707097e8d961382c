/*
 * page.c - one way to fetch a page of a list: fetch, count when needed,
 * clamp.
 */
#include <limits.h>

#include "page.h"

void
page_clamp(struct page_info *pg, long long total)
{
	pg->total = total;
	pg->pages = total == 0 ? 1 : (int)((total + PAGE_SIZE - 1) / PAGE_SIZE);
	if (pg->page < 1)
		pg->page = 1;
	if (pg->page > pg->pages)
		pg->page = pg->pages;
}

enum kq_status
page_select(struct db *db, struct arena *a, struct db_sel *list,
    const char *count_sql, struct db_arg *args, size_t n, struct page_info *pg,
    size_t rowsize, void *rows, size_t *nrows)
{
	enum kq_status	s;
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
	args[n] = DB_INT(PAGE_SIZE + 1);
	args[n + 1] = DB_INT((long long)(pg->page - 1) * PAGE_SIZE);
	if ((s = db_select(db, a, list, args, n + 2, rowsize, rows, nrows)) != KQ_OK)
		return s;
	if (pg->page == 1 && *nrows <= PAGE_SIZE) {
		page_clamp(pg, (long long)*nrows);
		return KQ_OK;
	}
	if (*nrows > PAGE_SIZE)
		*nrows = PAGE_SIZE;
	if ((s = db_scalar(db, count_sql, args, n, &total)) != KQ_OK)
		return s;
	page_clamp(pg, total);
	if (pg->page == asked)
		return KQ_OK;
	/* past the end: show the last page instead */
	args[n] = DB_INT(PAGE_SIZE);
	args[n + 1] = DB_INT((long long)(pg->page - 1) * PAGE_SIZE);
	return db_select(db, a, list, args, n + 2, rowsize, rows, nrows);
}
