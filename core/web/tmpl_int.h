/*
 * tmpl_int.h - a compiled template, as the compiler (tmpl.c) writes it and
 * the renderer (render.c) walks it; nobody else looks inside.
 */
#ifndef KQ_TMPL_INT_H
#define KQ_TMPL_INT_H

#include <stddef.h>

#include "base/i18n.h"

#define MAX_DEPTH	8	/* nested k:each */

enum op_kind { OP_RAW, OP_TEXT, OP_ATTR, OP_IF, OP_EACH, OP_NEXT, OP_SLOT };

struct op {
	enum op_kind	 kind;
	char		*s;		/* RAW text, or the value's path */
	size_t		 len;		/* RAW length */
	char		*name;		/* ATTR name; EACH loop variable */
	int		 flag;		/* IF negated; ATTR is a URL; TEXT and
					   EACH: the view may lack it ("path?") */
	size_t		 jump;		/* IF/EACH: op after the block; NEXT: its EACH */
};

/* A page holds its own ops; the layout around it is compiled once per
 * language and shared by every page (its OP_SLOT renders the page), so a
 * worker keeps one copy of the layout's markup, not one per page. */
struct tmpl {
	char		*name;
	char		*title;
	struct op	*ops;
	size_t		 nops, cap;
	const struct tmpl *layout;	/* NULL: this is a layout */
	struct tmpl	*own_layout;	/* tmpl_compile()'s, freed with it */
};

struct tmpl_set {
	struct tmpl	 *layout[LANG__MAX];
	struct tmpl	**v[LANG__MAX];	/* each page in each language */
	size_t		  n;
};

#endif
