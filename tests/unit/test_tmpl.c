/* test_tmpl.c - the template engine: structure, escaping by construction,
 * hostile values, compile errors with file:line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "web/tmpl.h"

static char		 dir[64];
static struct arena	 a;

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define NS "xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:k=\"urn:kaquan:template\""

static void
put(const char *name, const char *text)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static int
collect(void *ctx, const char *s, size_t n)
{
	abuf_add(ctx, s, n);
	return 0;
}

/* Compiles page.xhtml (text) against the layout and renders it with v. */
static char *
render(const char *page, struct view *v, char *err, size_t errsz)
{
	char		 lp[128], pp[128];
	struct tmpl	*t;
	struct abuf	 b;

	put("page.xhtml", page);
	snprintf(lp, sizeof(lp), "%s/layout.xhtml", dir);
	snprintf(pp, sizeof(pp), "%s/page.xhtml", dir);
	if ((t = tmpl_compile(lp, pp, "test.page", err, errsz)) == NULL)
		return NULL;
	abuf_init(&b, &a);
	assert_int_equal(tmpl_render(t, v, collect, &b), 0);
	tmpl_free(t);
	return abuf_str(&b);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/kq-tmpl-XXXXXX");
	assert_non_null(mkdtemp(dir));
	put("layout.xhtml", HEAD "<html " NS "><head><title k:text=\"_title\">t</title></head>"
	    "<body k:attr=\"data-page _page\"><k:slot/></body></html>");
	arena_init(&a, 4096, 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	arena_free(&a);
	return 0;
}

/* A map filled twice is one map: a form re-shown over a record's values
 * keeps both (issue 31: the second fill had hidden the first). */
static void
a_map_filled_twice_keeps_both(void **state)
{
	char		 err[256], *out;
	struct view	*v = view_new(&a);
	(void)state;

	view_set(view_map(v, "f"), "name", "record");
	view_set(view_map(v, "f"), "amount", "typed");
	out = render(HEAD "<k:page " NS " title=\"t\"><b k:text=\"f.name\">x</b>"
	    "<i k:text=\"f.amount\">y</i></k:page>", v, err, sizeof(err));
	assert_non_null(out);
	assert_non_null(strstr(out, "<b>record</b><i>typed</i>"));
}

static void
layout_page_marker_and_title(void **state)
{
	char err[256], *out;
	(void)state;

	out = render(HEAD "<k:page " NS " title=\"标题\"><p>hi</p><br/><div/></k:page>",
	    view_new(&a), err, sizeof(err));
	assert_non_null(out);
	assert_non_null(strstr(out, "<!DOCTYPE html>"));
	assert_non_null(strstr(out, "<body data-page=\"test.page\">"));
	assert_non_null(strstr(out, "<title>标题</title>"));
	/* void elements have no end tag; empty others keep theirs */
	assert_non_null(strstr(out, "<br><div></div>"));
	assert_null(strstr(out, "</br>"));
	assert_null(strstr(out, "xmlns:k"));
	assert_null(strstr(out, "k:"));
}

static void
hostile_values_stay_text(void **state)
{
	const char *page = HEAD "<k:page " NS " title=\"x\">"
	    "<p id=\"t\" k:text=\"v\">x</p><a k:attr=\"title v; href u\">l</a>"
	    "<input k:attr=\"value v\"/></k:page>";
	struct view	*v = view_new(&a);
	char		 err[256], *out;
	(void)state;

	view_set(v, "v", "<script>alert(1)</script>\"'&amp;</p>\x01\xff\xc0\xaf");
	view_set(v, "u", "javascript:alert(1)");
	out = render(page, v, err, sizeof(err));
	assert_non_null(out);
	assert_null(strstr(out, "<script>"));
	assert_null(strstr(out, "javascript:"));
	assert_non_null(strstr(out, "<p id=\"t\">&lt;script&gt;alert(1)&lt;/script&gt;\"'&amp;amp;&lt;/p&gt;"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd</p>"));
	assert_non_null(strstr(out, "title=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;amp;"));
	assert_non_null(strstr(out, "href=\"#\""));
	assert_non_null(strstr(out, "<input value=\"&lt;script&gt;"));
}

static void
bound_attribute_replaces_static_one(void **state)
{
	const char *page = HEAD "<k:page " NS " title=\"x\">"
	    "<a href=\"#\" class=\"c\" k:attr=\"href u; title t\">l</a>"
	    "<a href=\"#\" k:attr=\"href missing\">m</a></k:page>";
	struct view	*v = view_new(&a);
	char		 err[256], *out;
	(void)state;

	view_set(v, "u", "/user/orders/7");
	view_set(v, "t", "x");
	out = render(page, v, err, sizeof(err));
	assert_non_null(out);
	assert_non_null(strstr(out, "<a class=\"c\" href=\"/user/orders/7\" title=\"x\">l</a>"));
	/* an unset value leaves no attribute at all, not the mock-up's */
	assert_non_null(strstr(out, "<a>m</a>"));
}

static void
url_attributes(void **state)
{
	(void)state;
	assert_true(url_is_safe("/user/orders/1"));
	assert_true(url_is_safe("orders?page=2"));
	assert_true(url_is_safe("https://example.com/x"));
	assert_true(url_is_safe("HTTP://example.com"));
	assert_true(url_is_safe("#top"));
	assert_false(url_is_safe("javascript:alert(1)"));
	assert_false(url_is_safe(" JaVaScRiPt:alert(1)"));
	assert_false(url_is_safe("data:text/html,<b>"));
	assert_false(url_is_safe("//evil.example/"));
	assert_false(url_is_safe("/\\evil.example/"));
	assert_false(url_is_safe("java\tscript:x"));
}

static void
loops_and_conditions(void **state)
{
	const char *page = HEAD "<k:page " NS " title=\"x\">"
	    "<table><tr k:each=\"r in rows\" k:attr=\"data-id r.id\">"
	    "<td k:text=\"r.name\">n</td><td k:if=\"r.flag\">F</td>"
	    "<td k:each=\"c in r.cells\" k:text=\"c.v\">c</td></tr></table>"
	    "<p k:if=\"!rows\">empty</p><p k:if=\"rows\">some</p>"
	    "<k:block k:if=\"missing\">never</k:block>after</k:page>";
	struct view	*v = view_new(&a), *row, *cell;
	struct vlist	*rows, *cells;
	char		 err[256], *out;
	(void)state;

	rows = view_list(v, "rows");
	for (int i = 1; i <= 3; i++) {
		row = vlist_add(rows);
		view_set_int(row, "id", i);
		view_setf(row, "name", "n%d", i);
		if (i == 2)
			view_set(row, "flag", "1");
		cells = view_list(row, "cells");
		for (int j = 0; j < i; j++) {
			cell = vlist_add(cells);
			view_setf(cell, "v", "%d.%d", i, j);
		}
	}
	out = render(page, v, err, sizeof(err));
	assert_non_null(out);
	assert_non_null(strstr(out, "<tr data-id=\"1\"><td>n1</td><td>1.0</td></tr>"
	    "<tr data-id=\"2\"><td>n2</td><td>F</td><td>2.0</td><td>2.1</td></tr>"
	    "<tr data-id=\"3\"><td>n3</td><td>3.0</td><td>3.1</td><td>3.2</td></tr>"));
	assert_non_null(strstr(out, "<p>some</p>after"));
	assert_null(strstr(out, "empty"));
	assert_null(strstr(out, "never"));

	out = render(page, view_new(&a), err, sizeof(err));
	assert_non_null(strstr(out, "<table></table><p>empty</p>after"));
}

static void
compile_errors_name_file_and_line(void **state)
{
	static const struct { const char *page, *want; } cases[] = {
		{ HEAD "<k:page " NS ">\n\n<p k:text=\"a b\">x</p></k:page>", "page.xhtml:4: k:text" },
		{ HEAD "<k:page " NS ">\n<p>unclosed</k:page>", "page.xhtml:3" },
		{ HEAD "<k:page " NS ">\n<script k:text=\"x\"></script></k:page>", "page.xhtml:3: no values inside" },
		{ HEAD "<k:page " NS ">\n<a k:attr=\"onclick x\">x</a></k:page>", "may not enter" },
		{ HEAD "<k:page " NS ">\n<p k:bogus=\"x\">x</p></k:page>", "unknown attribute k:bogus" },
		{ HEAD "<k:page " NS ">\n<p k:each=\"x of y\">x</p></k:page>", "k:each" },
		{ HEAD "<k:page " NS ">&nbsp;</k:page>", "page.xhtml:2: " },
		{ HEAD "<html " NS "/>", "root element must be <k:page>" },
		{ HEAD "<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		  "<k:page " NS ">&x;</k:page>", "not allowed" },
	};
	char err[256];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		if (render(cases[i].page, view_new(&a), err, sizeof(err)) != NULL)
			fail_msg("case %zu compiled", i);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].want);
	}
}

/* Issue 9: a page compiles in English from the catalog; a text the
 * catalog lacks stops the compile and says which. */
static void
pages_compile_in_english(void **state)
{
	char		 lp[128], pp[128], err[512], cat[160];
	struct tmpl	*t;
	struct abuf	 b;
	struct view	*v = view_new(&a);
	(void)state;

	snprintf(cat, sizeof(cat), "mkdir -p %s/i18n", dir);
	assert_int_equal(system(cat), 0);
	put("i18n/en.tsv", "# test\n我的代金券\tMy Vouchers\n搜索\tSearch\n"
	    "页面\tPage\n至\tto\n字段|至\tTo\n");
	assert_int_equal(i18n_load(dir, err, sizeof(err)), 0);
	put("page.xhtml", HEAD "<k:page " NS " title=\"页面\"><h1> 我的代金券 </h1>"
	    "<input name=\"q\" placeholder=\"搜索\"/><p k:text=\"x\">样例</p>"
	    "<p>UIN</p><label>至 <input name=\"to\"/></label><p>1 <b>至</b> 2</p>"
	    "</k:page>");
	snprintf(lp, sizeof(lp), "%s/layout.xhtml", dir);
	snprintf(pp, sizeof(pp), "%s/page.xhtml", dir);
	t = tmpl_compile_lang(lp, pp, "p", LANG_EN, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	abuf_init(&b, &a);
	view_set(v, "x", "值");
	assert_int_equal(tmpl_render(t, v, collect, &b), 0);
	tmpl_free(t);
	/* the words translated with their spacing; values and ASCII as they are */
	assert_non_null(strstr(abuf_str(&b), "<title>Page</title>"));
	assert_non_null(strstr(abuf_str(&b), "<h1> My Vouchers </h1>"));
	assert_non_null(strstr(abuf_str(&b), "placeholder=\"Search\""));
	assert_non_null(strstr(abuf_str(&b), "<p>值</p>"));
	assert_non_null(strstr(abuf_str(&b), "<p>UIN</p>"));
	/* a label's words as a label reads (issue 31); in a sentence, plain */
	assert_non_null(strstr(abuf_str(&b), "<label>To <input"));
	assert_non_null(strstr(abuf_str(&b), "<p>1 <b>to</b> 2</p>"));
	put("page.xhtml", HEAD "<k:page " NS " title=\"页面\"><p>没有翻译</p></k:page>");
	assert_null(tmpl_compile_lang(lp, pp, "p", LANG_EN, err, sizeof(err)));
	assert_non_null(strstr(err, "没有翻译"));
	assert_non_null(strstr(err, "page.xhtml:"));
	/* Chinese needs no catalog */
	t = tmpl_compile_lang(lp, pp, "p", LANG_ZH, err, sizeof(err));
	assert_non_null(t);
	tmpl_free(t);
	i18n_free();
}

/* "path?" is a value the view may lack; without "?" the strict renderer
 * (golden pages) refuses a missing one, naming it. */
static void
optional_values_are_marked(void **state)
{
	const char *page = HEAD "<k:page " NS " title=\"x\">"
	    "<p k:text=\"have\">x</p><p k:text=\"maybe?\">y</p>"
	    "<ul><li k:each=\"i in rows?\" k:text=\"i.x\">r</li></ul>%s</k:page>";
	char		 text[1024], lp[128], pp[128], err[256];
	struct view	*v = view_new(&a);
	struct abuf	 b;
	struct tmpl	*t;
	(void)state;

	view_set(v, "have", "1");
	snprintf(lp, sizeof(lp), "%s/layout.xhtml", dir);
	snprintf(pp, sizeof(pp), "%s/page.xhtml", dir);
	snprintf(text, sizeof(text), page, "");
	put("page.xhtml", text);
	assert_non_null(t = tmpl_compile(lp, pp, "p", err, sizeof(err)));
	abuf_init(&b, &a);
	assert_int_equal(tmpl_render_strict(t, v, collect, &b, err, sizeof(err)), 0);
	assert_non_null(strstr(abuf_str(&b), "<p>1</p><p></p><ul></ul>"));
	tmpl_free(t);
	snprintf(text, sizeof(text), page, "<p k:text=\"gone\">z</p>");
	put("page.xhtml", text);
	assert_non_null(t = tmpl_compile(lp, pp, "p", err, sizeof(err)));
	assert_int_equal(tmpl_render_strict(t, v, collect, &b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "gone"));
	tmpl_free(t);
	/* a lone "?" is no path */
	put("page.xhtml", HEAD "<k:page " NS " title=\"x\"><p k:text=\"?\">x</p></k:page>");
	assert_null(tmpl_compile(lp, pp, "p", err, sizeof(err)));
}

static void
project_templates_compile(void **state)
{
	struct tmpl_set	*s;
	char		 err[512];
	(void)state;

	s = tmpl_set_load("templates", err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_non_null(tmpl_get(s, "login"));
	assert_non_null(tmpl_get(s, "error"));
	assert_null(tmpl_get(s, "layout"));
	tmpl_set_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_page_marker_and_title),
		cmocka_unit_test(a_map_filled_twice_keeps_both),
		cmocka_unit_test(hostile_values_stay_text),
		cmocka_unit_test(bound_attribute_replaces_static_one),
		cmocka_unit_test(url_attributes),
		cmocka_unit_test(loops_and_conditions),
		cmocka_unit_test(compile_errors_name_file_and_line),
		cmocka_unit_test(pages_compile_in_english),
		cmocka_unit_test(optional_values_are_marked),
		cmocka_unit_test(project_templates_compile),
	};
	return cmocka_run_group_tests_name("tmpl", tests, setup, teardown);
}
