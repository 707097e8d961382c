/*
 * voucher_issue.h - issuing vouchers from a template (SPEC §5): targeted
 * (指定对象发放, straight into a list of accounts) or as redemption codes
 * (不指定对象, optionally paper).  This module alone writes voucher_issues.
 */
#ifndef KQ_VOUCHER_ISSUE_H
#define KQ_VOUCHER_ISSUE_H

#include "base/arena.h"
#include "auth.h"
#include "db/db.h"
#include "db/pager.h"
#include "state.h"
#include "voucher_template.h"

#define ISSUE_CODES_MAX		100000
#define ISSUE_UINS_MAX		1000

/* A list of UINs as typed (separated by newlines, spaces, commas or
 * semicolons), each once, in the order given; -1 when there is none, one
 * is not a UIN, or there are more than ISSUE_UINS_MAX.  A targeted issue's
 * and a targeted campaign's (SPEC §5, §10). */
int	uins_parse(struct arena *, const char *, long long **out, size_t *n);

enum issue_result { IR_ISSUED, IR_UNKNOWN_UIN, IR__MAX };
extern const char *const issue_result_names[];

struct issue_outcome {
	long long		 uin;
	enum issue_result	 result;
};

struct issue {
	long long		 id, template_id;
	enum issue_mode		 mode;
	int			 paper, count;
	const char		*report;	/* "UIN result" lines */
	struct issue_outcome	*outcomes;	/* a targeted issue's, per UIN */
	size_t			 noutcomes;
	/* issue_list's: the template, who and when, and how many of its
	 * vouchers were redeemed (codes) and used up */
	const char		*template_name, *created_by;
	time_t			 created_at;
	long long		 redeemed, used;
};

/*
 * Issues template_id.  Targeted: uins is the text an admin typed (numbers
 * separated by spaces, commas or lines; each once); an unknown UIN is
 * reported, never silently skipped.  Codes: count codes.  KQ_INVALID_FIELD
 * with *bad_field ("uins", "count", or "valid_to" when the template's fixed
 * validity has ended).  Audited.  Above approval_cap (SPEC §11: UINs or
 * count × face) nothing is made: KQ_APPROVAL_PENDING, with *issue_id the
 * approval request's.
 */
enum kq_outcome	voucher_issue(struct db *, struct arena *, const struct principal *,
		    const char *ip, long long template_id, enum issue_mode,
		    const char *uins, int count, int paper, long long *issue_id,
		    const char **bad_field);
/* What voucher_issue() would do with the same input, without doing it:
 * for the confirmation that names the money (issue 31). */
struct issue_plan {
	struct vtemplate	 t;
	long long		 count;		/* UINs (unknown ones too) or codes */
	long long		 total;		/* count × face */
	long long		 unknown;	/* UINs with no account */
	int			 needs_approval;	/* above approval_cap */
	time_t			 valid_from, valid_to;
};
/* KQ_INVALID_FIELD with *bad_field as voucher_issue() has it. */
enum kq_outcome	voucher_issue_plan(struct db *, struct arena *,
		    long long template_id, enum issue_mode, const char *uins,
		    int count, struct issue_plan *, const char **bad_field);
/* The issue an approved request asked for (its payload), with no cap:
 * inside the approval's transaction (approval_make.c). */
enum kq_outcome	voucher_issue_approved(struct db *, struct arena *,
		    const struct principal *, const char *ip, const char *payload,
		    long long *issue_id, const char **bad_field);
enum kq_outcome	issue_get(struct db *, struct arena *, long long id, struct issue *);
/* The issues, newest first, of one template (0: of all). */
enum kq_outcome	issue_list(struct db *, struct arena *, long long template_id,
		    struct pager *, struct issue **, size_t *);
/* Audits the download, then calls fn with each code (display form); a
 * targeted issue has none. */
enum kq_outcome	issue_codes(struct db *, const struct principal *, const char *ip,
		    long long issue_id, int (*fn)(void *, const char *), void *ctx);

/* A partner issues a discount voucher (Type III, seed 003) from its
 * customer template to one of its customers (else KQ_INVALID_FIELD "uin";
 * amount 0: the template's face).  No review; audited. */
enum kq_outcome	voucher_issue_customer(struct db *, struct arena *,
		    const struct principal *, const char *ip,
		    long long template_id, long long uin, long long amount,
		    long long *voucher_id, const char **bad);

#endif
