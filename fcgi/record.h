/*
 * record.h - one place per record: the fields of a voucher, a partner
 * voucher and an order, each named once for the page (and so its CSV,
 * which reads the page's view) and for the API's JSON, so a new field is
 * added once.
 *
 * A record function lists each field with its key on the page and its
 * name in the API (NULL where it has none) and writes it to a struct rec,
 * which is a page's view or an API object: on a page as present.h shows
 * values (the words under KEY, the machine value under KEY_v; an absent id
 * or time left out), in JSON as the API documents them (cents and ids as
 * integers, an absent one null, times ISO-8601 UTC or null, states by
 * their database names).  What only a page has (its links, words built of
 * several fields) stays with the page's show function, after the record.
 */
#ifndef KQ_RECORD_H
#define KQ_RECORD_H

#include <jansson.h>
#include <time.h>

#include "account.h"
#include "order.h"
#include "partner_voucher.h"
#include "present.h"
#include "voucher.h"

/* A voucher's fields, its words on a page (scope_text, its code's last
 * four, an order's deduction), for a list row or a details page. */
void		 show_voucher(struct arena *, struct view *, const struct voucher *);
/* Its conditions in words (its page, an order's candidates), and the
 * backend's links (its page, the template, the freezing order). */
void		 show_voucher_terms(struct arena *, struct view *,
		    const struct voucher *);
void		 show_voucher_admin(struct view *, const struct voucher *);
json_t		*voucher_json(const struct voucher *);

/* A partner voucher's fields, for the partner's pages and the backend's
 * (each adds the links its side may follow). */
void		 show_pvoucher_fields(struct arena *, struct view *,
		    const struct pvoucher *);

/* Accounts as choices for a UIN input: list KEY of uin and name. */
void		 show_accounts(struct view *, const char *key,
		    const struct customer *, size_t);

/* An order's fields and the member's and the backend's links. */
void		 show_order(struct view *, const struct order *);
/* An order's description in the page's words ("Pickup card HK box"). */
const char	*order_words(struct arena *, const struct order *);
json_t		*order_json(const struct order *);

/* A time as ISO-8601 UTC ("2026-12-01T21:30:00Z"), or JSON null for 0. */
json_t		*api_time(time_t);

#endif
