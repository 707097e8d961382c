/*
 * form.h - input validated once, at the edge (kcgi's field tables).
 *
 * A handler declares a table of fields; form_parse() checks every value
 * against the field's compiled pcre2 pattern and typed parser and hands back
 * typed values, or the name of the first bad field.  Raw text is kept so a
 * re-shown form shows what was typed.
 */
#ifndef KQ_FORM_H
#define KQ_FORM_H

#include <stddef.h>

#include "base/arena.h"
#include "base/outcome.h"

/* Decoded name=value pairs, in order, repeats kept. */
struct param {
	const char	*name;
	const char	*value;
	size_t		 len;		/* value may hold NUL bytes */
};

struct params {
	struct param	*v;
	size_t		 n, cap;
};

enum field_type {
	FT_TEXT,	/* pattern or printable text up to maxlen characters */
	FT_INT,		/* min..max */
	FT_MONEY,	/* cents, money_parse() */
	FT_DATE,	/* YYYY-MM-DD, a real calendar date; value is yyyymmdd */
	FT_VCODE,	/* 18-digit voucher code, normalised, check digit */
	FT_CARD,	/* pickup-card code, normalised, check symbol */
	FT_OPTION,	/* one of options[]; value is its index */
};

/* A value a field accepts and the words a person reads for it; a table of
 * them gives a field its pattern and a page its <select> or checkboxes.
 * Where the values name an enum's members, they are in the enum's order,
 * so a parsed FT_OPTION's index is the enum value. */
struct option {
	const char	*value, *text;	/* value NULL ends a table */
};

struct field {
	const char		*name;
	enum field_type		 type;
	int			 required;
	int			 repeated;	/* may occur several times */
	const char		*pattern;	/* NULL: the type's own */
	long long		 min, max;	/* FT_INT (min == max == 0: any) */
	size_t			 maxlen;	/* FT_TEXT characters; 0: 200 */
	int			 multiline;	/* FT_TEXT: LF allowed (a reason, a
						   list of UINs); CR LF becomes LF */
	const struct option	*options;	/* FT_OPTION */
};

/* A form: its fields, indexed by the form's own enum (kcgi's fieldmap),
 * so form.v[BF_COUNT] is checked by the compiler where a name is not. */
struct form_def {
	const struct field	*fields;
	size_t			 n;
};
#define FORM_DEF(t)	{ (t), sizeof(t) / sizeof((t)[0]) }

struct fvalue {
	int		 present;
	const char	*raw;		/* first value as typed (re-shown) */
	const char	*s;		/* normalised text (codes, trimmed) */
	long long	 i;		/* FT_INT, FT_MONEY cents, FT_DATE, FT_OPTION */
	const char	**list;		/* repeated fields: every value */
	size_t		 nlist;
	enum kq_outcome	 err;		/* why this field failed, or KQ_OK */
	int		 missing;	/* it failed by being left empty */
};

struct form {
	const struct form_def	*def;
	struct fvalue		*v;	/* def->n values, by the form's enum */
	const char		*bad;	/* first field that failed, or NULL;
					   every failed field has its err */
};

void		 params_init(struct params *);
int		 params_add(struct params *, struct arena *, const char *name,
		    const char *value, size_t len);
/* First value of NAME, or NULL. */
const char	*params_get(const struct params *, const char *name);

/* Compiles the patterns of a form (options become an alternation); every
 * form is compiled at start, so a bad pattern stops the start and parsing
 * never compiles.  0, or -1 with a message. */
int		 form_compile(const struct form_def *, char *err, size_t errsz);
/* KQ_OK, KQ_INVALID_FIELD (out->bad names the field), KQ_CODE_FORMAT or
 * KQ_CARD_FORMAT for a code field, KQ_UNAVAILABLE when out of memory. */
enum kq_outcome	 form_parse(struct arena *, const struct form_def *,
		    const struct params *, struct form *out);
/* A field's typed value, or dflt when it was left empty. */
long long	 form_int(const struct form *, int field, long long dflt);
const char	*form_str(const struct form *, int field, const char *dflt);
/* Every value of a repeated field, joined by commas. */
char		*form_join(struct arena *, const struct form *, int field);
/* Frees compiled patterns at exit. */
void		 form_cleanup(void);

#endif
