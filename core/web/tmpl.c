/*
 * tmpl.c - the template compiler (libxml2) and the template sets.
 *
 * Compiling walks the parsed DOM once and flattens it into a list of ops:
 * static markup already serialized and escaped (OP_RAW), a value written as
 * text (OP_TEXT) or as an attribute (OP_ATTR), and jumps for k:if and
 * k:each.  Rendering (render.c) is a loop over that list that streams to a
 * writer; it never builds a DOM and never concatenates a value into markup.
 *
 * Parsing uses XML_PARSE_NONET and never NOENT/DTDLOAD (no external
 * entities).  Output is HTML5 syntax: void elements without end tags, every
 * other element with one, so "<div/>" cannot swallow the rest of the page.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "web/tmpl.h"
#include "web/tmpl_int.h"
#include "base/utf8.h"

#define K_NS		"urn:kaquan:template"
#define MAX_INCLUDE	4	/* nested k:include */

struct compiler {
	struct tmpl	*t;
	const char	*file;		/* for errors */
	int		 layout;	/* compiling the layout: k:slot allowed */
	int		 slots;
	char		 dir[4096];	/* where partials are: DIR/_NAME.xhtml */
	int		 includes;	/* k:include nesting */
	int		 in_raw;	/* inside <script> or <style> */
	size_t		 barrier;	/* ops before this are jump targets' past:
					   static text may not merge into them */
	char		*err;
	size_t		 errsz;
	int		 failed;
	enum lang	 lang;		/* the texts are put in this language */
};

static const char *void_elements[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
	"meta", "source", "track", "wbr", NULL
};

static const char *url_attrs[] = {
	"href", "src", "action", "formaction", "poster", "cite", "background",
	NULL
};

static int
in_list(const char **list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* --------------------------------------------------------------- compiling */

static void
cerror(struct compiler *c, xmlNodePtr node, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (c->failed)
		return;
	c->failed = 1;
	n = snprintf(c->err, c->errsz, "%s:%ld: ", c->file,
	    node ? xmlGetLineNo(node) : 0L);
	if (n < 0 || (size_t)n >= c->errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errsz - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Whether s has Chinese (CJK ideographs, CJK punctuation, full-width
 * forms): the texts a catalog translates. */
static int
has_cjk(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p >= 0xe3 && *p <= 0xe9) || (*p == 0xef && p[1] >= 0xbc &&
		    p[1] <= 0xbf))
			return 1;
	return 0;
}

/* A field's label as a label reads, where the same words in a sentence
 * read otherwise ("至" is "To" before a date field, "to" between two
 * dates): the catalog's "字段|words", for a text right inside <label>. */
static const char *
label_words(struct compiler *c, xmlNodePtr n, const char *key)
{
	char		 ctx[256];

	if (n->type != XML_TEXT_NODE || n->parent == NULL ||
	    xmlStrcmp(n->parent->name, BAD_CAST "label") != 0 ||
	    snprintf(ctx, sizeof(ctx), "字段|%s", key) >= (int)sizeof(ctx))
		return NULL;
	return i18n_find(c->lang, ctx);
}

/* s in the compiler's language: a text of the template with Chinese is
 * looked up trimmed, its surrounding whitespace kept; a text the catalog
 * lacks stops the compile.  NULL after an error; else s, or a string the
 * caller frees (*owned). */
static const char *
translate(struct compiler *c, xmlNodePtr n, const char *s, char **owned)
{
	const char	*t;
	char		*key;
	size_t		 lead, len;

	*owned = NULL;
	if (c->lang == LANG_ZH || !has_cjk(s))
		return s;
	lead = strspn(s, " \t\r\n");
	len = strlen(s + lead);
	while (len > 0 && strchr(" \t\r\n", s[lead + len - 1]) != NULL)
		len--;
	if ((key = strndup(s + lead, len)) == NULL) {
		cerror(c, n, "out of memory");
		return NULL;
	}
	if ((t = label_words(c, n, key)) == NULL &&
	    (t = i18n_find(c->lang, key)) == NULL) {
		cerror(c, n, "no %s text in i18n/%s.tsv for \"%s\"",
		    lang_names[c->lang], lang_names[c->lang], key);
		free(key);
		return NULL;
	}
	free(key);
	if (asprintf(owned, "%.*s%s%s", (int)lead, s, t, s + lead + len) < 0) {
		*owned = NULL;
		cerror(c, n, "out of memory");
		return NULL;
	}
	return *owned;
}

/* The attributes whose static values are words to translate. */
static const char *word_attrs[] = {
	"title", "placeholder", "aria-label", "alt", "data-label", NULL
};

static struct op *
emit(struct compiler *c, enum op_kind kind)
{
	struct op *ops;

	if (c->t->nops == c->t->cap) {
		size_t cap = c->t->cap ? c->t->cap * 2 : 64;
		if ((ops = realloc(c->t->ops, cap * sizeof(*ops))) == NULL) {
			cerror(c, NULL, "out of memory");
			return NULL;
		}
		c->t->ops = ops;
		c->t->cap = cap;
	}
	ops = &c->t->ops[c->t->nops++];
	memset(ops, 0, sizeof(*ops));
	ops->kind = kind;
	return ops;
}

/* Appends static markup, merging with a preceding RAW op. */
static void
emit_raw(struct compiler *c, const char *s, size_t len)
{
	struct op	*op;
	char		*p;

	if (len == 0 || c->failed)
		return;
	if (c->t->nops > c->barrier && c->t->ops[c->t->nops - 1].kind == OP_RAW)
		op = &c->t->ops[c->t->nops - 1];
	else if ((op = emit(c, OP_RAW)) == NULL)
		return;
	if ((p = realloc(op->s, op->len + len + 1)) == NULL) {
		cerror(c, NULL, "out of memory");
		return;
	}
	memcpy(p + op->len, s, len);
	op->len += len;
	p[op->len] = '\0';
	op->s = p;
}

static int
raw_writer(void *ctx, const char *s, size_t len)
{
	emit_raw(ctx, s, len);
	return 0;
}

static void
emit_escaped(struct compiler *c, const char *s, enum esc_mode mode)
{
	tmpl_escape(s, mode, raw_writer, c);
}

/* A path is name(.name)*; k:if may prefix it with '!'. */
static int
path_valid(const char *p)
{
	int start = 1;

	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (start)
				return 0;
			start = 1;
			continue;
		}
		if (!(isalpha((unsigned char)*p) || *p == '_' ||
		    (!start && isdigit((unsigned char)*p))))
			return 0;
		start = 0;
	}
	return !start;
}

