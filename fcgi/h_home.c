/*
 * h_home.c - /user and /admin: who is logged in, and where to go.
 */
#include "routes.h"

void
h_user_home(struct req *r)
{
	page(r, 200, "user.home", page_view(r));
}

void
h_admin_home(struct req *r)
{
	page(r, 200, "admin.home", page_view(r));
}
