/*
 * fuzz_tmpl.c - libFuzzer target: any page text is compiled against a
 * small layout (and its partial) into ops, or refused with a message; what
 * compiles renders twice, with hostile values and with harmless ones: the
 * hostile values must not add a single '<' to the output (a value never
 * becomes markup, whatever markup the template itself has).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "web/tmpl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char dir[64];

static void
put(const char *name, const void *text, size_t len)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fwrite(text, 1, len, f);
	fclose(f);
}

/* Counts the '<' written. */
static int
sink(void *ctx, const char *s, size_t n)
{
	size_t *lt = ctx, i;

	for (i = 0; i < n; i++)
		*lt += s[i] == '<';
	return 0;
}

static size_t
render(const struct tmpl *t, struct arena *a, const char *x, const char *u)
{
	struct view	*v;
	struct vlist	*l;
	size_t		 lt = 0;

	arena_reset(a);
	v = view_new(a);
	view_set(v, "x", x);
	view_set(v, "u", u);
	l = view_list(v, "list");
	view_set(vlist_add(l), "x", x);
	view_set(view_map(v, "m"), "x", x);
	tmpl_render(t, v, sink, &lt);
	return lt;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char layout[] = "<?xml version=\"1.0\"?>\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
	    "xmlns:k=\"urn:kaquan:template\"><body k:attr=\"data-page _page\">"
	    "<k:slot/></body></html>";
	static const char partial[] = "<k:partial xmlns=\"http://www.w3.org/1999/xhtml\" "
	    "xmlns:k=\"urn:kaquan:template\"><i k:text=\"x\"/></k:partial>";
	static struct arena	 a;
	struct tmpl		*t;
	char			 lp[128], pp[128], err[512];

	if (dir[0] == '\0') {
		strcpy(dir, "/tmp/kq-fuzz-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		put("layout.xhtml", layout, sizeof(layout) - 1);
		put("_part.xhtml", partial, sizeof(partial) - 1);
		arena_init(&a, 4096, 0);
	}
	put("page.xhtml", data, size);
	snprintf(lp, sizeof(lp), "%s/layout.xhtml", dir);
	snprintf(pp, sizeof(pp), "%s/page.xhtml", dir);
	if ((t = tmpl_compile(lp, pp, "page", err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			abort();	/* a refusal always says why */
		return 0;
	}
	if (render(t, &a, "<b x=\"1\">&amp;'</b>", "javascript:<b>") !=
	    render(t, &a, "b", "b"))
		abort();	/* a value came out as markup */
	tmpl_free(t);
	return 0;
}
