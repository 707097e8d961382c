/*
 * arena.h - request-scoped memory.
 *
 * Everything a request needs comes from one arena that is reset when the
 * request ends, so handlers never free() and nothing leaks across requests
 * (nginx pools, SPEC §9: no RSS growth).  The first chunk is reused between
 * requests; larger requests grow extra chunks that the reset gives back.
 *
 * A failure is sticky: once an allocation has failed, a->failed stays set
 * until the reset, whatever later allocations do, so the request's answer
 * can see that something it was filled with may be missing.
 */
#ifndef KQ_ARENA_H
#define KQ_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;	/* chunk being filled */
	struct arena_chunk *first;	/* kept across resets */
	size_t		 chunk_size;
	size_t		 total;		/* bytes handed out since reset */
	size_t		 limit;		/* 0 = none; else alloc fails past it */
	long		 fail_countdown; /* tests: fail after N allocs, -1 = off */
	int		 failed;	/* an allocation failed since the reset:
					   the answer is a 503, not a page with
					   values missing (reply.c) */
};

void	 arena_init(struct arena *, size_t chunk_size, size_t limit);
void	 arena_reset(struct arena *);
void	 arena_free(struct arena *);
void	*arena_alloc(struct arena *, size_t);
void	*arena_zalloc(struct arena *, size_t);
char	*arena_strndup(struct arena *, const char *, size_t);
char	*arena_strdup(struct arena *, const char *);
char	*arena_printf(struct arena *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* A growable byte buffer inside an arena. */
struct abuf {
	struct arena	*arena;
	char		*data;
	size_t		 len, cap;
	int		 failed;	/* an allocation failed; data is stale */
};

void	 abuf_init(struct abuf *, struct arena *);
void	 abuf_add(struct abuf *, const void *, size_t);
/* s NULL (an allocation that failed) fails the buffer. */
void	 abuf_puts(struct abuf *, const char *);
void	 abuf_putc(struct abuf *, char);
void	 abuf_printf(struct abuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* NUL-terminated contents, or NULL when an allocation failed. */
char	*abuf_str(struct abuf *);

#endif
