/*
 * flash.h - the one message a page shows about an outcome, and the marks
 * of a re-shown form.
 */
#ifndef KQ_FLASH_H
#define KQ_FLASH_H

#include "web/form.h"
#include "base/outcome.h"
#include "web/view.h"

/* The flash's kind, "ok" or "error", and its role: an ok is announced
 * politely (status), an error at once (alert). */
void		 flash_kind(struct view *, int ok);
/* Shows an outcome on the page being rendered (a re-shown form). */
void		 flash_now(struct view *, enum kq_outcome, const char *field);
/* A re-shown form: map "f" gets what was typed in every single-valued
 * field, and the flash names the failing field (bad; f->bad when NULL). */
void		 flash_reshow(struct view *, const struct form *, enum kq_outcome,
		    const char *bad);
/* A code or card the member typed failed (its field marked; a code of
 * the right length that fails its check digit reads as a typo). */
void		 flash_code(struct view *, enum kq_outcome, const char *field,
		    const char *typed);

#endif
