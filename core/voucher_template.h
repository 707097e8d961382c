/*
 * voucher_template.h - voucher templates (what is issued, SPEC §5): the
 * voucher_templates table, which this module alone writes.
 *
 * A template can be edited until its first issue (seed 003); its validity
 * is fixed dates or a number of days counted from each issue.
 */
#ifndef KQ_VOUCHER_TEMPLATE_H
#define KQ_VOUCHER_TEMPLATE_H

#include <time.h>

#include "base/arena.h"
#include "auth.h"
#include "db/db.h"
#include "db/pager.h"
#include "state.h"

struct vtemplate {
	long long		 id;
	const char		*name;
	long long		 face, min_amount;
	enum balance_mode	 mode;
	enum voucher_scope	 scope;
	const char		*products;	/* comma list of product codes */
	const char		*scenarios;	/* comma list; "" = every eligible one */
	const char		*billing;	/* comma list */
	int			 min_months;
	time_t			 valid_from, valid_to;	/* 0 with valid_days */
	int			 valid_days;
	int			 issued;
	time_t			 created_at;
};

/* What an admin enters: validity as two dates (yyyymmdd, in display_tz:
 * from the start of the first day to the end of the last) or days. */
struct template_spec {
	long long		 id;		/* 0: a new template */
	enum template_kind	 kind;		/* TK_PLATFORM: an admin's */
	long long		 owner;		/* the partner, or 0 */
	const char		*name;
	long long		 face, min_amount;
	enum balance_mode	 mode;
	enum voucher_scope	 scope;
	const char		*products, *scenarios, *billing;
	int			 min_months;
	long long		 from_ymd, to_ymd;
	int			 valid_days;	/* 0: the dates */
	enum validity_by	 validity_by;	/* validity_pick() */
};

/* KQ_INVALID_FIELD with *bad_field naming the field; KQ_TEMPLATE_LOCKED
 * once issued.  Audited. */
enum kq_outcome	template_save(struct db *, struct arena *, const struct principal *,
		    const char *ip, const struct template_spec *, long long *id,
		    const char **bad_field);
/* The platform's templates (the finance backend). */
enum kq_outcome	template_get(struct db *, struct arena *, long long id,
		    struct vtemplate *);
enum kq_outcome	template_list(struct db *, struct arena *, struct pager *,
		    struct vtemplate **, size_t *);
/* A partner's templates of a kind; another's id is KQ_NOT_FOUND. */
enum kq_outcome	template_get_of(struct db *, struct arena *, enum template_kind,
		    long long owner, long long id, struct vtemplate *);
enum kq_outcome	template_list_of(struct db *, struct arena *, enum template_kind,
		    long long owner, struct pager *, struct vtemplate **,
		    size_t *);
/* Inside a transaction: locks the template and counts a use (which locks
 * editing); KQ_NOT_FOUND for another owner's or kind's. */
enum kq_outcome	template_use(struct db *, struct arena *, enum template_kind,
		    long long owner, long long id, struct vtemplate *);
/* The validity of a voucher issued now; KQ_INVALID_FIELD when the
 * template's fixed validity has ended. */
enum kq_outcome	template_validity(const struct vtemplate *, time_t now,
		    time_t *from, time_t *to);
/* Inside an issue's transaction: counts it (which locks editing). */
enum kq_outcome	template_count_issue(struct db *, long long id);

#endif