/* A k:text's op: the value at path, as text; "path?" marks a value the
 * view may lack (an optional one: not logged by tmpl_check_views). */
static void
emit_text(struct compiler *c, xmlNodePtr n, const char *k_text)
{
	char		 path[128];
	size_t		 len = strlen(k_text);
	int		 optional = len > 1 && k_text[len - 1] == '?';
	struct op	*op;

	snprintf(path, sizeof(path), "%.*s", (int)(len - optional), k_text);
	if (len >= sizeof(path) || !path_valid(path))
		cerror(c, n, "k:text: bad path \"%s\"", k_text);
	else if ((op = emit(c, OP_TEXT)) != NULL) {
		op->s = strdup(path);
		op->flag = optional;
	}
}

static int
is_k(xmlNodePtr n)
{
	return n->ns != NULL && strcmp((const char *)n->ns->href, K_NS) == 0;
}

static int
attr_is_k(xmlAttrPtr a)
{
	return a->ns != NULL && strcmp((const char *)a->ns->href, K_NS) == 0;
}

static char *
k_attr(xmlNodePtr n, const char *name)
{
	return (char *)xmlGetNsProp(n, (const xmlChar *)name,
	    (const xmlChar *)K_NS);
}

static void compile_children(struct compiler *, xmlNodePtr);

/* Whether k:attr="name path; ..." binds attribute NAME. */
static int
attr_bound(const char *spec, const char *name)
{
	size_t		 len = strlen(name);
	const char	*p = spec;

	for (;;) {
		p += strspn(p, " \t\n;");
		if (*p == '\0')
			return 0;
		if (strncmp(p, name, len) == 0 && (p[len] == ' ' || p[len] == '\t'))
			return 1;
		if ((p = strchr(p, ';')) == NULL)
			return 0;
	}
}

