/*
 * flash.c - the one message a page shows about an outcome, and the marks
 * of a re-shown form at each field that failed (the message a redirect
 * carries to the next page is reply.c's: a cookie).
 */
#include <stdio.h>
#include <string.h>

#include "flash.h"
#include "base/i18n.h"
#include "present.h"

void
flash_kind(struct view *v, int ok)
{
	view_set(v, "flash_kind", ok ? "ok" : "error");
	view_set(v, "flash_role", ok ? "status" : "alert");
}

void
flash_now(struct view *v, enum kq_outcome s, const char *field)
{
	flash_kind(v, s == KQ_OK);
	view_set(v, "flash_code", kq_code(s));
	view_set(v, "flash_text", L(kq_message(s)));
	if (field != NULL)
		view_set(v, "flash_field", field);
}

void
flash_code(struct view *v, enum kq_outcome err, const char *field,
    const char *typed)
{
	const char *msg = L(kq_message(err));

	if (err == KQ_CODE_FORMAT || err == KQ_CARD_FORMAT)
		msg = code_error_text(err, typed);
	flash_now(v, err, field);
	view_set(v, "flash_text", msg);
	mark_field(v->arena, v, field, msg);
}

void
flash_reshow(struct view *v, const struct form *f, enum kq_outcome err,
    const char *bad)
{
	const struct field	*fd;
	struct view		*fv = view_map(v, "f");
	struct arena		*a = v->arena;
	size_t			 i;

	for (i = 0; i < f->def->n; i++) {
		fd = &f->def->fields[i];
		if (!fd->repeated)
			view_set(fv, fd->name, f->v[i].raw);
		if (err == KQ_OK || f->v[i].err == KQ_OK)
			continue;
		/* every field that failed its format, marked where it is */
		mark_field(a, v, fd->name, field_error_text(a, fd, &f->v[i]));
	}
	if (err == KQ_OK)
		return;
	/* a rule core/ checked: the field it names */
	if (bad != NULL && (f->bad == NULL || strcmp(bad, f->bad))) {
		struct field rule = { .name = bad };

		mark_field(a, v, bad, err == KQ_INVALID_FIELD ?
		    field_error_text(a, &rule, NULL) : L(kq_message(err)));
	}
	flash_now(v, err, bad != NULL ? bad : f->bad);
}
