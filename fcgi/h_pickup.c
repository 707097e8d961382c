/*
 * h_pickup.c - the member's pick-up (我要提货, seed 004): the list of cards
 * picked up, entering a code, choosing an OS, confirming.
 */
#include <stdio.h>
#include <string.h>

#include "flash.h"
#include "handlers.h"
#include "base/i18n.h"
#include "order.h"
#include "pickup.h"
#include "present.h"
#include "reply.h"

enum { KF_CARD, KF_OS, KF__MAX };
static const struct field card_fields[KF__MAX] = {
	[KF_CARD] = { .name = "card", .type = FT_CARD, .required = 1 },
	[KF_OS] = { .name = "os", .type = FT_TEXT, .pattern = "[a-z0-9_]{1,32}" },
};
const struct form_def card_form = FORM_DEF(card_fields);

/* The pick-up page: my picked-up cards and the form (with what was typed
 * and the outcome, when re-shown). */
static void
pickup_page(struct req *r, int status, const char *typed, enum kq_outcome err)
{
	struct pager pg = { .page = r->page, .after = r->after };
	struct usage	*rows;
	struct view	*v;
	struct vlist	*l;
	enum kq_outcome	 s;
	size_t		 n, i;

	if ((s = pickup_mine(r->app->db, r->arena, r->me.uin, &pg, &rows, &n)) != KQ_OK) {
		reply_fail(r, s);
		return;
	}
	v = reply_view(r);
	if (typed != NULL)
		view_set(v, "card", typed);
	if (err != KQ_OK)
		flash_code(v, err, "card", typed);
	l = view_list(v, "pickups");
	for (i = 0; i < n; i++)
		show_usage(vlist_add(l), &rows[i], "/user/orders");
	show_pager(r, v, &pg);
	reply_page(r, status, "user.pickup", v);
}

void
h_pickup(struct req *r)
{
	pickup_page(r, 200, NULL, KQ_OK);
}

static void
verify_page(struct req *r, int status, const struct pickup_offer *o,
    const char *os, enum kq_outcome err)
{
	struct view	*v = reply_view(r), *b, *x;
	struct vlist	*l;
	size_t		 i;
	int		 picked = 0;

	show_card(v, "card", o->code);
	b = view_map(v, "offer");
	view_set(b, "name", o->batch.name);
	show_state(b, "type", opt_pickup_product, o->batch.product);
	view_set(b, "line", L(o->batch.line_name));
	view_set_int(b, "cpu", o->batch.cpu);
	view_set_int(b, "memory_gb", o->batch.memory_gb);
	view_set_int(b, "disk_gb", o->batch.disk_gb);
	view_set_int(b, "bandwidth_mbps", o->batch.bandwidth_mbps);
	view_set_int(b, "months", o->batch.months);
	show_money(b, "price", o->batch.price);
	show_date(b, "valid_to", o->batch.valid_to);
	l = view_list(v, "os");
	for (i = 0; i < o->nos; i++) {
		x = vlist_add(l);
		view_set(x, "code", o->os[i].code);
		view_set(x, "name", o->os[i].name);
		view_set(x, "family", os_family_names[o->os[i].family]);
		if (o->os[i].surcharge > 0)
			show_money(x, "surcharge", o->os[i].surcharge);
		/* what was chosen; first shown, the line's first OS with no
		 * surcharge (a default that costs nothing, issue 31) */
		if (os != NULL ? strcmp(os, o->os[i].code) == 0 :
		    err == KQ_OK && !picked && o->os[i].surcharge == 0) {
			view_set(x, "checked", "checked");
			picked = 1;
		}
	}
	if (err != KQ_OK) {
		flash_now(v, err, "os");
		mark_field(r->arena, v, "os", L(kq_message(err)));
	}
	reply_page(r, status, "user.pickup.verify", v);
}

void
h_pickup_verify(struct req *r)
{
	struct pickup_offer o;
	enum kq_outcome	 s = r->f_outcome;

	if (s == KQ_OK)
		s = pickup_offer(r->app->db, r->arena, r->me.uin, r->remote_addr,
		    r->f.v[KF_CARD].s, &o);
	if (s == KQ_UNAVAILABLE)
		reply_fail(r, s);
	else if (s != KQ_OK)
		pickup_page(r, kq_http_status(s), r->f.v[KF_CARD].raw, s);
	else
		verify_page(r, 200, &o, NULL, KQ_OK);
}

void
h_pickup_confirm(struct req *r)
{
	struct pickup_offer o;
	enum kq_outcome	 s = r->f_outcome;
	long long	 order_id;
	const char	*card = r->f.v[KF_CARD].s;
	const char	*os = form_str(&r->f, KF_OS, NULL);

	if (s == KQ_INVALID_FIELD)	/* the only other field is the OS */
		s = KQ_OS_INVALID;
	if (s == KQ_OK)
		s = order_pickup(r->app->db, r->arena, &r->me, r->remote_addr,
		    card, os, &order_id);
	if (s == KQ_OK) {
		reply_flash(r, "ok", "picked_up");
		reply_redirect(r, arena_printf(r->arena, "/user/orders/%lld", order_id));
		return;
	}
	if (s == KQ_UNAVAILABLE) {
		reply_fail(r, s);
		return;
	}
	/* an OS problem re-shows the choice; a card problem the code form */
	if ((s == KQ_OS_REQUIRED || s == KQ_OS_INVALID) &&
	    pickup_offer(r->app->db, r->arena, r->me.uin, r->remote_addr,
	    card, &o) == KQ_OK) {
		verify_page(r, kq_http_status(s), &o, os, s);
		return;
	}
	pickup_page(r, kq_http_status(s), r->f.v[KF_CARD].raw, s);
}