/* k:attr="name path; name path" */
static void
compile_attr_bindings(struct compiler *c, xmlNodePtr n, const char *spec)
{
	char	*copy, *item, *save = NULL, name[64], path[128];
	struct op *op;

	if ((copy = strdup(spec)) == NULL) {
		cerror(c, n, "out of memory");
		return;
	}
	for (item = strtok_r(copy, ";", &save); item != NULL;
	    item = strtok_r(NULL, ";", &save)) {
		char extra[2];

		if (sscanf(item, " %63s %127s %1s", name, path, extra) != 2 ||
		    !path_valid(path)) {
			cerror(c, n, "k:attr: expected \"name path\", got \"%s\"", item);
			break;
		}
		if (strncmp(name, "on", 2) == 0 || strcmp(name, "style") == 0) {
			cerror(c, n, "k:attr: values may not enter \"%s\"", name);
			break;
		}
		if ((op = emit(c, OP_ATTR)) == NULL)
			break;
		op->name = strdup(name);
		op->s = strdup(path);
		op->flag = in_list(url_attrs, name);
		if (op->name == NULL || op->s == NULL)
			cerror(c, n, "out of memory");
	}
	free(copy);
}

/*
 * Field errors (issue 9): an <input>, <select> or <textarea> with a static
 * name N gets aria-invalid and aria-describedby from the view's _err.N, and
 * after it the message, so every form marks its failing fields without a
 * line in its template.  A radio button or checkbox is marked but carries
 * no message (a group would repeat it): its group's element names it with
 * k:error="N".
 */
static char *
field_name(xmlNodePtr n, const char *tag, int *with_message)
{
	char	*name, *type;

	*with_message = 0;
	if (strcmp(tag, "input") && strcmp(tag, "select") && strcmp(tag, "textarea"))
		return NULL;
	if ((name = (char *)xmlGetNoNsProp(n, (const xmlChar *)"name")) == NULL)
		return NULL;
	if (!path_valid(name) || strchr(name, '.') || strlen(name) > 64) {
		xmlFree(name);
		return NULL;
	}
	type = (char *)xmlGetNoNsProp(n, (const xmlChar *)"type");
	if (type != NULL && strcmp(type, "hidden") == 0) {
		xmlFree(type);
		xmlFree(name);
		return NULL;
	}
	*with_message = type == NULL || (strcmp(type, "radio") &&
	    strcmp(type, "checkbox"));
	xmlFree(type);
	return name;
}

static void
emit_field_attrs(struct compiler *c, xmlNodePtr n, const char *name)
{
	static const char *const attrs[][2] = {
		{ "aria-invalid", "invalid" }, { "aria-describedby", "id" },
	};
	struct op	*op;
	char		 path[96];
	size_t		 i;

	for (i = 0; i < 2; i++) {
		if ((op = emit(c, OP_ATTR)) == NULL)
			return;
		snprintf(path, sizeof(path), "_err.%s.%s", name, attrs[i][1]);
		op->name = strdup(attrs[i][0]);
		op->s = strdup(path);
		if (op->name == NULL || op->s == NULL)
			cerror(c, n, "out of memory");
	}
}

/* <span class="field-error" id="err-N">message</span> when _err.N is set. */
#define FIELD_ERROR_OPEN	"<span class=\"field-error\" id=\"err-"
static void
emit_field_message(struct compiler *c, xmlNodePtr n, const char *name)
{
	struct op	*op;
	size_t		 at;
	char		 path[96];

	snprintf(path, sizeof(path), "_err.%s", name);
	if ((op = emit(c, OP_IF)) == NULL || (op->s = strdup(path)) == NULL) {
		cerror(c, n, "out of memory");
		return;
	}
	at = c->t->nops - 1;
	emit_raw(c, FIELD_ERROR_OPEN, sizeof(FIELD_ERROR_OPEN) - 1);
	emit_raw(c, name, strlen(name));
	emit_raw(c, "\">", 2);
	snprintf(path, sizeof(path), "_err.%s.msg", name);
	if ((op = emit(c, OP_TEXT)) == NULL || (op->s = strdup(path)) == NULL) {
		cerror(c, n, "out of memory");
		return;
	}
	emit_raw(c, "</span>", 7);
	if (!c->failed) {
		c->t->ops[at].jump = c->t->nops;
		c->barrier = c->t->nops;
	}
}

