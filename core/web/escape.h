/*
 * escape.h - escaping for the templates' renderer, the CSV writer and the
 * tests.
 */
#ifndef KQ_ESCAPE_H
#define KQ_ESCAPE_H

#include <stddef.h>

/* Where rendered text goes: 0, or -1 to stop. */
typedef int (*tmpl_write_fn)(void *ctx, const char *, size_t);

enum esc_mode { ESC_TEXT, ESC_ATTR };
/* Writes s escaped for a text node or a double-quoted attribute value
 * (invalid UTF-8 and control characters as U+FFFD); 0, or the writer's -1. */
int	tmpl_escape(const char *s, enum esc_mode, tmpl_write_fn, void *ctx);
/* Whether u may be a URL attribute: relative, or http(s). */
int	url_is_safe(const char *u);

#endif
