/*
 * form.c - field tables to typed values, through pcre2.
 *
 * Every pattern is compiled once, at start (anchored at both ends, UTF mode,
 * JIT), and found again by the address of the field's pattern string or
 * option table; parsing a form that was not compiled is a programmer
 * mistake.  Matching runs with match
 * and depth limits: hitting a limit rejects the field, it does not crash.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codes.h"
#include "web/form.h"
#include "base/money.h"
#include "base/utf8.h"

#define MATCH_LIMIT	100000
#define DEPTH_LIMIT	1000

static const char pat_int[] = "-?[0-9]{1,18}";
static const char pat_money[] = "[0-9][0-9,]{0,15}(?:\\.[0-9]{1,2})?";
static const char pat_date[] = "[0-9]{4}-[0-9]{2}-[0-9]{2}";
static const char pat_vcode[] = "[0-9 \\-]{1,64}";
static const char pat_card[] = "[0-9A-Za-z \\-]{1,64}";
/* Printable text (SPEC §2, §7): no control characters at all (C0, tab,
 * CR and LF included, DEL, C1), and no invisible format characters (\p{Cf}:
 * the bidi embeddings, overrides and isolates U+202A-U+202E, U+2066-U+2069,
 * the zero widths U+200B-U+200F, U+FEFF ...) or line and paragraph
 * separators, with which a name could show in the backend as something it
 * is not, or a cell of an export start a new line.  A multi-line field (a
 * reason, a list of UINs) allows LF alone, after CR LF has become LF. */
static const char pat_text[] =
    "[^\\x00-\\x1f\\x7f-\\x{9f}\\p{Cf}\\p{Zl}\\p{Zp}]*";
static const char pat_lines[] =
    "[^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x{9f}\\p{Cf}\\p{Zl}\\p{Zp}]*";

struct compiled {
	const void		*key;		/* the pattern's or options' address */
	char			*owned;		/* a pattern built from options */
	pcre2_code		*code;
	pcre2_match_data	*md;
};

static struct compiled	*cache;
static size_t		 ncache, capcache;
static pcre2_match_context *mctx;

static const void *
field_key(const struct field *f)
{
	if (f->type == FT_OPTION)
		return f->options;
	if (f->pattern != NULL)
		return f->pattern;
	switch (f->type) {
	case FT_INT:	return pat_int;
	case FT_MONEY:	return pat_money;
	case FT_DATE:	return pat_date;
	case FT_VCODE:	return pat_vcode;
	case FT_CARD:	return pat_card;
	default:	return f->multiline ? pat_lines : pat_text;
	}
}

static struct compiled *
pattern_find(const void *key)
{
	size_t i;

	for (i = 0; i < ncache; i++)
		if (cache[i].key == key)
			return &cache[i];
	return NULL;
}

/* "a|b|c" from an option table, escaped where a value has a metacharacter */
static char *
options_pattern(const struct option *o)
{
	size_t	 len = 1, i;
	char	*p, *s;

	for (i = 0; o[i].value != NULL; i++)
		len += 2 * strlen(o[i].value) + 1;
	if ((s = p = malloc(len)) == NULL)
		return NULL;
	for (i = 0; o[i].value != NULL; i++) {
		if (i > 0)
			*p++ = '|';
		for (const char *v = o[i].value; *v != '\0'; v++) {
			if (strchr("\\^$.|?*+()[]{}", *v) != NULL)
				*p++ = '\\';
			*p++ = *v;
		}
	}
	*p = '\0';
	return s;
}