static void
compile_element(struct compiler *c, xmlNodePtr n)
{
	const char	*tag = (const char *)n->name;
	char		*k_if, *k_each, *k_text, *k_attrs, *k_error, *field;
	size_t		 if_at = 0, each_at = 0;
	xmlAttrPtr	 a;
	struct op	*op;
	int		 is_void, was_raw = c->in_raw, with_message;

	k_if = k_attr(n, "if");
	k_each = k_attr(n, "each");
	k_text = k_attr(n, "text");
	k_attrs = k_attr(n, "attr");
	k_error = k_attr(n, "error");
	field = is_k(n) ? NULL : field_name(n, tag, &with_message);

	for (a = n->properties; a != NULL; a = a->next)
		if (attr_is_k(a) && strcmp((const char *)a->name, "if") &&
		    strcmp((const char *)a->name, "each") &&
		    strcmp((const char *)a->name, "text") &&
		    strcmp((const char *)a->name, "attr") &&
		    strcmp((const char *)a->name, "error"))
			cerror(c, n, "unknown attribute k:%s", a->name);
	if (k_error != NULL && (!path_valid(k_error) || strchr(k_error, '.') ||
	    strlen(k_error) > 64))
		cerror(c, n, "k:error: bad field name \"%s\"", k_error);
	if ((c->in_raw || strcmp(tag, "script") == 0 || strcmp(tag, "style") == 0)
	    && (k_if || k_each || k_text || k_attrs))
		cerror(c, n, "no values inside <script> or <style>");

	if (k_each != NULL) {
		char var[64], in[4], path[128], extra[2];

		size_t	len = 0;
		int	got, optional = 0;

		got = sscanf(k_each, " %63s %3s %127s %1s", var, in, path, extra);
		if (got == 3 && (len = strlen(path)) > 1 && path[len - 1] == '?') {
			path[len - 1] = '\0';	/* "path?": a list the view may lack */
			optional = 1;
		}
		if (got != 3 || strcmp(in, "in") || !path_valid(var) ||
		    strchr(var, '.') || !path_valid(path))
			cerror(c, n, "k:each: expected \"item in path\", got \"%s\"", k_each);
		else if ((op = emit(c, OP_EACH)) != NULL) {
			each_at = c->t->nops - 1;
			op->name = strdup(var);
			op->s = strdup(path);
			op->flag = optional;
		}
	}
	if (k_if != NULL) {
		const char *p = k_if[0] == '!' ? k_if + 1 : k_if;

		if (!path_valid(p))
			cerror(c, n, "k:if: bad path \"%s\"", k_if);
		else if ((op = emit(c, OP_IF)) != NULL) {
			if_at = c->t->nops - 1;
			op->s = strdup(p);
			op->flag = k_if[0] == '!';
		}
	}

	if (is_k(n)) {
		if (strcmp(tag, "block") != 0)
			cerror(c, n, "unknown element k:%s", tag);
		if (k_attrs != NULL)
			cerror(c, n, "k:block has no attributes to set");
		if (k_text == NULL)
			compile_children(c, n);
		else
			emit_text(c, n, k_text);
		goto close;
	}

	is_void = in_list(void_elements, tag);
	if (strcmp(tag, "script") == 0 || strcmp(tag, "style") == 0)
		c->in_raw = 1;
	emit_raw(c, "<", 1);
	emit_raw(c, tag, strlen(tag));
	for (a = n->properties; a != NULL; a = a->next) {
		char		*val, *owned = NULL;
		const char	*words;

		/* the bound ones where k:attr is written: attributes come out
		 * in the order the template writes them */
		if (attr_is_k(a) && strcmp((const char *)a->name, "attr") == 0)
			compile_attr_bindings(c, n, k_attrs);
		/* a bound attribute replaces the mock-up's static one */
		if (attr_is_k(a) || (k_attrs != NULL &&
		    attr_bound(k_attrs, (const char *)a->name)))
			continue;
		val = (char *)xmlNodeListGetString(n->doc, a->children, 1);
		words = val ? val : "";
		if (in_list(word_attrs, (const char *)a->name) &&
		    (words = translate(c, n, words, &owned)) == NULL) {
			xmlFree(val);
			break;
		}
		emit_raw(c, " ", 1);
		emit_raw(c, (const char *)a->name, strlen((const char *)a->name));
		emit_raw(c, "=\"", 2);
		emit_escaped(c, words, ESC_ATTR);
		emit_raw(c, "\"", 1);
		free(owned);
		xmlFree(val);
	}
	if (field != NULL)
		emit_field_attrs(c, n, field);
	emit_raw(c, ">", 1);
	if (is_void) {
		if (n->children != NULL || k_text != NULL)
			cerror(c, n, "<%s> cannot have content", tag);
		goto close;
	}
	if (k_text != NULL)
		emit_text(c, n, k_text);
	else
		compile_children(c, n);
	emit_raw(c, "</", 2);
	emit_raw(c, tag, strlen(tag));
	emit_raw(c, ">", 1);

close:
	c->in_raw = was_raw;
	if (field != NULL && with_message)
		emit_field_message(c, n, field);
	else if (k_error != NULL && !c->failed)
		emit_field_message(c, n, k_error);
	if (!c->failed && k_if != NULL) {
		c->t->ops[if_at].jump = c->t->nops;
		c->barrier = c->t->nops;
	}
	if (!c->failed && k_each != NULL && (op = emit(c, OP_NEXT)) != NULL) {
		op->jump = each_at;
		c->t->ops[each_at].jump = c->t->nops;
	}
	xmlFree(k_if);
	xmlFree(k_each);
	xmlFree(k_text);
	xmlFree(k_attrs);
	xmlFree(k_error);
	xmlFree(field);
}

