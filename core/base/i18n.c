/*
 * i18n.c - the catalog in a hash table (hsearch_r), read once per worker.
 * A message with a plural writes its English as "one|other" ("%d month|%d
 * months"): the other form is the message's, the one form is kept apart in
 * a table of its own, for Ln().
 */
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/file.h"
#include "base/i18n.h"

const char *const lang_names[] = { "zh-CN", "en", NULL };

static struct hsearch_data	 table, ones;
static int			 loaded;
static char			*text;		/* the file, cut into keys and values */
static enum lang		 current;

void
i18n_free(void)
{
	if (loaded) {
		hdestroy_r(&table);
		hdestroy_r(&ones);
	}
	loaded = 0;
	free(text);
	text = NULL;
}

/* The printf conversions of s in order ("%lld%s"); 0, or -1 when too many. */
static int
conversions(const char *s, char *out, size_t outsz)
{
	size_t n = 0, len;

	for (; (s = strchr(s, '%')) != NULL; s += len) {
		len = 1 + strspn(s + 1, "0123456789.-+ #hlzjt");
		if (s[len] != '\0')
			len++;
		if (n + len + 1 > outsz)
			return -1;
		memcpy(out + n, s, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}

int
i18n_load(const char *dir, char *err, size_t errsz)
{
	char		 path[4200], *line, *next, *tab, *other, ka[64], kb[64];
	size_t		 n = 0, lineno = 0;
	ENTRY		 e, *found;

	i18n_free();
	snprintf(path, sizeof(path), "%s/i18n/en.tsv", dir);
	if ((text = file_read(path)) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (line = text; *line != '\0'; line++)
		n += *line == '\n';
	memset(&table, 0, sizeof(table));
	memset(&ones, 0, sizeof(ones));
	if (hcreate_r(n * 2 + 16, &table) == 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (hcreate_r(n + 16, &ones) == 0) {
		hdestroy_r(&table);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	loaded = 1;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		if ((tab = strchr(line, '\t')) == NULL || tab == line ||
		    tab[1] == '\0' || strchr(tab + 1, '\t') != NULL) {
			snprintf(err, errsz, "%s:%zu: expected \"Chinese<TAB>English\"",
			    path, lineno);
			return -1;
		}
		*tab = '\0';
		/* "one|other": the other form after the bar */
		if ((other = strchr(tab + 1, '|')) != NULL)
			*other++ = '\0';
		if (conversions(line, ka, sizeof(ka)) < 0 ||
		    conversions(tab + 1, kb, sizeof(kb)) < 0 || strcmp(ka, kb) != 0 ||
		    (other != NULL && (conversions(other, kb, sizeof(kb)) < 0 ||
		    strcmp(ka, kb) != 0))) {
			snprintf(err, errsz, "%s:%zu: the English must keep the"
			    " conversions of the Chinese (%s), in order", path,
			    lineno, ka);
			return -1;
		}
		e.key = line;
		e.data = tab + 1;
		if (other != NULL) {
			if (hsearch_r(e, ENTER, &found, &ones) == 0) {
				snprintf(err, errsz, "out of memory");
				return -1;
			}
			e.data = other;
		}
		if (hsearch_r(e, FIND, &found, &table) != 0) {
			snprintf(err, errsz, "%s:%zu: \"%s\" is there twice", path,
			    lineno, line);
			return -1;
		}
		if (hsearch_r(e, ENTER, &found, &table) == 0) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
	}
	return 0;
}

const char *
i18n_find(enum lang l, const char *msg)
{
	ENTRY	 e, *found;

	if (l == LANG_ZH || msg == NULL)
		return msg;
	if (!loaded)
		return NULL;
	e.key = (char *)msg;
	e.data = NULL;
	return hsearch_r(e, FIND, &found, &table) != 0 ? found->data : NULL;
}

void
i18n_set(enum lang l)
{
	current = l;
}

enum lang
i18n_current(void)
{
	return current;
}

const char *
L(const char *msg)
{
	const char *s = i18n_find(current, msg);

	return s != NULL ? s : msg;
}

const char *
Ln(const char *msg, long long n)
{
	ENTRY	 e, *found;

	if (current == LANG_EN && n == 1 && loaded && msg != NULL) {
		e.key = (char *)msg;
		e.data = NULL;
		if (hsearch_r(e, FIND, &found, &ones) != 0)
			return found->data;
	}
	return L(msg);
}

const char *
Lc(const char *context, const char *msg)
{
	char		 key[256];
	ENTRY		 e, *found;

	e.key = key;
	e.data = NULL;
	if (current != LANG_ZH && loaded && snprintf(key, sizeof(key), "%s|%s",
	    context, msg) < (int)sizeof(key) &&
	    hsearch_r(e, FIND, &found, &table) != 0)
		return found->data;
	return L(msg);
}

/* "en-US,en;q=0.9,zh;q=0.5": the q of the best zh and the best en. */
enum lang
lang_choose(const char *cookie, const char *accept)
{
	double		 q[LANG__MAX] = { -1, -1 }, v;
	const char	*p, *semi;
	size_t		 len;
	int		 l;

	for (l = 0; cookie != NULL && lang_names[l] != NULL; l++)
		if (strcmp(cookie, lang_names[l]) == 0)
			return (enum lang)l;
	for (p = accept; p != NULL && *p != '\0'; p = strchr(p, ',') ?
	    strchr(p, ',') + 1 : NULL) {
		while (*p == ' ')
			p++;
		len = strcspn(p, ";, ");
		v = 1;
		semi = strchr(p, ';');
		if (semi != NULL && (strchr(p, ',') == NULL || semi < strchr(p, ',')) &&
		    sscanf(semi, ";q=%lf", &v) != 1)
			v = 1;
		if (len >= 2 && strncasecmp(p, "zh", 2) == 0 && (len == 2 || p[2] == '-'))
			l = LANG_ZH;
		else if (len >= 2 && strncasecmp(p, "en", 2) == 0 &&
		    (len == 2 || p[2] == '-'))
			l = LANG_EN;
		else
			continue;
		if (v > q[l])
			q[l] = v;
	}
	return q[LANG_EN] > q[LANG_ZH] ? LANG_EN : LANG_ZH;
}
