/*
 * principal.c - who is acting, in words (principal.h).
 */
#include "principal.h"

const char *const principal_kind_names[] = { "", "member", "admin", "api" };

const char *
principal_actor(struct arena *a, const struct principal *p)
{
	if (p == NULL)
		return "kaquanctl";
	return arena_printf(a, "%s:%s", principal_kind_names[p->kind], p->login);
}
