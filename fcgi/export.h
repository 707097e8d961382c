/*
 * export.h - files: a list's CSV from the page's own core call, a ledger, the
 * audited downloads of codes.
 */
#ifndef KQ_EXPORT_H
#define KQ_EXPORT_H

#include "http.h"

/* One CSV cell, neutralised (SPEC §7); last ends the line. */
void		 csv_cell(FCGX_Stream *, const char *, int last);
/* The headers of a CSV attachment, with a BOM; -1 when the request ran
 * out of memory (answered 503: reply_lost). */
int		 csv_start(struct req *, const char *filename);
/* path with the request's query string: a list's download with its filters. */
const char	*query_href(struct req *, const char *path);
/* The heading of a time column: the words and the zone times are shown in
 * (into buf: a heading that allocated could go missing). */
const char	*csv_time_head(struct req *, const char *words, char *buf,
		    size_t bufsz);
/* A heading row: the words of each, in the request's language. */
void		 csv_heads(FCGX_Stream *, const char *const *heads);

/* An export: every row of a list (the page's own core call, with pg->each
 * set by export_begin) as CSV, each row shown by the page's own show
 * function into a view and written by its columns.  The headers go out
 * with the first row, so a failure before it still gets its error page.
 * A page that may be either declares its export zeroed and calls
 * export_begin() only for the file. */
enum csv_kind {
	CSV_TEXT,	/* the view's KEY, the words the page shows */
	CSV_MONEY,	/* KEY_v in cents, written in yuan for a spreadsheet */
	CSV_TIME,	/* KEY_v (ISO UTC) as "2026-11-23 07:16" in display_tz,
			   as the ledgers write it; the heading names the zone */
	CSV_MONTH	/* KEY as text ("2026-11", a report's month in
			   display_tz); the heading names the zone */
};
struct csv_col {
	const char	*head, *key;
	enum csv_kind	 kind;
};
struct export {
	struct req		*req;		/* NULL: not exporting */
	const char		*filename;
	const struct csv_col	*cols;
	void			(*show)(struct req *, struct view *, const void *row);
	struct arena		 scratch;	/* one row's, reset per row */
	int			 started;
};
void		 export_begin(struct req *, struct export *, struct pager *,
		    const char *filename, const struct csv_col *,
		    void (*show)(struct req *, struct view *, const void *));
/* An export of rows already read (a report's, a page at most): each
 * through the export's show function; answers the request. */
void		 export_rows(struct req *, struct export *, const void *rows,
		    size_t n, size_t rowsize);
/* After a list's core call with status s: 1 when the request is answered
 * (the export ended, or the error page for s), 0 to render the page. */
int		 export_answered(struct req *, struct export *, enum kq_outcome s);
struct ledger_row;
/* A voucher's ledger as CSV (with_customer: a partner's usage details). */
void		 export_ledger(struct req *, const char *filename,
		    const struct ledger_row *, size_t n, int with_customer);
/* An audited download of codes as FILENAME: fn is batch_codes() or
 * issue_codes(); an empty file when there are none. */
void		 export_codes(struct req *, const char *filename,
		    enum kq_outcome (*fn)(struct db *, const struct principal *,
		    const char *, long long, int (*)(void *, const char *), void *));
/* A text/plain attachment written a line at a time; the headers go out
 * with the first line, so an error before it still gets its error page. */
struct attachment {
	struct req	*req;
	const char	*filename;
};
int		 export_line(void *attachment, const char *line);

#endif