static int
pattern_compile(const struct field *f, char *err, size_t errsz)
{
	const void	*key = field_key(f);
	const char	*pattern = key;
	struct compiled	*c;
	int		 rc;
	PCRE2_SIZE	 off;

	if (f->name == NULL || (f->type == FT_OPTION && f->options == NULL)) {
		snprintf(err, errsz, "a form has a field without a name or options");
		return -1;
	}
	if (pattern_find(key) != NULL)
		return 0;
	if (mctx == NULL) {
		if ((mctx = pcre2_match_context_create(NULL)) == NULL)
			goto nomem;
		pcre2_set_match_limit(mctx, MATCH_LIMIT);
		pcre2_set_depth_limit(mctx, DEPTH_LIMIT);
	}
	if (ncache == capcache) {
		size_t cap = capcache ? capcache * 2 : 32;
		if ((c = realloc(cache, cap * sizeof(*c))) == NULL)
			goto nomem;
		cache = c;
		capcache = cap;
	}
	c = &cache[ncache];
	memset(c, 0, sizeof(*c));
	c->key = key;
	if (f->type == FT_OPTION &&
	    (pattern = c->owned = options_pattern(f->options)) == NULL)
		goto nomem;
	c->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &rc, &off, NULL);
	if (c->code == NULL) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(rc, msg, sizeof(msg));
		snprintf(err, errsz, "field %s: pattern /%s/ at %zu: %s", f->name,
		    pattern, (size_t)off, (char *)msg);
		free(c->owned);
		return -1;
	}
	/* JIT is an optimisation: without it matching still works. */
	(void)pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE);
	if ((c->md = pcre2_match_data_create_from_pattern(c->code, NULL)) == NULL) {
		pcre2_code_free(c->code);
		free(c->owned);
		goto nomem;
	}
	ncache++;
	return 0;
nomem:
	snprintf(err, errsz, "out of memory compiling patterns");
	return -1;
}

int
form_compile(const struct form_def *d, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (pattern_compile(&d->fields[i], err, errsz) < 0)
			return -1;
	return 0;
}

