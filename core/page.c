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

	if (pg->page < 1)
		pg->page = 1;
	args[n] = DB_INT(PAGE_SIZE);
	args[n + 1] = DB_INT((long long)(pg->page - 1) * PAGE_SIZE);
	if ((s = db_query(db, a, list_sql, args, n + 2, rows)) != KQ_OK)
		return s;
	if (rows->nrows > 0) {
		page_clamp(pg, db_cell_int(rows, 0, rows->ncols - 1));
		return KQ_OK;
	}
	if (pg->page == 1) {
		page_clamp(pg, 0);
		return KQ_OK;
	}
	/* past the end: count, and show the last page instead */
	if ((s = db_query(db, a, count_sql, args, n, &r)) != KQ_OK)
		return s;
	page_clamp(pg, db_cell_int(&r, 0, 0));
	args[n + 1] = DB_INT((long long)(pg->page - 1) * PAGE_SIZE);
	return db_query(db, a, list_sql, args, n + 2, rows);
}
