/*
 * chart.h - a report's chart as values for templates/_chart.xhtml (SPEC
 * §11): bars (stacked where a total splits) or a line, drawn by the
 * template engine as SVG, so every label is escaped by construction and the
 * page needs no script.
 *
 * Horizontal positions are percentages of the chart's width and vertical
 * ones pixels of its fixed height, so the chart fills any width (390 px to
 * a desktop) while its text keeps its size.
 */
#ifndef KQ_CHART_H
#define KQ_CHART_H

#include <stddef.h>

#include "web/view.h"

struct chart_series {
	const char	*label;		/* words (translated by the caller) */
};

/*
 * Fills map v ("chart"): name (the data-chart), title, the y axis' ticks
 * in yuan, one category label each (two lines: label, sub), and per
 * category and series the bars (stacked: on top of each other; else side
 * by side) or, with line, the line through series 0's points.  vals[c *
 * nseries + s] in cents (or counts); negative values draw as 0.
 */
struct chart {
	const char			*name, *title;
	const char *const		*labels, *const *subs;	/* ncats each */
	size_t				 ncats;
	const struct chart_series	*series;
	size_t				 nseries;
	const long long			*vals;
	int				 stacked, line;
	int				 counts;	/* vals are counts, not cents */
};
void	chart_show(struct view *v, const struct chart *);

#endif