static xmlDocPtr parse(const char *, char *, size_t);

/* <k:include src="NAME"/>: the children of DIR/_NAME.xhtml's <k:partial>,
 * compiled in place (a form two pages share, the CSRF input). */
static void
compile_include(struct compiler *c, xmlNodePtr n)
{
	char		*src = (char *)xmlGetProp(n, (const xmlChar *)"src");
	char		 path[4200];
	const char	*file = c->file;
	xmlDocPtr	 doc;
	xmlNodePtr	 root;

	if (src == NULL || *src == '\0' || strspn(src, "abcdefghijklmnopqrstuvwxyz_")
	    != strlen(src)) {
		cerror(c, n, "k:include: src must name a partial ([a-z_]+)");
		xmlFree(src);
		return;
	}
	if (c->includes == MAX_INCLUDE) {
		cerror(c, n, "k:include: nested too deep");
		xmlFree(src);
		return;
	}
	snprintf(path, sizeof(path), "%s/_%s.xhtml", c->dir, src);
	xmlFree(src);
	if ((doc = parse(path, c->err, c->errsz)) == NULL) {
		c->failed = 1;
		return;
	}
	root = xmlDocGetRootElement(doc);
	c->file = path;
	if (root == NULL || !is_k(root) || strcmp((const char *)root->name, "partial"))
		cerror(c, root, "the root element must be <k:partial>");
	else {
		c->includes++;
		compile_children(c, root);
		c->includes--;
	}
	c->file = file;
	xmlFreeDoc(doc);
}

static void
compile_node(struct compiler *c, xmlNodePtr n)
{
	const char	*s;
	char		*owned;

	switch (n->type) {
	case XML_ELEMENT_NODE:
		if (is_k(n) && strcmp((const char *)n->name, "slot") == 0) {
			if (!c->layout || c->slots++ > 0) {
				cerror(c, n, "k:slot: one, in the layout only");
				return;
			}
			if (emit(c, OP_SLOT) != NULL)
				c->barrier = c->t->nops;
			return;
		}
		if (is_k(n) && strcmp((const char *)n->name, "include") == 0) {
			compile_include(c, n);
			return;
		}
		compile_element(c, n);
		break;
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		s = (const char *)n->content;
		if (s == NULL)
			break;
		/* whitespace-only runs between tags shrink to one newline */
		if (strspn(s, " \t\r\n") == strlen(s)) {
			if (strchr(s, '\n') != NULL)
				emit_raw(c, "\n", 1);
			else if (*s != '\0')
				emit_raw(c, " ", 1);
			break;
		}
		if (c->in_raw)
			emit_raw(c, s, strlen(s));	/* our own script/style */
		else if ((s = translate(c, n, s, &owned)) != NULL) {
			emit_escaped(c, s, ESC_TEXT);
			free(owned);
		}
		break;
	case XML_ENTITY_REF_NODE:
		cerror(c, n, "entity &%s; is not allowed (use a character reference)",
		    n->name);
		break;
	default:
		break;	/* comments, processing instructions */
	}
}

