/*
 * present.h - how values look on a page: money, times, codes, the words for
 * every machine value (option tables, also the fields' allowed values),
 * pagers.  Each show_* sets the human text under KEY and the machine value
 * (SPEC §8 data-value) under KEY_v.
 */
#ifndef KQ_PRESENT_H
#define KQ_PRESENT_H

#include <stddef.h>
#include <time.h>

#include "web/form.h"
#include "http.h"
#include "state.h"

/* Option tables: machine values and their words, in their enum's order. */
extern const struct option opt_pickup_product[], opt_batch_status[],
	opt_card_status[], opt_order_status[], opt_voucher_status[],
	opt_instance_status[], opt_balance_mode[], opt_scope[],
	opt_issue_mode[], opt_billing[], opt_scenario[], opt_ledger_kind[],
	opt_my_voucher_tab[], opt_pv_type[], opt_approval[], opt_purpose[],
	opt_charge_status[], opt_partner_scope[], opt_balance_filter[],
	opt_pv_status[], opt_refund_state[], opt_unfit[], opt_validity_by[],
	opt_audit_action[], opt_campaign_kind[], opt_discount_type[],
	opt_audience[], opt_campaign_status[], opt_coupon_status[], opt_use_status[],
	opt_discount_unfit[], opt_request_kind[], opt_request_status[];

/* The words for option I (an enum value) of a table; "" out of range. */
const char	*option_text(const struct option *, int i);
/* The words for a machine value; the value itself when unknown. */
const char	*option_text_of(const struct option *, const char *value);
/* The same where the words differ by where they stand (Lc()'s context). */
const char	*option_text_in(const char *context, const struct option *,
		    const char *value);

void		 show_money(struct view *, const char *key, long long cents);
void		 show_time(struct view *, const char *key, time_t);
void		 show_date(struct view *, const char *key, time_t);
/* KEY = the machine value of option I, KEY_text = its words. */
void		 show_state(struct view *, const char *key, const struct option *,
		    int i);
/* A scope in words for the names of its products: "全部通用产品",
 * "仅限 云服务器、Redis", "通用产品,不含 域名注册". */
const char	*scope_text(struct arena *, enum voucher_scope, const char *names);
/* Field errors (issue 9): the words for what is wrong with a field (its
 * own format, or the rule core/ checks: f may have v NULL), and the mark
 * the templates show at the field (_err.NAME). */
const char	*field_error_text(struct arena *, const struct field *,
		    const struct fvalue *);
const char	*code_error_text(enum kq_outcome, const char *raw);
void		 mark_field(struct arena *, struct view *, const char *name,
		    const char *msg);
/* The words for a comma list of option values, joined by "、". */
char		*list_text(struct arena *, const struct option *, const char *values);
/* A voucher's conditions beyond its scope (SPEC §5): scenarios, billing
 * modes, minimum amount, minimum months. */
const char	*conditions_text(struct arena *, const char *scenarios,
		    const char *billing, long long min_amount, int min_months);
/* A pickup-card code as people read it (groups of four) and as stored. */
void		 show_card(struct view *, const char *key, const char *code);
/* The same from a code's last four, the rest starred. */
void		 show_card_last4(struct view *, const char *key, const char *last4);
/* An option table of n rows (catalog data) whose members code and name
 * are the values and the words; NULL when out of memory. */
struct option	*options_of(struct arena *, const void *rows, size_t n,
		    size_t size, size_t code_off, size_t name_off);
#define OPTIONS_OF(a, rows, n) options_of((a), (rows), (n), sizeof(*(rows)), \
	offsetof(__typeof__(*(rows)), code), offsetof(__typeof__(*(rows)), name))

/* The validity choice a form sent (VB_UNSET when none); validities, the
 * radio buttons with it checked. */
#define VALIDITY_FIELD { .name = "validity", .type = FT_OPTION, \
	.options = opt_validity_by }
enum validity_by validity_of(const struct form *, int field);
void		 show_validity(struct view *, const struct form *, int field,
		    const char *dflt);
/* The choices of a <select>, radio buttons or checkboxes: list KEY of
 * value and text, and MARK ("selected", "checked") set to itself on those
 * in the comma list CHOSEN. */
void		 show_choices(struct view *, const char *key, const struct option *,
		    const char *chosen, const char *mark);
void		 show_choices_in(const char *context, struct view *,
		    const char *key, const struct option *, const char *chosen,
		    const char *mark);
/* pager.page, pager.pages, pager.total, pager.prev, pager.next: links to
 * the request's path with its query and another page. */
void		 show_pager(struct req *, struct view *, const struct pager *);
struct usage;
struct voucher;
struct vtemplate;
/* A stored template as its form shows it again (map "f"): amounts in yuan,
 * days, or the dates in display_tz. */
void		 show_template_form(struct arena *, struct view *f,
		    const struct vtemplate *);
/* A pick-up's usage record; its order links under order_base ("/user/orders"
 * for the member, "/admin/orders" for the backend). */
void		 show_usage(struct view *, const struct usage *, const char *order_base);
/* Percent-encodes s for a query string. */
char		*url_encode(struct arena *, const char *);

/* Today, 7 days, this month, last month: links setting the list's from
 * and to (list "presets"); from and to as the query has them (or NULL). */
void		 show_date_presets(struct req *, struct view *, const char *from,
		    const char *to);

#endif
