/*
 * pickup.h - pickup cards (提货卡, seed 004, SPEC §4).
 *
 * Admins create batches of cards that provision one product configuration;
 * a member enters a card's code, chooses an operating system, and confirming
 * claims the card, creates the order, the usage record, the instance and its
 * provisioning request in one transaction.
 */
#ifndef KQ_PICKUP_H
#define KQ_PICKUP_H

#include <time.h>

#include "arena.h"
#include "auth.h"
#include "db.h"
#include "page.h"

#define BATCH_MAX	100000

struct batch_spec {
	const char	*label, *product, *name, *line;
	int		 cpu, memory_gb, disk_gb, bandwidth_mbps, months;
	long long	 price;		/* cents */
	int		 count;
	time_t		 valid_to;
	int		 valid_months;	/* 0 when valid_to was given as a date */
};

struct batch {
	long long	 id;
	const char	*label, *product, *name, *line, *line_name, *status;
	int		 cpu, memory_gb, disk_gb, bandwidth_mbps, months;
	long long	 price;
	long long	 total, used;
	int		 valid_months;
	time_t		 valid_to, created_at;
	int		 expired;
	const char	*created_by;
};

struct card {
	long long	 id;
	const char	*code;
	const char	*status;	/* unused, used, disabled, expired */
	long long	 uin;		/* 0: none */
	time_t		 used_at;
	long long	 order_id;
};

struct usage {
	long long	 id, batch_id, card_id, uin, order_id;
	const char	*batch_label, *card_code, *product, *card_name;
	time_t		 time;
};

struct os_choice {
	const char	*code, *name, *family;
	long long	 surcharge;	/* cents for the whole term */
};

/* What a card provisions, as the verify page shows it. */
struct pickup_offer {
	struct batch		 batch;
	const char		*code;
	struct os_choice	*os;
	size_t			 nos;
};

struct usage_filter {
	long long	 batch_id, uin;		/* 0: any */
	time_t		 from, to;		/* 0: open */
};

/* Admin side.  bad_field names the field of an invalid spec. */
enum kq_status	batch_create(struct db *, const struct principal *, const char *ip,
		    const struct batch_spec *, long long *id, const char **bad_field);
enum kq_status	batch_list(struct db *, struct arena *, const char *product,
		    const char *status, struct page_info *, struct batch **, size_t *);
enum kq_status	batch_get(struct db *, struct arena *, long long id, struct batch *);
enum kq_status	batch_cards(struct db *, struct arena *, long long batch_id,
		    struct page_info *, struct card **, size_t *);
enum kq_status	batch_set_status(struct db *, const struct principal *,
		    const char *ip, long long id, int enable);
/* Audits the download, then calls fn with each code (display form). */
enum kq_status	batch_codes(struct db *, const struct principal *, const char *ip,
		    long long id, int (*fn)(void *, const char *), void *ctx);
/* KQ_CARD_USED for a used card; *batch_id gets the card's batch. */
enum kq_status	card_disable(struct db *, const struct principal *, const char *ip,
		    long long card_id, long long *batch_id);
enum kq_status	usage_list(struct db *, struct arena *, const struct usage_filter *,
		    struct page_info *, struct usage **, size_t *);
/* The lines a batch may use: pairs of code and name. */
enum kq_status	lines_list(struct db *, struct arena *, const char ***codes,
		    const char ***names, size_t *);

/* Member side.  code is normalised (card_normalize). */
enum kq_status	pickup_offer(struct db *, struct arena *, long long uin,
		    const char *ip, const char *code, struct pickup_offer *);
enum kq_status	pickup_confirm(struct db *, struct arena *, const struct principal *,
		    const char *ip, const char *code, const char *os, long long *order_id);
enum kq_status	pickup_mine(struct db *, struct arena *, long long uin,
		    struct page_info *, struct usage **, size_t *);

/* The demo provisioner: activates pending instances; *n gets the count. */
enum kq_status	provision_run(struct db *, struct arena *, int *n);

#endif
