/*
 * view.c - building the value tree a template reads.
 *
 * Out of memory is silent here and sticky in the arena: a view, a map or a
 * list that cannot be made is the sink below, so a handler never meets a
 * NULL; the arena remembers that it failed (arena.h), and the request is
 * answered 503 instead of a page with values missing (reply_lost()).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "web/view.h"

/* The sink: its arena fails every allocation, so nothing written to it is
 * kept and it never changes (one per process: a worker serves one request
 * at a time). */
static struct arena	dead_arena = { .fail_countdown = 0 };
static struct view	dead_view = { .arena = &dead_arena };
static struct vlist	dead_list = { .arena = &dead_arena };

struct view *
view_new(struct arena *a)
{
	struct view *v;

	if ((v = arena_zalloc(a, sizeof(*v))) == NULL)
		return &dead_view;
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

	/* the map the key already names: a second fill adds to it (a form
	 * re-shown over a record's values), it does not hide it */
	for (n = v != NULL ? v->head : NULL; n != NULL; n = n->next)
		if (strcmp(n->key, key) == 0) {
			if (n->type == V_MAP)
				return n->u.m;
			break;
		}
	if ((n = node_add(v, key, V_MAP)) == NULL)
		return &dead_view;
	n->u.m = view_new(v->arena);
	return n->u.m;
}

struct vlist *
view_list(struct view *v, const char *key)
{
	struct vnode *n;

	if ((n = node_add(v, key, V_LIST)) == NULL)
		return &dead_list;
	if ((n->u.l = arena_zalloc(v->arena, sizeof(*n->u.l))) == NULL)
		n->u.l = &dead_list;
	else
		n->u.l->arena = v->arena;
	return n->u.l;
}

struct view *
vlist_add(struct vlist *l)
{
	struct view **items;

	if (l == NULL)
		return &dead_view;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		if ((items = arena_alloc(l->arena, cap * sizeof(*items))) == NULL)
			return &dead_view;
		if (l->n)
			memcpy(items, l->items, l->n * sizeof(*items));
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n] = view_new(l->arena);
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

/* The nodes of map v, oldest first, each key once (its latest value). */
static void
dump_map(const struct view *v, FILE *f, char *path, size_t len, size_t cap);

static void
dump_value(const struct vnode *n, FILE *f, char *path, size_t len, size_t cap)
{
	const char	*c;
	size_t		 i, l;

	switch (n->type) {
	case V_STR:
		fprintf(f, "%.*s ", (int)len, path);
		for (c = n->u.s; *c != '\0'; c++)
			if (*c == '\n')
				fputs("\\n", f);
			else
				fputc(*c, f);
		fputc('\n', f);
		break;
	case V_MAP:
		dump_map(n->u.m, f, path, len, cap);
		break;
	case V_LIST:
		if (n->u.l == NULL || n->u.l->n == 0) {
			fprintf(f, "%.*s []\n", (int)len, path);
			break;
		}
		for (i = 0; i < n->u.l->n; i++) {
			l = len + (size_t)snprintf(path + len, cap - len, ".%zu", i);
			if (l < cap)
				dump_map(n->u.l->items[i], f, path, l, cap);
		}
		break;
	}
}

static void
dump_map(const struct view *v, FILE *f, char *path, size_t len, size_t cap)
{
	const struct vnode	*n, *m, *stack[4096];
	size_t			 k = 0, l;

	for (n = v != NULL ? v->head : NULL; n != NULL && k < 4096; n = n->next)
		stack[k++] = n;
	while (k-- > 0) {	/* oldest first */
		n = stack[k];
		if (n->key[0] == '_')	/* the renderer's own */
			continue;
		for (m = v->head; m != n; m = m->next)
			if (m->keylen == n->keylen &&
			    memcmp(m->key, n->key, n->keylen) == 0)
				break;
		if (m != n)		/* set again later: that one counts */
			continue;
		l = len + (size_t)snprintf(path + len, cap - len, "%s%s",
		    len ? "." : "", n->key);
		if (l < cap)
			dump_value(n, f, path, l, cap);
	}
}

void
view_dump(const struct view *v, FILE *f)
{
	char path[1024];

	dump_map(v, f, path, 0, sizeof(path));
}

