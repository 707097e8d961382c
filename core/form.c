/*
 * form.c - field tables to typed values, through pcre2.
 *
 * Every pattern is compiled once (anchored at both ends, UTF mode, JIT) and
 * cached by the address of the table entry's pattern string, so a handler's
 * table is compiled on first use and never again.  Matching runs with match
 * and depth limits: hitting a limit rejects the field, it does not crash.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "form.h"
#include "money.h"
#include "utf8.h"

#define MATCH_LIMIT	100000
#define DEPTH_LIMIT	1000

static const char pat_int[] = "-?[0-9]{1,18}";
static const char pat_money[] = "[0-9][0-9,]{0,15}(?:\\.[0-9]{1,2})?";
static const char pat_date[] = "[0-9]{4}-[0-9]{2}-[0-9]{2}";
static const char pat_vcode[] = "[0-9 \\-]{1,64}";
static const char pat_card[] = "[0-9A-Za-z \\-]{1,64}";
/* Printable text: no C0 controls but tab/newline, no DEL. */
static const char pat_text[] = "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*";

struct compiled {
	const char		*pattern;	/* key: the string's address */
	pcre2_code		*code;
	pcre2_match_data	*md;
};

static struct compiled	*cache;
static size_t		 ncache, capcache;
static pcre2_match_context *mctx;

static const char *
field_pattern(const struct field *f)
{
	if (f->pattern != NULL)
		return f->pattern;
	switch (f->type) {
	case FT_INT:	return pat_int;
	case FT_MONEY:	return pat_money;
	case FT_DATE:	return pat_date;
	case FT_VCODE:	return pat_vcode;
	case FT_CARD:	return pat_card;
	default:	return pat_text;
	}
}

static struct compiled *
pattern_get(const char *pattern, char *err, size_t errsz)
{
	struct compiled	*c;
	int		 rc;
	PCRE2_SIZE	 off;
	size_t		 i;

	for (i = 0; i < ncache; i++)
		if (cache[i].pattern == pattern)
			return &cache[i];
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
	c->pattern = pattern;
	c->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &rc, &off, NULL);
	if (c->code == NULL) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(rc, msg, sizeof(msg));
		snprintf(err, errsz, "pattern /%s/ at %zu: %s", pattern,
		    (size_t)off, (char *)msg);
		return NULL;
	}
	/* JIT is an optimisation: without it matching still works. */
	(void)pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE);
	if ((c->md = pcre2_match_data_create_from_pattern(c->code, NULL)) == NULL) {
		pcre2_code_free(c->code);
		goto nomem;
	}
	ncache++;
	return c;
nomem:
	snprintf(err, errsz, "out of memory compiling patterns");
	return NULL;
}

int
form_compile(const struct field *t, size_t n, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pattern_get(field_pattern(&t[i]), err, errsz) == NULL)
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

/* Checks one value of field f; fills v on success.  Returns KQ_OK or the
 * field's failure status. */
static enum kq_status
field_check(struct arena *a, const struct field *f, const char *raw,
    size_t len, struct fvalue *v)
{
	struct compiled	*c;
	char		 err[200], code[CARD_LEN > VCODE_LEN ? CARD_LEN + 1 : VCODE_LEN + 1];
	enum kq_status	 bad = f->type == FT_VCODE ? KQ_CODE_FORMAT :
			    f->type == FT_CARD ? KQ_CARD_FORMAT : KQ_INVALID_FIELD;
	int64_t		 cents;
	char		*end;

	if (strlen(raw) != len || !utf8_text_valid(raw, len))
		return bad;
	if ((c = pattern_get(field_pattern(f), err, sizeof(err))) == NULL)
		return KQ_UNAVAILABLE;
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

enum kq_status
form_parse(struct arena *a, const struct field *t, size_t n,
    const struct params *p, struct form *out)
{
	enum kq_status	 st, first = KQ_OK;
	struct fvalue	*v;
	size_t		 i, j, count;

	out->fields = t;
	out->n = n;
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
		if (!v->present && t[i].required && first == KQ_OK) {
			first = t[i].type == FT_VCODE ? KQ_CODE_FORMAT :
			    t[i].type == FT_CARD ? KQ_CARD_FORMAT : KQ_INVALID_FIELD;
			out->bad = t[i].name;
		}
	}
	return first;
}

const struct fvalue *
form_get(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return &f->v[i];
	return NULL;
}

long long
form_int(const struct form *f, const char *name, long long dflt)
{
	const struct fvalue *v = form_get(f, name);

	return v != NULL && v->present ? v->i : dflt;
}

const char *
form_str(const struct form *f, const char *name, const char *dflt)
{
	const struct fvalue *v = form_get(f, name);

	return v != NULL && v->present ? v->s : dflt;
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
