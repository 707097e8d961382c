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

/* The last column of every list query that page_query() runs: the number
 * of rows the filter matches, so a page costs one query, not two. */
#define PAGE_TOTAL	", COUNT(*) OVER ()"

/* Fills in pages from total and clamps page. */
void		page_clamp(struct page_info *, long long total);
/* Runs list_sql (ending in PAGE_TOTAL, then LIMIT ? OFFSET ?) with args[0..n)
 * and the page's limit and offset: args has room for n + 2.  The total
 * comes with the rows; count_sql runs only for a page past the end, which
 * is then clamped to the last page. */
enum kq_status	page_query(struct db *, struct arena *, const char *count_sql,
		    const char *list_sql, struct db_arg *args, size_t n,
		    struct page_info *pg, struct db_result *rows);

#endif
