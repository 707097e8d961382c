/*
 * utf8.h - UTF-8 validation, shared by form input checks and the template
 * escaper so both agree on what valid text is.
 */
#ifndef KQ_UTF8_H
#define KQ_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at p with avail bytes left, or 0
 * when it is invalid (truncated, overlong, surrogate, beyond U+10FFFF). */
int	utf8_seq(const unsigned char *p, size_t avail);
/* Whether s (len bytes) is valid UTF-8 without C0 controls other than
 * tab, CR and LF, and without DEL. */
int	utf8_text_valid(const char *s, size_t len);

#endif
