/*
 * view.c - building the value tree a template reads.
 *
 * Out of memory is sticky and silent here: a missing value renders as empty
 * and the arena's failure surfaces when the response is sent.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "web/view.h"

struct view *
view_new(struct arena *a)
{
	struct view *v;

	if ((v = arena_zalloc(a, sizeof(*v))) != NULL)
		v->arena = a;
	return v;
}

static struct vnode *
node_add(struct view *v, const char *key, enum vtype t)
{
	struct vnode *n;

	if (v == NULL || key == NULL ||
	    (n = arena_zalloc(v->arena, sizeof(*n))) == NULL)
		return NULL;
	n->key = key;
	n->keylen = strlen(key);
	n->type = t;
	/* prepend: the latest set of a key shadows earlier ones */
	n->next = v->head;
	v->head = n;
	return n;
}

void
view_set(struct view *v, const char *key, const char *value)
{
	struct vnode *n;

	if (value != NULL && (n = node_add(v, key, V_STR)) != NULL)
		n->u.s = value;
}

void
view_setf(struct view *v, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[256], *s;
	int	 len;

	if (v == NULL)
		return;
	va_start(ap, fmt);
	len = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len < sizeof(small)) {
		view_set(v, key, arena_strdup(v->arena, small));
		return;
	}
	if ((s = arena_alloc(v->arena, (size_t)len + 1)) == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	view_set(v, key, s);
}

void
view_set_int(struct view *v, const char *key, long long i)
{
	char			 buf[24], *p = buf + sizeof(buf);
	unsigned long long	 u = i < 0 ? 0ULL - (unsigned long long)i :
				    (unsigned long long)i;

	if (v == NULL)
		return;
	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (i < 0)
		*--p = '-';
	view_set(v, key, arena_strdup(v->arena, p));
}

struct view *
view_map(struct view *v, const char *key)
{
	struct vnode *n;

	if ((n = node_add(v, key, V_MAP)) == NULL)
		return NULL;
	n->u.m = view_new(v->arena);
	return n->u.m;
}

struct vlist *
view_list(struct view *v, const char *key)
{
	struct vnode *n;

	if ((n = node_add(v, key, V_LIST)) == NULL)
		return NULL;
	if ((n->u.l = arena_zalloc(v->arena, sizeof(*n->u.l))) != NULL)
		n->u.l->arena = v->arena;
	return n->u.l;
}

struct view *
vlist_add(struct vlist *l)
{
	struct view **items;

	if (l == NULL)
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		if ((items = arena_alloc(l->arena, cap * sizeof(*items))) == NULL)
			return NULL;
		if (l->n)
			memcpy(items, l->items, l->n * sizeof(*items));
		l->items = items;
		l->cap = cap;
	}
	if ((l->items[l->n] = view_new(l->arena)) == NULL)
		return NULL;
	return l->items[l->n++];
}

const struct vnode *
view_find(const struct view *v, const char *key, size_t keylen)
{
	const struct vnode *n;

	if (v == NULL)
		return NULL;
	for (n = v->head; n != NULL; n = n->next)
		if (n->keylen == keylen && memcmp(n->key, key, keylen) == 0)
			return n;
	return NULL;
}
