/*
 * pickup_batch.h - pickup-card batches (批次, seed 004): the pickup_batches
 * table, which this module alone writes.  A batch is created with its cards
 * in one transaction, listed, shown, disabled and enabled, and its codes
 * downloaded (audited).
 */
#ifndef KQ_PICKUP_BATCH_H
#define KQ_PICKUP_BATCH_H

#include "pickup.h"

/* What an admin enters: validity as a date (yyyymmdd: the end of that day
 * in display_tz) or a number of months from now. */
struct batch_spec {
	const char		*label, *name, *line;
	enum pickup_product	 product;
	int			 cpu, memory_gb, disk_gb, bandwidth_mbps, months;
	long long		 price;		/* cents */
	int			 count;
	long long		 valid_to_ymd;
	int			 valid_months;
	enum validity_by	 validity_by;	/* validity_pick() */
};

/* KQ_INVALID_FIELD with *bad_field naming the field.  Audited.  Above
 * approval_cap (SPEC §11: count × price) nothing is made:
 * KQ_APPROVAL_PENDING, with *id the approval request's. */
enum kq_outcome	batch_create(struct db *, struct arena *, const struct principal *,
		    const char *ip, const struct batch_spec *, long long *id,
		    const char **bad_field);
/* The batch an approved request asked for (its payload), with no cap:
 * inside the approval's transaction (approval_make.c). */
enum kq_outcome	batch_create_approved(struct db *, struct arena *,
		    const struct principal *, const char *ip, const char *payload,
		    long long *id, const char **bad_field);
/* product, status: an enum value, or -1 for any. */
enum kq_outcome	batch_list(struct db *, struct arena *, int product, int status,
		    struct pager *, struct batch **, size_t *);
enum kq_outcome	batch_get(struct db *, struct arena *, long long id, struct batch *);
enum kq_outcome	batch_set_status(struct db *, struct arena *,
		    const struct principal *, const char *ip, long long id,
		    int enable);
/* Audits the download, then calls fn with each code (display form). */
enum kq_outcome	batch_codes(struct db *, const struct principal *, const char *ip,
		    long long id, int (*fn)(void *, const char *), void *ctx);

#endif
