/*
 * view.h - the values a page is filled with.
 *
 * A view is a small tree of strings, lists and maps, built by a handler in
 * the request arena and read by the template renderer through dotted paths
 * ("v.balance").  Values are plain text: escaping is the renderer's job.
 */
#ifndef KQ_VIEW_H
#define KQ_VIEW_H

#include <stddef.h>
#include <stdio.h>

#include "base/arena.h"

enum vtype { V_STR, V_LIST, V_MAP };

struct view;
struct vlist;

struct vnode {
	const char	*key;
	size_t		 keylen;	/* a look-up compares lengths first */
	enum vtype	 type;
	union {
		const char	*s;
		struct vlist	*l;
		struct view	*m;
	} u;
	struct vnode	*next;
};

struct view {
	struct arena	*arena;
	struct vnode	*head;
};

struct vlist {
	struct arena	*arena;
	struct view	**items;
	size_t		 n, cap;
};

/* A view, a map, a list or a list's new map out of memory is a sink that
 * keeps nothing (never NULL); the arena remembers the failure. */
struct view	*view_new(struct arena *);
/* Sets KEY to a string that lives at least as long as the arena. */
void		 view_set(struct view *, const char *key, const char *value);
void		 view_setf(struct view *, const char *key, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
void		 view_set_int(struct view *, const char *key, long long);
/* The map key names, made when it names none (a second call adds to the
 * same map). */
struct view	*view_map(struct view *, const char *key);
struct vlist	*view_list(struct view *, const char *key);
/* Appends a new map to the list. */
struct view	*vlist_add(struct vlist *);

/* Looks a single key up in one map. */
const struct vnode *view_find(const struct view *, const char *key, size_t keylen);

/* Writes v as the golden pages' text (tests/golden/NAME.view): "path
 * value" a line, lists by index ("[]" an empty one), a newline in a value
 * as \n; each key once (its latest value), oldest first; the renderer's
 * own keys ("_page") left out. */
void		 view_dump(const struct view *, FILE *);

#endif
