/*
 * fuzz_request.c - libFuzzer target: query strings and bodies
 * (urlencoded_parse), the Cookie header (cookie_get) and paths
 * (path_acceptable) and the first FastCGI records of a connection
 * (fcgi_screen) take any bytes without a crash, a leak or a read out of
 * bounds, and what they accept holds their promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "base/utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	 a;
	struct params		 p;
	char			*s;
	size_t			 i;

	if (a.chunk_size == 0)
		arena_init(&a, 4096, 1 << 20);
	/* a screened start is never longer than what was there */
	if (fcgi_screen(data, size) >= FCGI_SCREEN_OK && size < 16)
		abort();
	arena_reset(&a);
	if (urlencoded_parse(&a, (const char *)data, size, &p) == KQ_OK)
		for (i = 0; i < p.n; i++) {
			/* accepted values are valid text; names are short */
			if (!utf8_text_valid(p.v[i].value, p.v[i].len) ||
			    strlen(p.v[i].name) == 0 || strlen(p.v[i].name) > MAX_NAME)
				abort();
		}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)cookie_get(&a, s, "kq_member");
	/* an accepted path is absolute and does not climb */
	if (path_acceptable(s) && (s[0] != '/' || strstr(s, "/..") != NULL ||
	    strstr(s, "//") != NULL))
		abort();
	free(s);
	return 0;
}
