/*
 * handlers.h - the pages' handlers (h_*.c) and the forms the route table gives
 * them.
 */
#ifndef KQ_HANDLERS_H
#define KQ_HANDLERS_H

#include "http.h"

/* Handlers (h_*.c) and the forms the route table gives them. */
handler_fn	 h_login_form, h_login, h_logout;
handler_fn	 h_admin_login_form, h_admin_login, h_admin_logout;
handler_fn	 h_user_home, h_admin_home, h_search, h_audit, h_audit_csv, h_lang;
handler_fn	 h_batches, h_batch_new, h_batch_create, h_batch, h_batch_codes;
handler_fn	 h_batch_disable, h_batch_enable, h_card_disable, h_card_enable,
		 h_cards_disable,
		 h_card, h_usage, h_usage_csv, h_batch_cards_csv;
handler_fn	 h_pickup, h_pickup_verify, h_pickup_confirm;
handler_fn	 h_orders, h_order, h_order_pay, h_order_cancel, h_admin_order;
handler_fn	 h_order_confirm, h_order_refund, h_admin_orders, h_admin_orders_csv,
		 h_admin_refund,
		 h_admin_refund_reject;
/* The confirmation page of an irreversible POST, at the same path (GET). */
handler_fn	 h_confirm;
/* reply_done() for a POST with a reason: a missing or bad reason shows its
 * confirmation page again (422) with the field marked. */
void		 reply_done_with_reason(struct req *, enum kq_outcome s,
		    const char *flash, const char *location);
handler_fn	 h_vouchers, h_voucher, h_voucher_csv;
handler_fn	 h_redeem_form, h_redeem_verify, h_redeem_confirm;
handler_fn	 h_campaigns, h_campaign_new, h_campaign, h_campaign_create,
		 h_campaign_update, h_campaign_disable, h_campaign_enable,
		 h_campaign_uses, h_campaign_uses_csv,
		 h_coupons, h_coupon_claim;
handler_fn	 h_report_liability, h_report_liability_csv, h_report_cost,
		 h_report_cost_csv, h_report_orders, h_report_orders_csv,
		 h_report_cards, h_report_cards_csv;
handler_fn	 h_templates, h_template_new, h_template_create, h_template,
		 h_template_update, h_template_issue, h_template_issue_preview, h_issue, h_issue_codes,
		 h_admin_vouchers, h_admin_vouchers_csv, h_admin_voucher,
		 h_voucher_invalidate, h_issues, h_issues_csv;
/* The partner's first customers (by UIN, no count) as choices for a UIN input (list
 * "customers", for a datalist). */
enum kq_outcome	 show_customers(struct req *, struct view *);
/* The partners as choices for a partner UIN input (list
 * "partner_choices", for a datalist). */
enum kq_outcome	 show_partner_choices(struct req *, struct view *);
handler_fn	 h_partner_home, h_partner_customers, h_ptemplates, h_ptemplate_new,
		 h_ptemplate_create, h_ptemplate, h_ptemplate_update,
		 h_ptemplate_apply, h_pvouchers, h_pvoucher, h_pvoucher_csv,
		 h_pvoucher_cancel, h_pvoucher_invalidate, h_ctemplates,
		 h_ctemplate_new, h_ctemplate_create, h_ctemplate,
		 h_ctemplate_update, h_ctemplate_issue, h_cvouchers, h_cvoucher,
		 h_cvoucher_csv, h_cvoucher_withdraw, h_charges, h_charges_csv,
		 h_psettings, h_psettings_save;
/* Invalidates partner voucher req->id (partner or admin) and answers. */
void		 pv_invalidate_answer(struct req *, const char *back);
handler_fn	 h_applications, h_application_approve, h_application_reject,
		 h_admin_pvouchers, h_admin_pvoucher_new, h_admin_pvoucher_issue,
		 h_admin_pvoucher_preview,
		 h_admin_pvoucher_invalidate;
handler_fn	 h_approvals, h_approval, h_approval_approve, h_approval_reject;

/* The "page" of a list, the same field on every list. */
#define PAGE_FIELD { .name = "page", .type = FT_INT, .min = 1, .max = PAGER_MAX }

extern const struct form_def page_query;	/* just "page" */
extern const struct form_def login_form, search_query, audit_query, lang_query;
extern const struct form_def batches_query, batch_query, batch_form, usage_query;
extern const struct form_def card_form;
extern const struct form_def cards_form;
extern const struct form_def order_query;
extern const struct form_def confirm_form, refund_form, note_form,
			      admin_orders_query;
extern const struct form_def vouchers_query, code_form;
extern const struct form_def campaign_form, campaigns_query, uses_query,
		 coupons_query, claim_form;
extern const struct form_def liability_query, cost_query, orders_report_query,
	cards_report_query;
extern const struct form_def template_form, issue_form, admin_vouchers_query,
	issues_query;
extern const struct form_def ptemplate_form, ctemplate_form, grant_form,
	pvouchers_query, cvouchers_query, charges_query, psettings_form;
extern const struct form_def approvals_query;
/* reject_form's one field: a rejection's reason (partner applications,
 * approval requests) */
enum { RJ_REASON, RJ__MAX };
extern const struct form_def applications_query, reject_form,
	admin_pvouchers_query, pv_issue_form;

#endif
