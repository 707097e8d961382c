/*
 * present.h - how values look on a page: money, times, names of products
 * and statuses, pagers.  Each sets the human text under KEY and the machine
 * value (SPEC §8 data-value) under KEY_v.
 */
#ifndef KQ_PRESENT_H
#define KQ_PRESENT_H

#include <time.h>

#include "http.h"
#include "pickup.h"

void		 show_money(struct view *, const char *key, long long cents);
void		 show_time(struct view *, const char *key, time_t);
void		 show_date(struct view *, const char *key, time_t);
/* A pickup-card code as people read it (groups of four) and as stored. */
void		 show_card(struct view *, const char *key, const char *code);
/* code → words for products and statuses ("cvm" → "云服务器"). */
const char	*product_name(const char *code);
const char	*status_name(const char *code);
/* pager.page, pager.pages, pager.total, pager.prev, pager.next: links to
 * PATH with the request's query and another page. */
void		 show_pager(struct req *, struct view *, const char *path,
		    const struct page_info *);
/* The route's "page" query value, 1 when absent. */
int		 query_page(struct req *);
/* A pick-up's usage record; its order links under order_base ("/user/orders"
 * for the member, "/admin/orders" for the backend). */
void		 show_usage(struct view *, const struct usage *, const char *order_base);
struct voucher;
/* A voucher's fields for a list row or a details page. */
void		 show_voucher(struct arena *, struct view *, const struct voucher *);
/* Percent-encodes s for a query string. */
char		*url_encode(struct arena *, const char *);

#endif
