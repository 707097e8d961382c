/*
 * page.c - one way to fetch a page of a list: count, clamp, fetch.
 */
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
page_query(struct db *db, struct arena *a, const char *count_sql,
    const char *list_sql, struct db_arg *args, size_t n, struct page_info *pg,
    struct db_result *rows)
{
	struct db_result	r;
	enum kq_status		s;
	int			asked;

	if (pg->page < 1)
		pg->page = 1;
	asked = pg->page;
	/* one row more than a page tells whether the first page is all */
	args[n] = DB_INT(PAGE_SIZE + 1);
	args[n + 1] = DB_INT((long long)(pg->page - 1) * PAGE_SIZE);
	if ((s = db_query(db, a, list_sql, args, n + 2, rows)) != KQ_OK)
		return s;
	if (pg->page == 1 && rows->nrows <= PAGE_SIZE) {
		page_clamp(pg, (long long)rows->nrows);
		return KQ_OK;
	}
	if (rows->nrows > PAGE_SIZE)
		rows->nrows = PAGE_SIZE;
	if ((s = db_query(db, a, count_sql, args, n, &r)) != KQ_OK)
		return s;
	page_clamp(pg, db_cell_int(&r, 0, 0));
	if (pg->page == asked)
		return KQ_OK;
	/* past the end: show the last page instead */
	args[n] = DB_INT(PAGE_SIZE);
	args[n + 1] = DB_INT((long long)(pg->page - 1) * PAGE_SIZE);
	return db_query(db, a, list_sql, args, n + 2, rows);
}
