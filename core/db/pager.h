/*
 * pager.h - pagination of lists (SPEC §8 pager: page, pages, total; §9
 * Volume: the cost follows the page, not the table).
 */
#ifndef KQ_PAGER_H
#define KQ_PAGER_H

#include <stddef.h>

#include "db/db.h"

#define PAGER_ROWS	20
#define PAGER_MAX	1000000
#define PAGER_COUNTED	10000	/* counts are exact up to this, then "10000+" */
#define PAGER_NUMBERED	(PAGER_COUNTED / PAGER_ROWS)	/* pages by number */
#define PAGER_CHUNK	2000	/* an export's rows per statement */
#define PAGER_NO_KEY	((size_t)-1)

/* A list statement's end: the rows after the cursor (KEY below it, newest
 * first), then a page's limit and offset; pager_select binds all four. */
#define PAGER_AFTER(key) \
    " AND (? = 0 OR " key " < ?) ORDER BY " key " DESC LIMIT ? OFFSET ?"
/* The same for a list in ascending order (a batch's cards, a partner's
 * customers): the next page's rows come after the last key. */
#define PAGER_AFTER_ASC(key) \
    " AND (? = 0 OR " key " > ?) ORDER BY " key " LIMIT ? OFFSET ?"
/* The same for a list newest first by a time column, read on its index
 * for a range of days (ids of two Galera nodes are not in time order):
 * after the cursor's row in (time, id) order.  The cursor is the row's id,
 * bound four times: set pg->by_time. */
#define PAGER_AFTER_TIME(alias, table, time) \
    " AND (? = 0 OR " #alias "." #time " < (SELECT " #time " FROM " #table \
    " WHERE id = ?) OR (" #alias "." #time " = (SELECT " #time " FROM " \
    #table " WHERE id = ?) AND " #alias ".id < ?)) ORDER BY " #alias "." \
    #time " DESC, " #alias ".id DESC LIMIT ? OFFSET ?"
/* A range of days on a time column: four arguments (pager_days()), either
 * end open when NULL.  A count on an index of the column (and of one more
 * before it) that names nothing else is read from the index alone: a
 * condition on any other column, even one always true, makes it read
 * every row it counts. */
#define PAGER_DAYS(col) \
    " (? IS NULL OR " col " >= ?) AND (? IS NULL OR " col " <= ?)"
/* A bounded count: FROM_WHERE is the list's "FROM ... WHERE ..." (no
 * order, no cursor); it reads at most PAGER_COUNTED + 1 index entries. */
#define PAGER_COUNT(from_where) \
    "SELECT COUNT(*) FROM (SELECT 1" from_where " LIMIT 10001) n"

struct pager {
	int		 page;		/* 1-based, clamped to 1..pages */
	int		 pages;		/* with capped: known so far */
	long long	 total;		/* with capped: PAGER_COUNTED */
	int		 capped;	/* more than PAGER_COUNTED rows */
	int		 more;		/* rows after this page */
	/* In: the cursor, the key of the row before the page (0: by page
	 * number).  Out: the page's last key, the next page's cursor. */
	long long	 after;
	long long	 last;
	int		 by_time;	/* the list ends in PAGER_AFTER_TIME */
	/* A count of its own (an index-only one for the filter given):
	 * count_sql's arguments, when they are not the list's. */
	const struct db_arg *count_args;
	size_t		 count_n;
	/* An export: when each is set, pager_select streams every row of the
	 * list (no page, no count) to each(ctx, row) and returns no rows. */
	int		(*each)(void *ctx, const void *row);
	void		*ctx;
};

/* PAGER_DAYS' four arguments for whole days yyyymmdd (0: open) in
 * display_tz, from the start of from to the end of to. */
void		pager_days(struct db_arg out[4], long long from_ymd, long long to_ymd);
/* Sets the count's own arguments (see count_args). */
void		pager_count_args(struct pager *, const struct db_arg *, size_t);
/* The same for a count on one index: its value (NULL: none), then the
 * four PAGER_DAYS arguments (NULL: none), copied into one. */
void		pager_count_own(struct pager *, struct db_arg one[5],
		    const struct db_arg *value, const struct db_arg *days);
/* Fills in pages from total and clamps page. */
void		pager_clamp(struct pager *, long long total);
/*
 * Runs list with args[0..n) and the page's cursor, limit and offset: args
 * has room for n + 4 (n + 6 by_time).  key is the offset in a row of its
 * long long key (the list ends in PAGER_AFTER of that column, or in
 * PAGER_AFTER_TIME of a time and that id), or PAGER_NO_KEY for a
 * short list that ends in "LIMIT ? OFFSET ?" alone (n + 2).
 * It asks for one row more than a page, so a first page that holds the
 * whole list needs no count; count_sql is a PAGER_COUNT, or NULL when the
 * caller knows the count and has put it in pg->total.  The first
 * PAGER_NUMBERED pages go by number (OFFSET, at most PAGER_COUNTED rows
 * skipped), the rest by pg->after, with no count.  A page past the end is
 * clamped to the last page.  With pg->each set, the rows stream in
 * statements of PAGER_CHUNK rows, each after the last key of the one
 * before (a keyed list), so none runs long.
 */
enum kq_outcome	pager_select(struct db *, struct arena *, struct db_sel *list,
		    const char *count_sql, struct db_arg *args, size_t n,
		    struct pager *pg, size_t rowsize, size_t key, void *rows,
		    size_t *nrows);

#endif
