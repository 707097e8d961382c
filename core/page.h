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
/* Runs count_sql with args[0..n), clamps pg, then list_sql with the same
 * arguments followed by LIMIT and OFFSET: args has room for n + 2. */
enum kq_status	page_query(struct db *, struct arena *, const char *count_sql,
		    const char *list_sql, struct db_arg *args, size_t n,
		    struct page_info *pg, struct db_result *rows);

#endif