static void
compile_children(struct compiler *c, xmlNodePtr n)
{
	for (n = n->children; n != NULL && !c->failed; n = n->next)
		compile_node(c, n);
}

static void
silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static xmlDocPtr
parse(const char *path, char *err, size_t errsz)
{
	xmlDocPtr	 doc;
	const xmlError	*e;

	xmlSetGenericErrorFunc(NULL, silent);
	xmlResetLastError();
	doc = xmlReadFile(path, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		e = xmlGetLastError();
		snprintf(err, errsz, "%s:%d: %s", path, e ? e->line : 0,
		    e && e->message ? e->message : "cannot parse\n");
		/* libxml2 messages end in a newline */
		err[strcspn(err, "\n")] = '\0';
	}
	return doc;
}

void
tmpl_free(struct tmpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nops; i++) {
		free(t->ops[i].s);
		free(t->ops[i].name);
	}
	free(t->ops);
	free(t->name);
	free(t->title);
	tmpl_free(t->own_layout);
	free(t);
}

static void
compiler_init(struct compiler *c, const char *path, const char *name,
    enum lang lang, char *err, size_t errsz)
{
	memset(c, 0, sizeof(*c));
	c->err = err;
	c->errsz = errsz;
	c->lang = lang;
	c->file = path;
	/* partials sit beside the file */
	snprintf(c->dir, sizeof(c->dir), "%.*s", (int)(strrchr(path, '/') ?
	    strrchr(path, '/') - path : 1), strrchr(path, '/') ? path : ".");
	if ((c->t = calloc(1, sizeof(*c->t))) == NULL ||
	    (c->t->name = strdup(name)) == NULL) {
		snprintf(err, errsz, "out of memory");
		c->failed = 1;
	}
}

/* The compiled ops at their final size: no growth room kept per page. */
static void
compiler_done(struct compiler *c)
{
	struct op *ops;

	if (c->t->nops > 0 && c->t->nops < c->t->cap &&
	    (ops = realloc(c->t->ops, c->t->nops * sizeof(*ops))) != NULL) {
		c->t->ops = ops;
		c->t->cap = c->t->nops;
	}
}

/* The layout in one language, its k:slot where a page goes. */
static struct tmpl *
layout_compile(const char *path, enum lang lang, char *err, size_t errsz)
{
	struct compiler	 c;
	xmlDocPtr	 doc;
	xmlNodePtr	 root;

	compiler_init(&c, path, "layout", lang, err, errsz);
	c.layout = 1;
	if (c.failed || (doc = parse(path, err, errsz)) == NULL) {
		tmpl_free(c.t);
		return NULL;
	}
	emit_raw(&c, "<!DOCTYPE html>\n", 16);
	if ((root = xmlDocGetRootElement(doc)) != NULL)
		compile_node(&c, root);
	if (!c.failed && c.slots != 1)
		cerror(&c, root, "the layout needs its <k:slot/>");
	xmlFreeDoc(doc);
	if (c.failed) {
		tmpl_free(c.t);
		return NULL;
	}
	compiler_done(&c);
	return c.t;
}

/* A page in one language, to be rendered inside layout. */
static struct tmpl *
page_compile(const struct tmpl *layout, const char *page_path,
    const char *name, enum lang lang, char *err, size_t errsz)
{
	struct compiler	 c;
	xmlDocPtr	 page;
	xmlNodePtr	 root;
	char		*title, *owned;
	const char	*words;

	compiler_init(&c, page_path, name, lang, err, errsz);
	if (c.failed || (page = parse(page_path, err, errsz)) == NULL) {
		tmpl_free(c.t);
		return NULL;
	}
	c.t->layout = layout;
	root = xmlDocGetRootElement(page);
	if (root == NULL || !is_k(root) || strcmp((const char *)root->name, "page")) {
		cerror(&c, root, "the root element must be <k:page>");
		goto fail;
	}
	title = (char *)xmlGetProp(root, (const xmlChar *)"title");
	words = translate(&c, root, title ? title : "", &owned);
	c.t->title = words ? strdup(words) : NULL;
	free(owned);
	xmlFree(title);
	if (c.t->title == NULL) {
		if (!c.failed)
			snprintf(err, errsz, "out of memory");
		goto fail;
	}
	compile_children(&c, root);
	if (c.failed)
		goto fail;
	xmlFreeDoc(page);
	compiler_done(&c);
	return c.t;
fail:
	xmlFreeDoc(page);
	tmpl_free(c.t);
	return NULL;
}

