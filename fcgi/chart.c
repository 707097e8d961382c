/*
 * chart.c - the geometry of a report's chart (chart.h): a scale rounded to
 * 1, 2 or 5 × 10^k yuan, four ticks, and the bars' or the line's
 * positions.  The markup is the template's (templates/_chart.xhtml).
 */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/money.h"
#include "chart.h"

#define HEIGHT		220	/* px: the plot, then two lines of labels */
#define PLOT_TOP	12
#define PLOT_BOTTOM	176
#define LEFT		13.0	/* %: the ticks' labels */
#define RIGHT		99.0
#define TICKS		4

/* The smallest TICKS × 1, 2 or 5 × 10^k units at least max. */
static long long
nice_top(long long max, long long unit)
{
	static const int steps[] = { 1, 2, 5 };
	long long	 p = unit;
	size_t		 i;

	for (;;) {
		for (i = 0; i < 3; i++)
			if (steps[i] * p * TICKS >= max)
				return steps[i] * p * TICKS;
		p *= 10;
	}
}

/* A tick's words: ¥2,000 / ¥15万 / CNY 15k / 300 — short enough for a
 * phone. */
static void
tick_text(const struct chart *c, long long v, char *buf, size_t sz)
{
	long long	 yuan = c->counts ? v : v / 100;
	int		 en = i18n_current() == LANG_EN;
	const char	*cur = c->counts ? "" : en ? "CNY " : "¥";

	if (en && yuan >= 1000000)
		snprintf(buf, sz, "%s%lldM", cur, yuan / 1000000);
	else if (en && yuan >= 10000)
		snprintf(buf, sz, "%s%lldk", cur, yuan / 1000);
	else if (!en && yuan >= 100000000)
		snprintf(buf, sz, "%s%lld亿", cur, yuan / 100000000);
	else if (!en && yuan >= 100000)
		snprintf(buf, sz, "%s%lld万", cur, yuan / 10000);
	else
		snprintf(buf, sz, "%s%lld", cur, yuan);
}

static long long
value(const struct chart *c, size_t cat, size_t s)
{
	long long v = c->vals[cat * c->nseries + s];

	return v > 0 ? v : 0;
}

static void
set_pct(struct view *v, const char *key, double pct)
{
	view_setf(v, key, "%.2f%%", pct);
}

static void
show_ticks(struct view *v, const struct chart *c, long long top)
{
	struct vlist	*l = view_list(v, "ticks");
	struct view	*t;
	char		 text[48];
	int		 i;

	for (i = 0; i <= TICKS; i++) {
		t = vlist_add(l);
		view_set_int(t, "y", PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * i / TICKS);
		view_set_int(t, "ty", PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * i / TICKS + 4);
		tick_text(c, top / TICKS * i, text, sizeof(text));
		view_setf(t, "text", "%s", text);
	}
}

static int
y_of(long long cents, long long top)
{
	return PLOT_BOTTOM - (int)((PLOT_BOTTOM - PLOT_TOP) * (double)cents / (double)top);
}

/* What a bar or a point says when pointed at: "2026-12 抵扣: ¥12.00". */
static const char *
title_of(struct view *v, const struct chart *c, size_t cat, size_t s)
{
	char money[MONEY_BUFSZ];

	if (c->counts)
		snprintf(money, sizeof(money), "%lld", value(c, cat, s));
	else
		money_format(value(c, cat, s), money, sizeof(money));
	return arena_printf(v->arena, "%s%s%s %s: %s", c->labels[cat],
	    c->subs != NULL && *c->subs[cat] ? " " : "",
	    c->subs != NULL ? c->subs[cat] : "", c->series[s].label, money);
}

static void
show_bars(struct vlist *bars, const struct chart *c, size_t cat, double left,
    double slot, long long top)
{
	struct view	*b;
	long long	 base = 0;
	double		 w = c->stacked ? slot * 0.6 : slot * 0.8 / (double)c->nseries;
	size_t		 s;
	int		 y0, y1;

	for (s = 0; s < c->nseries; s++) {
		b = vlist_add(bars);
		y0 = y_of(base, top);
		y1 = y_of(base + value(c, cat, s), top);
		set_pct(b, "x", c->stacked ? left + slot * 0.2 :
		    left + slot * 0.1 + w * (double)s);
		set_pct(b, "w", w);
		view_set_int(b, "y", y1);
		view_set_int(b, "h", y0 - y1);
		view_setf(b, "cls", "s%zu", s);
		view_set(b, "title", title_of(b, c, cat, s));
		if (c->stacked)
			base += value(c, cat, s);
	}
}

/* The line through series 0: a point a category, a segment between two. */
static void
show_point(struct vlist *dots, struct vlist *segs, const struct chart *c,
    size_t cat, double cx, double slot, long long top)
{
	struct view	*d = vlist_add(dots), *g;
	int		 cy = y_of(value(c, cat, 0), top);

	set_pct(d, "cx", cx);
	view_set_int(d, "cy", cy);
	view_set(d, "title", title_of(d, c, cat, 0));
	if (cat == 0)
		return;
	g = vlist_add(segs);
	set_pct(g, "x1", cx - slot);
	view_set_int(g, "y1", y_of(value(c, cat - 1, 0), top));
	set_pct(g, "x2", cx);
	view_set_int(g, "y2", cy);
}

void
chart_show(struct view *v, const struct chart *c)
{
	double		 slot = (RIGHT - LEFT) / (double)(c->ncats ? c->ncats : 1);
	long long	 max = 0, sum, top;
	struct vlist	*bars, *dots, *segs, *cats, *legend;
	struct view	*x;
	size_t		 i, s;

	for (i = 0; i < c->ncats; i++)
		for (s = 0, sum = 0; s < c->nseries; s++) {
			sum = c->stacked ? sum + value(c, i, s) : value(c, i, s);
			if (sum > max)
				max = sum;
		}
	top = nice_top(max, c->counts ? 1 : 100);
	view_set(v, "name", c->name);
	view_set(v, "title", c->title);
	view_set_int(v, "height", HEIGHT);
	view_set_int(v, "bottom", PLOT_BOTTOM);
	set_pct(v, "left", LEFT);
	set_pct(v, "right", RIGHT);
	show_ticks(v, c, top);
	legend = view_list(v, "legend");
	for (s = 0; s < (c->line ? 1 : c->nseries); s++) {
		x = vlist_add(legend);
		view_setf(x, "cls", "swatch s%zu", s);
		view_set(x, "text", c->series[s].label);
	}
	cats = view_list(v, "cats");
	bars = view_list(v, "bars");
	dots = view_list(v, "dots");
	segs = view_list(v, "segs");
	for (i = 0; i < c->ncats; i++) {
		double left = LEFT + slot * (double)i;

		x = vlist_add(cats);
		set_pct(x, "x", left + slot / 2);
		view_set(x, "text", c->labels[i]);
		view_set(x, "sub", c->subs != NULL ? c->subs[i] : "");
		if (c->line)
			show_point(dots, segs, c, i, left + slot / 2, slot, top);
		else
			show_bars(bars, c, i, left, slot, top);
	}
}
