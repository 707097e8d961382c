/*
 * i18n.h - two languages (issue 9): zh-CN, the language the templates and
 * the code are written in, and en from a message catalog.
 *
 * The catalog DIR/i18n/en.tsv (DIR: the templates directory) has one
 * message a line, "Chinese<TAB>English"; "#" starts a comment.  A Chinese
 * text is its own key, so nothing is written twice and a missing English
 * text is found by looking: the template compiler refuses a page whose
 * text has no English, and the code's texts (option words, flashes, field
 * errors, formats) pass through L().  The English follows the terms of the
 * English source documents (voucher, pickup card, partner voucher,
 * customer voucher, usage details).
 */
#ifndef KQ_I18N_H
#define KQ_I18N_H

#include <stddef.h>

enum lang { LANG_ZH, LANG_EN, LANG__MAX };
extern const char *const lang_names[];	/* "zh-CN", "en": the cookie, lang="" */

/* Loads the catalog; 0, or -1 with "file:line: message". */
int		 i18n_load(const char *templates_dir, char *err, size_t errsz);
void		 i18n_free(void);
/* msg in language l: msg itself for zh, NULL when the catalog lacks it. */
const char	*i18n_find(enum lang, const char *msg);

/* The language of the request being served (LANG_ZH between requests). */
void		 i18n_set(enum lang);
enum lang	 i18n_current(void);
/* msg in the current language; msg when the catalog lacks it.  The
 * format_arg attribute lets printf-style formats stay checked. */
const char	*L(const char *msg) __attribute__((format_arg(1)));
/* msg where its English differs by where it stands: the catalog's
 * "context|msg" if it has one ("对象|代金券	Voucher", a confirmation's
 * label, where the menu's 代金券 is "Vouchers"), else L(msg). */
const char	*Lc(const char *context, const char *msg);
/* The same for a count of n: the one form of a plural message when n is 1
 * and the language has it ("%d month"), else the other ("%d months"). */
const char	*Ln(const char *msg, long long n) __attribute__((format_arg(1)));

/* The language a request asks for: the cookie's value if it names one,
 * else the best of Accept-Language, else zh-CN. */
enum lang	 lang_choose(const char *cookie_value, const char *accept_language);

#endif
