/*
 * page.h - pagination of lists (SPEC §8 pager: page, pages, total).
 */
#ifndef KQ_PAGE_H
#define KQ_PAGE_H

#include "db.h"

#define PAGE_SIZE	20
#define PAGE_MAX	1000000

struct page_info {
	int		 page;		/* 1-based, clamped to 1..pages */
	int		 pages;
	long long	 total;
	/* An export: when each is set, page_select streams every row of the
	 * list (no page, no count) to each(ctx, row) and returns no rows. */
	int		(*each)(void *ctx, const void *row);
	void		*ctx;
};

/* Fills in pages from total and clamps page. */
void		page_clamp(struct page_info *, long long total);
/* Runs list (ending in LIMIT ? OFFSET ?) with args[0..n) and the page's
 * limit and offset: args has room for n + 2.  It asks for one row more than
 * a page, so a first page that holds the whole list needs no count_sql;
 * a page past the end is clamped to the last page.  (A COUNT(*) OVER () column
 * would save the count but makes the server build the whole list before
 * LIMIT: slower for the accounts with many rows.)  With pg->each set, the
 * same statement runs unlimited through db_select_each. */
enum kq_status	page_select(struct db *, struct arena *, struct db_sel *list,
		    const char *count_sql, struct db_arg *args, size_t n,
		    struct page_info *pg, size_t rowsize, void *rows, size_t *nrows);
/* A page of a counted list, in one statement: LIST's last column is the
 * list's length, an uncorrelated subquery (PAGE_COUNT) the server runs once,
 * so the page keeps stopping at its LIMIT.  Its placeholders come first:
 * args[0..n) are the count's, copied after them for the list's (args has
 * room for 2n + 2).  The length is read from the long long at total_off of
 * the first row; a page past the end costs two statements more.  An
 * export (pg->each) streams every row, as page_select does. */
enum kq_status	page_select_counted(struct db *, struct arena *,
		    struct db_sel *list, struct db_arg *args, size_t n,
		    size_t total_off, struct page_info *pg, size_t rowsize,
		    void *rows, size_t *nrows);
/* The length column of a counted list, for the member M of row struct ST,
 * from the list's FROM ... WHERE ...: PAGE_COUNT(struct voucher, total, X) */
#define PAGE_COUNT(st, m, from_where) \
	DB_COL(st, m, "(SELECT COUNT(*)" from_where ")")

#endif
