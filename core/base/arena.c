/*
 * arena.c - bump allocator for request memory.
 *
 * Allocation is a pointer increment; release is one reset at the end of the
 * request.  A failed allocation returns NULL (callers turn that into a 503),
 * never abort(): a hostile request must cost one error page, not a worker.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t		    size, used;
	max_align_t	    data[];
};

#define ALIGN	(sizeof(max_align_t))

static struct arena_chunk *
chunk_new(size_t size)
{
	struct arena_chunk *c;

	if ((c = malloc(sizeof(*c) + size)) == NULL)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void
arena_init(struct arena *a, size_t chunk_size, size_t limit)
{
	a->head = a->first = NULL;
	a->chunk_size = chunk_size ? chunk_size : 16384;
	a->total = 0;
	a->limit = limit;
	a->fail_countdown = -1;
	a->failed = 0;
}

/* Frees every chunk but the first, which the next request reuses. */
void
arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next;

	a->failed = 0;
	if (a->first == NULL)
		return;
	for (c = a->first->next; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->first->next = NULL;
	a->first->used = 0;
	a->head = a->first;
	a->total = 0;
}

void
arena_free(struct arena *a)
{
	arena_reset(a);
	free(a->first);
	a->first = a->head = NULL;
}

/* The allocation itself; NULL when it fails (arena_alloc() remembers). */
static void *
alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t		    need, size;
	void		   *p;

	if (a->fail_countdown == 0)
		return NULL;
	if (a->fail_countdown > 0)
		a->fail_countdown--;
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / 2)
		return NULL;
	need = (n + ALIGN - 1) & ~(ALIGN - 1);
	if (a->limit && a->total + need > a->limit)
		return NULL;

	c = a->head;
	if (c == NULL || c->size - c->used < need) {
		size = need > a->chunk_size ? need : a->chunk_size;
		if ((c = chunk_new(size)) == NULL)
			return NULL;
		if (a->first == NULL)
			a->first = c;
		else
			a->head->next = c;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	a->total += need;
	return p;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	void *p;

	if ((p = alloc(a, n)) == NULL)
		a->failed = 1;
	return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p;

	if ((p = arena_alloc(a, n)) != NULL)
		memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if ((p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
abuf_init(struct abuf *b, struct arena *a)
{
	b->arena = a;
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

static int
abuf_grow(struct abuf *b, size_t extra)
{
	size_t	 cap;
	char	*p;

	if (b->failed)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	if ((p = arena_alloc(b->arena, cap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	if (b->len)
		memcpy(p, b->data, b->len);
	b->data = p;
	b->cap = cap;
	return 0;
}

void
abuf_add(struct abuf *b, const void *s, size_t n)
{
	if (abuf_grow(b, n) < 0)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
abuf_puts(struct abuf *b, const char *s)
{
	if (s == NULL) {	/* an arena_printf() that failed */
		b->failed = 1;
		return;
	}
	abuf_add(b, s, strlen(s));
}

void
abuf_putc(struct abuf *b, char c)
{
	abuf_add(b, &c, 1);
}

void
abuf_printf(struct abuf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || abuf_grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
abuf_str(struct abuf *b)
{
	if (b->failed)
		return NULL;
	if (b->data == NULL)
		return arena_strdup(b->arena, "");
	return b->data;
}
