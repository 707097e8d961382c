/*
 * tmpl.h - XHTML templates compiled once, rendered by streaming.
 *
 * Templates are natural XHTML.  Values enter only through attributes of the
 * namespace urn:kaquan:template (prefix k):
 *
 *   k:text="path"             the element's content becomes the value, as text
 *                             ("path?": a value the view may lack, shown as
 *                             nothing; without "?" a missing one is an error
 *                             when rendering strictly, and logged when views
 *                             are checked)
 *   k:attr="name path; ..."   sets attributes (omitted when the value is unset)
 *   k:if="path" / "!path"     keeps the element only when the value is truthy
 *   k:each="item in path"     repeats the element for every map in a list
 *                             ("path?" likewise)
 *   <k:block>                 an element that renders only its children
 *                             (or, with k:text, only the value)
 *   <k:slot/>                 (layout only) where the page's content goes
 *   <k:include src="name"/>   the children of _name.xhtml's <k:partial>
 *                             (a form two pages share, the CSRF input)
 *
 * A page file is <k:page title="..."> ... </k:page>; it is rendered inside
 * the layout, which is compiled once per language and shared by every page
 * (its <k:slot/> renders the page).  The renderer writes text nodes and attribute values escaped, so a
 * value can never become markup; URL attributes accept only relative and
 * http(s) URLs.
 */
#ifndef KQ_TMPL_H
#define KQ_TMPL_H

#include <stddef.h>

#include "web/escape.h"
#include "base/i18n.h"
#include "web/view.h"

struct tmpl;
struct tmpl_set;


/* Loads DIR/layout.xhtml and every other DIR/NAME.xhtml as page NAME
 * (files starting with "_" are partials, not pages), each compiled in
 * every language with the catalog DIR/i18n (i18n.h): a text without its
 * English is an error.  Returns NULL with "file:line: message" in err on
 * any error. */
struct tmpl_set		*tmpl_set_load(const char *dir, char *err, size_t errsz);
void			 tmpl_set_free(struct tmpl_set *);
/* Page NAME in the current request's language (i18n_current()). */
const struct tmpl	*tmpl_get(const struct tmpl_set *, const char *page);
size_t			 tmpl_count(const struct tmpl_set *);

/* Compiles one page against a layout file (for tests). */
struct tmpl		*tmpl_compile(const char *layout_path, const char *page_path,
			    const char *name, char *err, size_t errsz);
struct tmpl		*tmpl_compile_lang(const char *layout_path,
			    const char *page_path, const char *name, enum lang,
			    char *err, size_t errsz);
void			 tmpl_free(struct tmpl *);

/* What the template reads of the page itself, into the view: "_page",
 * "_title", "_lang".  tmpl_render() does it too; a caller that must know
 * the view is whole before it writes (reply_page) does it first. */
void			 tmpl_prepare(const struct tmpl *, struct view *);
/* Renders (tmpl_prepare first).  Returns 0, or -1 when the writer failed. */
int			 tmpl_render(const struct tmpl *, struct view *,
			    tmpl_write_fn, void *ctx);

/* The same, for tests: a k:text or k:each whose path the view lacks is an
 * error (-1, err says which), where the pages render nothing. */
int			 tmpl_render_strict(const struct tmpl *, struct view *,
			    tmpl_write_fn, void *ctx, char *err, size_t errsz);

/* On (the test stacks: check_views = 1), a page whose k:text or k:each
 * asks for a value its view lacks logs "view: PAGE: no value at PATH" (and
 * still renders, as without): the handler-to-template contract checked on
 * every page a test opens. */
void			 tmpl_check_views(int on);

#endif
