/*
 * pager.c - one way to fetch a page of a list: fetch, count when needed
 * (bounded), clamp; past the numbered pages, by cursor; an export in
 * chunks.
 */
#include <limits.h>
#include <string.h>

#include "base/clock.h"
#include "db/pager.h"

void
pager_days(struct db_arg out[4], long long from_ymd, long long to_ymd)
{
	out[0] = out[1] = from_ymd ? DB_TIME(clock_start_of_day(from_ymd)) :
	    DB_NULL;
	out[2] = out[3] = to_ymd ? DB_TIME(clock_end_of_day(to_ymd)) : DB_NULL;
}

void
pager_clamp(struct pager *pg, long long total)
{
	pg->capped = total > PAGER_COUNTED;
	pg->total = pg->capped ? PAGER_COUNTED : total;
	pg->pages = total == 0 ? 1 : pg->capped ? PAGER_NUMBERED :
	    (int)((total + PAGER_ROWS - 1) / PAGER_ROWS);
	if (pg->page < 1)
		pg->page = 1;
	if (pg->page > pg->pages)
		pg->page = pg->pages;
}

void
pager_count_args(struct pager *pg, const struct db_arg *args, size_t n)
{
	pg->count_args = args;
	pg->count_n = n;
}

void
pager_count_own(struct pager *pg, struct db_arg one[5],
    const struct db_arg *value, const struct db_arg *days)
{
	size_t k = 0;

	if (value != NULL)
		one[k++] = *value;
	if (days != NULL) {
		memcpy(&one[k], days, 4 * sizeof(one[0]));
		k += 4;
	}
	pager_count_args(pg, one, k);
}

static long long
key_of(const void *row, size_t key)
{
	long long k;

	memcpy(&k, (const char *)row + key, sizeof(k));
	return k;
}

/* The cursor's arguments (PAGER_AFTER or PAGER_AFTER_TIME); how many. */
static size_t
bind_cursor(struct db_arg *args, const struct pager *pg, long long after)
{
	size_t i, n = pg->by_time ? 4 : 2;

	for (i = 0; i < n; i++)
		args[i] = DB_INT(after);
	return n;
}

/* An export's rows, chunk by chunk: the caller's each, and the last key. */
struct chunk {
	int		(*each)(void *, const void *);
	void		*ctx;
	size_t		 key;
	long long	 last, n;
};

static int
chunk_row(void *ctx, const void *row)
{
	struct chunk *c = ctx;

	c->last = key_of(row, c->key);
	c->n++;
	return c->each(c->ctx, row);
}

static enum kq_outcome
export_all(struct db *db, struct arena *a, struct db_sel *list,
    struct db_arg *args, size_t n, struct pager *pg, size_t rowsize,
    size_t key)
{
	struct chunk	 c = { pg->each, pg->ctx, key, 0, 0 };	/* all of it */
	void		*row = arena_zalloc(a, rowsize);
	enum kq_outcome	 s;

	if (row == NULL)
		return KQ_UNAVAILABLE;
	if (key == PAGER_NO_KEY) {	/* a short list: one statement */
		args[n] = DB_INT(LLONG_MAX);
		args[n + 1] = DB_INT(0);
		return db_select_each(db, list, args, n + 2, row, pg->each,
		    pg->ctx);
	}
	do {
		size_t i = n + bind_cursor(&args[n], pg, c.last);

		c.n = 0;
		args[i] = DB_INT(PAGER_CHUNK);
		args[i + 1] = DB_INT(0);
		s = db_select_each(db, list, args, i + 2, row, chunk_row, &c);
	} while (s == KQ_OK && c.n == PAGER_CHUNK);
	return s;
}

/* One page: limit, offset; more and last from what came. */
static enum kq_outcome
page_rows(struct db *db, struct arena *a, struct db_sel *list,
    struct db_arg *args, size_t n, struct pager *pg, size_t rowsize,
    size_t key, void *rows, size_t *nrows)
{
	enum kq_outcome	s;
	size_t		i = n;

	if (key != PAGER_NO_KEY)
		i += bind_cursor(&args[i], pg, pg->after);
	args[i] = DB_INT(PAGER_ROWS + 1);
	args[i + 1] = DB_INT(pg->after ? 0 :
	    (long long)(pg->page - 1) * PAGER_ROWS);
	if ((s = db_select(db, a, list, args, i + 2, rowsize, rows,
	    nrows)) != KQ_OK)
		return s;
	pg->more = *nrows > PAGER_ROWS;
	if (pg->more)
		*nrows = PAGER_ROWS;
	if (*nrows > 0 && key != PAGER_NO_KEY)
		pg->last = key_of(*(char **)rows + (*nrows - 1) * rowsize, key);
	return KQ_OK;
}

enum kq_outcome
pager_select(struct db *db, struct arena *a, struct db_sel *list,
    const char *count_sql, struct db_arg *args, size_t n, struct pager *pg,
    size_t rowsize, size_t key, void *rows, size_t *nrows)
{
	enum kq_outcome	 s;
	long long	 total;
	int		 asked;

	*nrows = 0;
	if (pg->each != NULL)
		return export_all(db, a, list, args, n, pg, rowsize, key);
	if (key == PAGER_NO_KEY || pg->after < 0)
		pg->after = 0;
	if (pg->page < 1)
		pg->page = 1;
	if (pg->after > 0) {
		/* by cursor: past the counted rows, so no count */
		if (pg->page <= PAGER_NUMBERED)
			pg->page = PAGER_NUMBERED + 1;
		if ((s = page_rows(db, a, list, args, n, pg, rowsize, key, rows,
		    nrows)) != KQ_OK)
			return s;
		pg->capped = 1;
		pg->total = PAGER_COUNTED;
		pg->pages = pg->page;
		return KQ_OK;
	}
	if (key != PAGER_NO_KEY && pg->page > PAGER_NUMBERED)
		pg->page = PAGER_NUMBERED;	/* deeper goes by cursor */
	asked = pg->page;
	if ((s = page_rows(db, a, list, args, n, pg, rowsize, key, rows,
	    nrows)) != KQ_OK)
		return s;
	if (pg->page == 1 && !pg->more) {
		pager_clamp(pg, (long long)*nrows);
		return KQ_OK;
	}
	if (count_sql == NULL)
		total = pg->total;	/* known to the caller */
	else if ((s = pg->count_args != NULL ? db_scalar(db, count_sql,
	    pg->count_args, pg->count_n, &total) : db_scalar(db, count_sql,
	    args, n, &total)) != KQ_OK)
		return s;
	pager_clamp(pg, total);
	if (pg->page == asked)
		return KQ_OK;
	/* past the end: show the last page instead */
	return page_rows(db, a, list, args, n, pg, rowsize, key, rows, nrows);
}