struct tmpl *
tmpl_compile(const char *layout_path, const char *page_path, const char *name,
    char *err, size_t errsz)
{
	return tmpl_compile_lang(layout_path, page_path, name, LANG_ZH, err, errsz);
}

struct tmpl *
tmpl_compile_lang(const char *layout_path, const char *page_path,
    const char *name, enum lang lang, char *err, size_t errsz)
{
	struct tmpl *layout, *t;

	if ((layout = layout_compile(layout_path, lang, err, errsz)) == NULL)
		return NULL;
	if ((t = page_compile(layout, page_path, name, lang, err, errsz)) == NULL) {
		tmpl_free(layout);
		return NULL;
	}
	t->own_layout = layout;
	return t;
}

/* --------------------------------------------------------------- template sets */

void
tmpl_set_free(struct tmpl_set *s)
{
	size_t	i;
	int	l;

	if (s == NULL)
		return;
	for (l = 0; l < LANG__MAX; l++) {
		for (i = 0; i < s->n && s->v[l] != NULL; i++)
			tmpl_free(s->v[l][i]);
		free(s->v[l]);
		tmpl_free(s->layout[l]);
	}
	free(s);
}

/* One page in every language, added to the set. */
static int
set_add(struct tmpl_set *s, const char *page, const char *name, char *err,
    size_t errsz)
{
	struct tmpl	*t[LANG__MAX] = { NULL }, **v;
	int		 l;

	for (l = 0; l < LANG__MAX; l++)
		if ((t[l] = page_compile(s->layout[l], page, name, (enum lang)l,
		    err, errsz)) == NULL)
			goto fail;
	for (l = 0; l < LANG__MAX; l++) {
		if ((v = realloc(s->v[l], (s->n + 1) * sizeof(*v))) == NULL) {
			snprintf(err, errsz, "out of memory");
			goto fail;
		}
		s->v[l] = v;
	}
	for (l = 0; l < LANG__MAX; l++)
		s->v[l][s->n] = t[l];
	s->n++;
	return 0;
fail:
	for (l = 0; l < LANG__MAX; l++)
		tmpl_free(t[l]);
	return -1;
}

struct tmpl_set *
tmpl_set_load(const char *dir, char *err, size_t errsz)
{
	struct tmpl_set	*s;
	struct dirent	*de;
	DIR		*d;
	char		 layout[4096], page[4096], name[256];
	size_t		 len;
	int		 l;

	if (i18n_load(dir, err, errsz) < 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	snprintf(layout, sizeof(layout), "%s/layout.xhtml", dir);
	for (l = 0; l < LANG__MAX; l++)
		if ((s->layout[l] = layout_compile(layout, (enum lang)l, err,
		    errsz)) == NULL) {
			tmpl_set_free(s);
			return NULL;
		}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errsz, "%s: cannot open template directory", dir);
		tmpl_set_free(s);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 7 || len - 6 >= sizeof(name) || de->d_name[0] == '_' ||
		    strcmp(de->d_name + len - 6, ".xhtml") ||
		    strcmp(de->d_name, "layout.xhtml") == 0)
			continue;
		memcpy(name, de->d_name, len - 6);
		name[len - 6] = '\0';
		snprintf(page, sizeof(page), "%s/%s", dir, de->d_name);
		if (set_add(s, page, name, err, errsz) < 0)
			goto fail;
	}
	closedir(d);
	return s;
fail:
	closedir(d);
	tmpl_set_free(s);
	return NULL;
}

const struct tmpl *
tmpl_get(const struct tmpl_set *s, const char *page)
{
	size_t		i;
	enum lang	l = i18n_current();

	for (i = 0; s != NULL && i < s->n; i++)
		if (strcmp(s->v[l][i]->name, page) == 0)
			return s->v[l][i];
	return NULL;
}

size_t
tmpl_count(const struct tmpl_set *s)
{
	return s ? s->n : 0;
}
