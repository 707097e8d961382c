/*
 * export.c - what leaves as a file: a list's CSV, streamed from the page's
 * own core call row by row (neutralised, SPEC §7), a voucher's ledger, and
 * the audited downloads of codes as text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "export.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/money.h"
#include "present.h"
#include "reply.h"
#include "voucher.h"

void
csv_cell(FCGX_Stream *out, const char *s, int last)
{
	FCGX_PutChar('"', out);
	/* a leading = + - @, tab, CR or LF would be run by a spreadsheet
	 * (SPEC §7) */
	if (*s != '\0' && strchr("=+-@\t\r\n", *s) != NULL)
		FCGX_PutChar('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			FCGX_PutChar('"', out);
		FCGX_PutChar(*s, out);
	}
	FCGX_PutS(last ? "\"\r\n" : "\",", out);
}

int
csv_start(struct req *r, const char *filename)
{
	reply_header(r, arena_printf(r->arena, "Content-Disposition: attachment;"
	    " filename=\"%s\"", filename));
	if (reply_lost(r))
		return -1;
	reply_headers(r, 200, "text/csv; charset=utf-8");
	FCGX_PutS("\xef\xbb\xbf", r->fcgx->out);	/* BOM: spreadsheets read UTF-8 */
	return 0;
}

const char *
query_href(struct req *r, const char *path)
{
	const char *qs = FCGX_GetParam("QUERY_STRING", r->fcgx->envp);

	return arena_printf(r->arena, "%s%s%s", path, qs && *qs ? "?" : "",
	    qs && *qs ? qs : "");
}

const char *
csv_time_head(struct req *r, const char *words, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%s(%s)", L(words), r->app->cfg->display_tz);
	return buf;
}

void
csv_heads(FCGX_Stream *out, const char *const *heads)
{
	for (; *heads != NULL; heads++)
		csv_cell(out, L(*heads), heads[1] == NULL);
}

/* The headers and the heading row, once; -1 when the request ran out of
 * memory before (answered 503). */
static int
export_start(struct export *ex)
{
	struct req		*r = ex->req;
	const struct csv_col	*c;
	char			 head[128];

	if (ex->started++)
		return r->status == 200 ? 0 : -1;
	if (csv_start(r, ex->filename) < 0)
		return -1;
	for (c = ex->cols; c->head != NULL; c++)
		csv_cell(r->fcgx->out, c->kind == CSV_TIME || c->kind == CSV_MONTH ?
		    csv_time_head(r, c->head, head, sizeof(head)) : L(c->head),
		    c[1].head == NULL);
	return 0;
}

static int
export_row(void *arg, const void *row)
{
	struct export		*ex = arg;
	FCGX_Stream		*out = ex->req->fcgx->out;
	const struct csv_col	*c;
	const struct vnode	*n;
	struct view		*v;
	char			 key[64], yuan[MONEY_BUFSZ], when[CLOCK_BUFSZ];
	const char		*cell;
	time_t			 t;

	if (export_start(ex) < 0)
		return -1;
	arena_reset(&ex->scratch);
	v = view_new(&ex->scratch);
	ex->show(ex->req, v, row);
	if (ex->scratch.failed) {	/* never a row with cells missing */
		kq_log("%s: out of memory: cut short", ex->filename);
		return -1;
	}
	for (c = ex->cols; c->head != NULL; c++) {
		/* money and times from their machine values: a spreadsheet
		 * reads them the same whatever the page's language */
		snprintf(key, sizeof(key), "%s%s", c->key,
		    c->kind == CSV_TEXT || c->kind == CSV_MONTH ? "" : "_v");
		n = view_find(v, key, strlen(key));
		cell = n != NULL && n->type == V_STR ? n->u.s : "";
		if (c->kind == CSV_MONEY && *cell != '\0') {
			money_plain(strtoll(cell, NULL, 10), yuan, sizeof(yuan));
			cell = yuan;
		} else if (c->kind == CSV_TIME && (t = clock_parse_iso(cell)) > 0) {
			clock_display(t, when, sizeof(when));
			cell = when;
		}
		csv_cell(out, cell, c[1].head == NULL);
	}
	return FCGX_GetError(out) != 0 ? -1 : 0;
}

void
export_begin(struct req *r, struct export *ex, struct pager *pg,
    const char *filename, const struct csv_col *cols,
    void (*show)(struct req *, struct view *, const void *))
{
	memset(ex, 0, sizeof(*ex));
	ex->req = r;
	ex->filename = filename;
	ex->cols = cols;
	ex->show = show;
	arena_init(&ex->scratch, 8192, 1 << 20);
	pg->each = export_row;
	pg->ctx = ex;
}

