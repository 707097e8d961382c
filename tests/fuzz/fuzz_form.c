/*
 * fuzz_form.c - libFuzzer target: a body with every field type (text with
 * a pattern, integers with bounds, money, dates, both kinds of code, an
 * option, a repeated field) is parsed into typed values or a named bad
 * field, and what is accepted is in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codes.h"
#include "web/form.h"
#include "base/money.h"
#include "request.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct option colours[] = {
	{ "red", "" }, { "green", "" }, { NULL, NULL }
};
enum { F_TEXT, F_INT, F_MONEY, F_DATE, F_VCODE, F_CARD, F_OPTION, F_LIST, F__MAX };
static const struct field fields[F__MAX] = {
	[F_TEXT] = { .name = "t", .type = FT_TEXT, .maxlen = 20 },
	[F_INT] = { .name = "i", .type = FT_INT, .min = -5, .max = 500 },
	[F_MONEY] = { .name = "m", .type = FT_MONEY },
	[F_DATE] = { .name = "d", .type = FT_DATE },
	[F_VCODE] = { .name = "v", .type = FT_VCODE },
	[F_CARD] = { .name = "c", .type = FT_CARD },
	[F_OPTION] = { .name = "o", .type = FT_OPTION, .options = colours },
	[F_LIST] = { .name = "l", .type = FT_TEXT, .repeated = 1,
	  .pattern = "[a-z_]{1,8}" },
};
static const struct form_def form = FORM_DEF(fields);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	 a;
	struct params		 p;
	struct form		 f;
	char			 err[200];
	enum kq_outcome		 s;

	if (a.chunk_size == 0) {
		arena_init(&a, 4096, 1 << 20);
		if (form_compile(&form, err, sizeof(err)) < 0)
			abort();
	}
	arena_reset(&a);
	if (urlencoded_parse(&a, (const char *)data, size, &p) != KQ_OK)
		return 0;
	s = form_parse(&a, &form, &p, &f);
	if (s == KQ_INVALID_FIELD && f.bad == NULL)
		abort();
	if (s != KQ_OK)
		return 0;
	if (f.v[F_INT].present && (f.v[F_INT].i < -5 || f.v[F_INT].i > 500))
		abort();
	if (f.v[F_MONEY].present && (f.v[F_MONEY].i < 0 ||
	    f.v[F_MONEY].i > MONEY_MAX_CENTS))
		abort();
	if (f.v[F_OPTION].present && (f.v[F_OPTION].i < 0 || f.v[F_OPTION].i > 1))
		abort();
	if (f.v[F_VCODE].present && strlen(f.v[F_VCODE].s) != VCODE_LEN)
		abort();
	if (f.v[F_CARD].present && strlen(f.v[F_CARD].s) != CARD_LEN)
		abort();
	return 0;
}