void
form_cleanup(void)
{
	size_t i;

	for (i = 0; i < ncache; i++) {
		pcre2_match_data_free(cache[i].md);
		pcre2_code_free(cache[i].code);
		free(cache[i].owned);
	}
	free(cache);
	cache = NULL;
	ncache = capcache = 0;
	pcre2_match_context_free(mctx);
	mctx = NULL;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int
date_valid(const char *s, long long *out)
{
	static const int mdays[] = {31,29,31,30,31,30,31,31,30,31,30,31};
	int y, m, d;

	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 0;
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	*out = (long long)y * 10000 + m * 100 + d;
	return 1;
}

/* A copy of s with each CR LF as LF (in the arena), or NULL. */
static char *
crlf_to_lf(struct arena *a, const char *s)
{
	char *out = arena_strdup(a, s), *o = out;

	for (; out != NULL && *s != '\0'; s++)
		if (s[0] != '\r' || s[1] != '\n')
			*o++ = *s;
	if (out != NULL)
		*o = '\0';
	return out;
}

/* Checks one value of field f; fills v on success.  Returns KQ_OK or the
 * field's failure status. */
static enum kq_outcome
field_check(struct arena *a, const struct field *f, const char *raw,
    size_t len, struct fvalue *v)
{
	struct compiled	*c;
	char		 code[CARD_LEN > VCODE_LEN ? CARD_LEN + 1 : VCODE_LEN + 1];
	enum kq_outcome	 bad = f->type == FT_VCODE ? KQ_CODE_FORMAT :
			    f->type == FT_CARD ? KQ_CARD_FORMAT : KQ_INVALID_FIELD;
	int64_t		 cents;
	char		*end;

	if (strlen(raw) != len || !utf8_text_valid(raw, len))
		return bad;
	if (f->type == FT_TEXT && f->multiline && strchr(raw, '\r') != NULL) {
		if ((raw = crlf_to_lf(a, raw)) == NULL)
			return KQ_UNAVAILABLE;
		len = strlen(raw);	/* a lone CR stays, and fails */
	}
	if ((c = pattern_find(field_key(f))) == NULL)
		abort();	/* programmer mistake: the form was not compiled */
	if (pcre2_match(c->code, (PCRE2_SPTR)raw, len, 0, 0, c->md, mctx) < 0)
		return bad;	/* no match, or a limit was hit */

	v->s = raw;
	switch (f->type) {
	case FT_TEXT:
		if (utf8_chars(raw) > (f->maxlen ? f->maxlen : 200))
			return bad;
		break;
	case FT_INT:
		errno = 0;
		v->i = strtoll(raw, &end, 10);
		if (errno != 0 || *end != '\0' ||
		    ((f->min || f->max) && (v->i < f->min || v->i > f->max)))
			return bad;
		break;
	case FT_MONEY:
		if (money_parse(raw, &cents) < 0)
			return bad;
		v->i = cents;
		break;
	case FT_DATE:
		if (!date_valid(raw, &v->i))
			return bad;
		break;
	case FT_OPTION:
		for (v->i = 0; strcmp(f->options[v->i].value, raw) != 0; v->i++)
			;	/* the pattern matched: it is there */
		break;
	case FT_VCODE:
		if (vcode_normalize(raw, code) < 0)
			return bad;
		if ((v->s = arena_strdup(a, code)) == NULL)
			return KQ_UNAVAILABLE;
		break;
	case FT_CARD:
		if (card_normalize(raw, code) < 0)
			return bad;
		if ((v->s = arena_strdup(a, code)) == NULL)
			return KQ_UNAVAILABLE;
		break;
	}
	return KQ_OK;
}

enum kq_outcome
form_parse(struct arena *a, const struct form_def *d, const struct params *p,
    struct form *out)
{
	const struct field *t = d->fields;
	enum kq_outcome	 st, first = KQ_OK;
	struct fvalue	*v;
	size_t		 i, j, count, n = d->n;

	out->def = d;
	out->bad = NULL;
	if ((out->v = arena_zalloc(a, n * sizeof(*out->v))) == NULL)
		return KQ_UNAVAILABLE;

	for (i = 0; i < n; i++) {
		v = &out->v[i];
		count = 0;
		for (j = 0; j < p->n; j++)
			if (strcmp(p->v[j].name, t[i].name) == 0 &&
			    p->v[j].len > 0)
				count++;
		if (count > 1 && !t[i].repeated)
			count = 1;	/* first value wins, as params_get */
		if (count && (v->list = arena_alloc(a, count * sizeof(char *))) == NULL)
			return KQ_UNAVAILABLE;
		for (j = 0; j < p->n && v->nlist < count; j++) {
			struct fvalue tmp = { 0 };

			if (strcmp(p->v[j].name, t[i].name) != 0 || p->v[j].len == 0)
				continue;
			if (v->raw == NULL)
				v->raw = p->v[j].value;
			st = field_check(a, &t[i], p->v[j].value, p->v[j].len, &tmp);
			if (st == KQ_UNAVAILABLE)
				return st;
			if (st != KQ_OK) {
				v->err = st;
				if (first == KQ_OK) {
					first = st;
					out->bad = t[i].name;
				}
				break;
			}
			if (v->nlist == 0) {
				v->present = 1;
				v->s = tmp.s;
				v->i = tmp.i;
			}
			v->list[v->nlist++] = tmp.s;
		}
		if (v->raw == NULL)
			v->raw = "";
		if (!v->present && t[i].required && v->err == KQ_OK) {
			v->err = t[i].type == FT_VCODE ? KQ_CODE_FORMAT :
			    t[i].type == FT_CARD ? KQ_CARD_FORMAT : KQ_INVALID_FIELD;
			v->missing = 1;
			if (first == KQ_OK) {
				first = v->err;
				out->bad = t[i].name;
			}
		}
	}
	return first;
}

long long
form_int(const struct form *f, int field, long long dflt)
{
	return f->v[field].present ? f->v[field].i : dflt;
}

const char *
form_str(const struct form *f, int field, const char *dflt)
{
	return f->v[field].present ? f->v[field].s : dflt;
}

char *
form_join(struct arena *a, const struct form *f, int field)
{
	const struct fvalue	*v = &f->v[field];
	struct abuf		 b;
	size_t			 i;

	abuf_init(&b, a);
	for (i = 0; i < v->nlist; i++) {
		if (i)
			abuf_putc(&b, ',');
		abuf_puts(&b, v->list[i]);
	}
	return abuf_str(&b);
}

void
params_init(struct params *p)
{
	p->v = NULL;
	p->n = p->cap = 0;
}

int
params_add(struct params *p, struct arena *a, const char *name,
    const char *value, size_t len)
{
	struct param *nv;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		if ((nv = arena_alloc(a, cap * sizeof(*nv))) == NULL)
			return -1;
		if (p->n)
			memcpy(nv, p->v, p->n * sizeof(*nv));
		p->v = nv;
		p->cap = cap;
	}
	p->v[p->n].name = name;
	p->v[p->n].value = value;
	p->v[p->n].len = len;
	p->n++;
	return 0;
}

const char *
params_get(const struct params *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return p->v[i].value;
	return NULL;
}
