/*
 * render.c - a compiled template (tmpl_int.h) streamed to a writer with a
 * view's values: text and attribute values escaped (escape.c), k:if and
 * k:each as jumps; no DOM, no value concatenated into markup.
 */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/log.h"
#include "web/tmpl.h"
#include "web/tmpl_int.h"

struct scope {
	const char	*var;
	struct view	*item;
	const struct vlist *list;
	size_t		 index;
};

static const struct vnode *
resolve(struct view *root, const struct scope *sc, int depth, const char *path)
{
	const struct vnode	*n = NULL;
	const char		*seg = path, *dot;
	size_t			 len;
	int			 i;
	static struct vnode	 item_node;	/* read-only view of a loop item */

	dot = strchr(seg, '.');
	len = dot ? (size_t)(dot - seg) : strlen(seg);
	for (i = depth - 1; i >= 0 && n == NULL; i--)
		if (strncmp(sc[i].var, seg, len) == 0 && sc[i].var[len] == '\0') {
			item_node.type = V_MAP;
			item_node.u.m = sc[i].item;
			n = &item_node;
		}
	if (n == NULL)
		n = view_find(root, seg, len);
	while (n != NULL && dot != NULL) {
		if (n->type != V_MAP)
			return NULL;
		seg = dot + 1;
		dot = strchr(seg, '.');
		len = dot ? (size_t)(dot - seg) : strlen(seg);
		n = view_find(n->u.m, seg, len);
	}
	return n;
}

static int
truthy(const struct vnode *n)
{
	if (n == NULL)
		return 0;
	switch (n->type) {
	case V_STR:	return n->u.s[0] != '\0';
	case V_LIST:	return n->u.l != NULL && n->u.l->n > 0;
	default:	return 1;
	}
}

static int	check_views;	/* tmpl_check_views() */

void
tmpl_check_views(int on)
{
	check_views = on;
}

/* A k:text or k:each whose path the view lacks (what: "text" or "list"):
 * -1 with err when rendering strictly; else logged when views are checked,
 * and rendered as nothing. */
static int
missing(const struct tmpl *t, const struct tmpl *page, const char *what,
    const char *path, char *err, size_t errsz)
{
	const char *name = page ? page->name : t->name;

	if (err != NULL) {
		snprintf(err, errsz, "%s: no %s at %s", name, what, path);
		return -1;
	}
	if (check_views)
		kq_log("view: %s: no value at %s", name, path);
	return 0;
}

/* The ops of t; the layout's OP_SLOT renders page.  strict (err): a k:text
 * or k:each path the view lacks is an error. */
static int
render_ops(const struct tmpl *t, const struct tmpl *page, struct view *v,
    tmpl_write_fn w, void *ctx, char *err, size_t errsz)
{
	struct scope		 sc[MAX_DEPTH];
	const struct vnode	*n;
	const struct op		*op;
	int			 depth = 0;
	size_t			 pc = 0;

	while (pc < t->nops) {
		op = &t->ops[pc];
		switch (op->kind) {
		case OP_RAW:
			if (w(ctx, op->s, op->len) < 0)
				return -1;
			break;
		case OP_TEXT:
			n = resolve(v, sc, depth, op->s);
			if ((n == NULL || n->type != V_STR) && !op->flag &&
			    missing(t, page, "text", op->s, err, errsz) < 0)
				return -1;
			if (n != NULL && n->type == V_STR &&
			    tmpl_escape(n->u.s, ESC_TEXT, w, ctx) < 0)
				return -1;
			break;
		case OP_ATTR:
			n = resolve(v, sc, depth, op->s);
			if (n == NULL || n->type != V_STR)
				break;
			if (w(ctx, " ", 1) < 0 ||
			    w(ctx, op->name, strlen(op->name)) < 0 ||
			    w(ctx, "=\"", 2) < 0 ||
			    tmpl_escape(op->flag && !url_is_safe(n->u.s) ?
			    "#" : n->u.s, ESC_ATTR, w, ctx) < 0 ||
			    w(ctx, "\"", 1) < 0)
				return -1;
			break;
		case OP_IF:
			if (truthy(resolve(v, sc, depth, op->s)) == op->flag) {
				pc = op->jump;
				continue;
			}
			break;
		case OP_EACH:
			n = resolve(v, sc, depth, op->s);
			if ((n == NULL || n->type != V_LIST) && !op->flag &&
			    missing(t, page, "list", op->s, err, errsz) < 0)
				return -1;
			if (n == NULL || n->type != V_LIST || n->u.l == NULL ||
			    n->u.l->n == 0 || depth == MAX_DEPTH) {
				pc = op->jump;
				continue;
			}
			sc[depth].var = op->name;
			sc[depth].list = n->u.l;
			sc[depth].index = 0;
			sc[depth].item = n->u.l->items[0];
			depth++;
			break;
		case OP_NEXT:
			if (++sc[depth - 1].index < sc[depth - 1].list->n) {
				sc[depth - 1].item =
				    sc[depth - 1].list->items[sc[depth - 1].index];
				pc = op->jump + 1;
				continue;
			}
			depth--;
			break;
		case OP_SLOT:
			if (page != NULL &&
			    render_ops(page, NULL, v, w, ctx, err, errsz) < 0)
				return -1;
			break;
		}
		pc++;
	}
	return 0;
}

void
tmpl_prepare(const struct tmpl *t, struct view *v)
{
	/* set again by each call: a set that fails (out of memory) leaves
	 * an earlier call's in place */
	view_set(v, "_page", t->name);
	view_set(v, "_title", t->title);
	view_set(v, "_lang", lang_names[i18n_current()]);
}

static int
render(const struct tmpl *t, struct view *v, tmpl_write_fn w, void *ctx,
    char *err, size_t errsz)
{
	tmpl_prepare(t, v);
	if (t->layout == NULL)
		return render_ops(t, NULL, v, w, ctx, err, errsz);
	return render_ops(t->layout, t, v, w, ctx, err, errsz);
}

int
tmpl_render(const struct tmpl *t, struct view *v, tmpl_write_fn w, void *ctx)
{
	return render(t, v, w, ctx, NULL, 0);
}

int
tmpl_render_strict(const struct tmpl *t, struct view *v, tmpl_write_fn w,
    void *ctx, char *err, size_t errsz)
{
	err[0] = '\0';
	return render(t, v, w, ctx, err, errsz);
}
