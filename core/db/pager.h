/*
 * pager.h - pagination of lists (SPEC §8 pager: page, pages, total).
 */
#ifndef KQ_PAGER_H
#define KQ_PAGER_H

#include "db/db.h"

#define PAGER_ROWS	20
#define PAGER_MAX	1000000

struct pager {
	int		 page;		/* 1-based, clamped to 1..pages */
	int		 pages;
	long long	 total;
	/* An export: when each is set, pager_select streams every row of the
	 * list (no page, no count) to each(ctx, row) and returns no rows. */
	int		(*each)(void *ctx, const void *row);
	void		*ctx;
};

/* Fills in pages from total and clamps page. */
void		pager_clamp(struct pager *, long long total);
/* Runs list (ending in LIMIT ? OFFSET ?) with args[0..n) and the page's
 * limit and offset: args has room for n + 2.  It asks for one row more than
 * a page, so a first page that holds the whole list needs no count_sql;
 * a page past the end is clamped to the last page.  (A COUNT(*) OVER () column
 * would save the count but makes the server build the whole list before
 * LIMIT: slower for the accounts with many rows.)  With pg->each set, the
 * same statement runs unlimited through db_select_each. */
enum kq_outcome	pager_select(struct db *, struct arena *, struct db_sel *list,
		    const char *count_sql, struct db_arg *args, size_t n,
		    struct pager *pg, size_t rowsize, void *rows, size_t *nrows);

#endif