void
export_rows(struct req *r, struct export *ex, const void *rows, size_t n,
    size_t rowsize)
{
	enum kq_outcome	s = KQ_OK;
	size_t		i;

	for (i = 0; i < n && s == KQ_OK; i++)
		if (export_row(ex, (const char *)rows + i * rowsize) < 0)
			s = KQ_UNAVAILABLE;
	(void)export_answered(r, ex, s);
}

int
export_answered(struct req *r, struct export *ex, enum kq_outcome s)
{
	if (ex->req == NULL) {	/* the page */
		if (s != KQ_OK)
			reply_fail(r, s);
		return s != KQ_OK;
	}
	arena_free(&ex->scratch);
	if (s != KQ_OK && !ex->started) {
		reply_fail(r, s);
		return 1;
	}
	if (s != KQ_OK) {	/* some rows are out: never a whole file */
		reply_cut(r, arena_printf(r->arena, "%s: %s", ex->filename,
		    kq_code(s)));
		return 1;
	}
	(void)export_start(ex);	/* no rows: the headings alone */
	return 1;
}

/* A ledger as CSV.  An amount is written as a plain number in one of two
 * columns, what came in and what went out, so that a spreadsheet sums
 * them and no cell starts with a minus (SPEC §7 neutralises those). */
void
export_ledger(struct req *r, const char *filename, const struct ledger_row *rows,
    size_t n, int with_customer)
{
	static const char *const heads[] = { "类型", "订单", "增加(元)",
	    "减少(元)", "余额(元)", NULL };
	static const char *const heads_customer[] = { "类型", "订单", "客户 UIN",
	    "增加(元)", "减少(元)", "余额(元)", NULL };
	FCGX_Stream	*out = r->fcgx->out;
	char		 t[CLOCK_BUFSZ], amount[MONEY_BUFSZ], balance[MONEY_BUFSZ];
	char		 order[24], uin[24], head[128];
	size_t		 i;

	if (csv_start(r, filename) < 0)
		return;
	csv_cell(out, csv_time_head(r, "时间", head, sizeof(head)), 0);
	csv_heads(out, with_customer ? heads_customer : heads);
	for (i = 0; i < n; i++) {
		clock_display(rows[i].time, t, sizeof(t));
		money_plain(rows[i].amount < 0 ? -rows[i].amount : rows[i].amount,
		    amount, sizeof(amount));
		money_plain(rows[i].balance, balance, sizeof(balance));
		snprintf(order, sizeof(order), "%lld", rows[i].order_id);
		snprintf(uin, sizeof(uin), "%lld", rows[i].customer);
		csv_cell(out, t, 0);
		csv_cell(out, option_text(opt_ledger_kind, rows[i].kind), 0);
		csv_cell(out, rows[i].order_id ? order : "", 0);
		if (with_customer)
			csv_cell(out, rows[i].customer ? uin : "", 0);
		csv_cell(out, rows[i].amount > 0 ? amount : "", 0);
		csv_cell(out, rows[i].amount < 0 ? amount : "", 0);
		csv_cell(out, balance, 1);
	}
}

/* The headers of a text/plain attachment, once; -1 when the request ran
 * out of memory (answered 503). */
static int
export_line_start(struct req *r, const char *filename)
{
	if (r->sent)
		return r->status == 200 ? 0 : -1;
	reply_header(r, arena_printf(r->arena, "Content-Disposition: "
	    "attachment; filename=\"%s\"", filename));
	if (reply_lost(r))
		return -1;
	reply_headers(r, 200, "text/plain; charset=utf-8");
	return 0;
}

int
export_line(void *arg, const char *line)
{
	struct attachment	*at = arg;
	struct req		*r = at->req;

	if (export_line_start(r, at->filename) < 0 ||
	    FCGX_PutS(line, r->fcgx->out) < 0 ||
	    FCGX_PutChar('\n', r->fcgx->out) < 0)
		return -1;
	return 0;
}

void
export_codes(struct req *r, const char *filename,
    enum kq_outcome (*fn)(struct db *, const struct principal *, const char *,
    long long, int (*)(void *, const char *), void *))
{
	struct attachment	at = { r, filename };
	enum kq_outcome		s;

	s = fn(r->app->db, &r->me, r->remote_addr, r->id, export_line, &at);
	if (s != KQ_OK && !r->sent)
		reply_fail(r, s);
	else if (s != KQ_OK)
		reply_cut(r, arena_printf(r->arena, "%s: %s", filename,
		    kq_code(s)));
	else
		(void)export_line_start(r, filename);	/* no codes: an empty file */
}
