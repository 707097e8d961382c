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

#include "arena.h"
#include "status.h"

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
};

struct field {
	const char	*name;
	enum field_type	 type;
	int		 required;
	int		 repeated;	/* may occur several times */
	const char	*pattern;	/* NULL: the type's own */
	long long	 min, max;	/* FT_INT (min == max == 0: any) */
	size_t		 maxlen;	/* FT_TEXT characters; 0: 200 */
};

struct fvalue {
	int		 present;
	const char	*raw;		/* first value as typed (re-shown) */
	const char	*s;		/* normalised text (codes, trimmed) */
	long long	 i;		/* FT_INT, FT_MONEY cents, FT_DATE */
	const char	**list;		/* repeated fields: every value */
	size_t		 nlist;
};

struct form {
	const struct field	*fields;
	size_t			 n;
	struct fvalue		*v;
	const char		*bad;	/* first field that failed, or NULL */
};

void		 params_init(struct params *);
int		 params_add(struct params *, struct arena *, const char *name,
		    const char *value, size_t len);
/* First value of NAME, or NULL. */
const char	*params_get(const struct params *, const char *name);

/* Compiles (once) the patterns of a table; 0, or -1 with a message. */
int		 form_compile(const struct field *, size_t, char *err, size_t errsz);
/* KQ_OK, KQ_INVALID_FIELD (out->bad names the field), KQ_CODE_FORMAT or
 * KQ_CARD_FORMAT for a code field, KQ_UNAVAILABLE when out of memory. */
enum kq_status	 form_parse(struct arena *, const struct field *, size_t,
		    const struct params *, struct form *out);
const struct fvalue *form_get(const struct form *, const char *name);
/* A field's typed value, or dflt when it was left empty. */
long long	 form_int(const struct form *, const char *name, long long dflt);
const char	*form_str(const struct form *, const char *name, const char *dflt);
/* Frees compiled patterns at exit. */
void		 form_cleanup(void);

#endif
