/*
 * page.h - pagination of lists (SPEC §8 pager: page, pages, total).
 */
#ifndef KQ_PAGE_H
#define KQ_PAGE_H

#include "db.h"

#define PAGE_SIZE	20

struct page_info {
	int		 page;		/* 1-based, clamped to 1..pages */
	int		 pages;
	long long	 total;
};

/* Fills in pages from total and clamps page. */
void		page_clamp(struct page_info *, long long total);
/* Runs list_sql (ending in LIMIT ? OFFSET ?) with args[0..n) and the page's
 * limit and offset: args has room for n + 2.  It asks for one row more than
 * a page, so a first page that holds the whole list needs no count_sql;
 * a page past the end is clamped to the last page.  (A COUNT(*) OVER () column
 * would save the count but makes the server build the whole list before
 * LIMIT: slower for the accounts with many rows.) */
enum kq_status	page_query(struct db *, struct arena *, const char *count_sql,
		    const char *list_sql, struct db_arg *args, size_t n,
		    struct page_info *pg, struct db_result *rows);

#endif
