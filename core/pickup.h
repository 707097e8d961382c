/*
 * pickup.h - pickup cards (提货卡, seed 004, SPEC §4): the pickup_cards
 * table, which this module alone writes, and what a card's batch is.
 *
 * Cards are added with their batch (pickup_batch.c), disabled by an admin,
 * looked up and claimed in a member's pick-up (whose order order.c writes),
 * and released when that order is cancelled.  A used card is the usage
 * record of its pick-up.
 */
#ifndef KQ_PICKUP_H
#define KQ_PICKUP_H

#include <stdlib.h>
#include <time.h>

#include "base/arena.h"
#include "auth.h"
#include "codekey.h"
#include "db/db.h"
#include "db/pager.h"
#include "state.h"

#define BATCH_MAX	100000

struct batch {
	long long		 id;
	const char		*label, *name, *line, *line_name, *created_by;
	enum pickup_product	 product;
	enum batch_status	 status;	/* effective */
	int			 cpu, memory_gb, disk_gb, bandwidth_mbps, months;
	long long		 price;		/* cents, the Linux price */
	long long		 total, used;
	int			 valid_months;	/* 0 when valid_to was a date */
	time_t			 valid_to, created_at;
	long long		 windows_surcharge;	/* the line's, per month */
};

/* The columns of struct batch (but used), from BATCH_FROM. */
extern const struct db_col batch_cols[];
#define BATCH_FROM \
    " FROM pickup_batches b JOIN server_lines l ON l.code = b.line" \
    " JOIN admins ad ON ad.id = b.created_by"

struct card {
	long long		 id, uin, order_id;	/* uin, order: 0 none */
	const char		*code;		/* as shown: the last four, the
						   rest starred (the whole code
						   in an audited full view) */
	const char		*last4;		/* as kept (codekey.h) */
	enum card_status	 status;	/* effective */
	enum card_status	 stored;
	time_t			 used_at;
};

struct usage {
	long long		 id, batch_id, card_id, uin, order_id;
	long long		 seq;		/* the order of use: the cursor */
	const char		*batch_label, *card_name;
	const char		*card_last4;	/* the card's code's last four */
	enum pickup_product	 product;
	time_t			 time;
};

struct usage_filter {
	long long	 batch_id, uin;		/* 0: any */
	long long	 from_ymd, to_ymd;	/* 0: open; whole days in display_tz */
};

struct os_choice {
	const char		*code, *name;
	enum os_family		 family;
	long long		 surcharge;	/* cents for the whole term */
};

/* What a card provisions, as the verify page shows it. */
struct pickup_offer {
	struct batch		 batch;
	const char		*code;
	struct os_choice	*os;
	size_t			 nos;
};

/* A card that can be claimed now, with the OS chosen and what it costs. */
struct pickup_claim {
	struct batch		 batch;
	long long		 card_id;
	unsigned char		 hashes[2 * CODE_HASH_LEN];	/* its code's */
	const char		*os;		/* NULL for a virtual host */
	long long		 surcharge;	/* cash due on top of the card */
};

/* Admin side. */
/* Inside batch creation's transaction: count new cards, each code kept as
 * codekey.h says. */
enum kq_outcome	cards_add(struct db *, long long batch_id, int count);
/* Closes the big insert statements (after a batch). */
void		cards_forget(struct db *);
/* A page of a batch's cards.  Codes are masked to their last four unless
 * full: only role admin sees full codes (else KQ_FORBIDDEN), and that view
 * is audited like a download (issue 9, 10). */
enum kq_outcome	cards_of_batch(struct db *, struct arena *,
		    const struct principal *, const char *ip, int full,
		    long long batch_id, long long total, struct pager *,
		    struct card **, size_t *);
/* Disables a card, or (enable) makes a disabled one usable again;
 * KQ_CARD_USED for a used card (SPEC §4); *batch_id gets its batch. */
enum kq_outcome	card_disable(struct db *, struct arena *, const struct principal *,
		    const char *ip, long long card_id, int enable,
		    long long *batch_id);
/* Disables the cards ids of batch_id at once (issue 31: the ones an
 * admin ticked on a page), in one transaction: used ones are left as they
 * are, *changed counts the ones disabled; a card of another batch is
 * KQ_NOT_FOUND and changes nothing; more than CARDS_DISABLE_MAX, or none,
 * KQ_INVALID_FIELD.  Each audited as card_disable() does. */
#define CARDS_DISABLE_MAX	100
enum kq_outcome	cards_disable(struct db *, struct arena *, const struct principal *,
		    const char *ip, long long batch_id, long long *ids,
		    size_t n, long long *changed);

static inline int
cards_id_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* The ids ascending, each once (*n the new count): what a form sent, in
 * the order every such change locks them (cards_disable() does it too). */
static inline void
cards_ids_unique(long long *ids, size_t *n)
{
	size_t i, k = 0;

	qsort(ids, *n, sizeof(*ids), cards_id_cmp);
	for (i = 0; i < *n; i++)
		if (k == 0 || ids[i] != ids[k - 1])
			ids[k++] = ids[i];
	*n = k;
}
/* The batch of a card; KQ_NOT_FOUND for an unknown card. */
enum kq_outcome	card_batch(struct db *, long long card_id, long long *batch_id);
/* Its batch and the page of the batch's card list it is on; past the
 * numbered pages, *after is that page's cursor (else 0). */
enum kq_outcome	card_place(struct db *, long long card_id, long long *batch_id,
		    int *page, long long *after);
enum kq_outcome	usage_list(struct db *, struct arena *, const struct usage_filter *,
		    struct pager *, struct usage **, size_t *);

/* Member side; code is normalised (card_normalize). */
enum kq_outcome	pickup_offer(struct db *, struct arena *, long long uin,
		    const char *ip, const char *code, struct pickup_offer *);
/* Checks the card and the OS (os NULL or ""; seed 004: none for a virtual
 * host, else one the line offers) for a claim. */
enum kq_outcome	pickup_check(struct db *, struct arena *, long long uin,
		    const char *ip, const char *code, const char *os,
		    struct pickup_claim *);
enum kq_outcome	pickup_mine(struct db *, struct arena *, long long uin,
		    struct pager *, struct usage **, size_t *);

/* The claim, CARD_CLAIM_STEPS steps of order.c's pick-up after the order
 * it is for (k): the card, KQ_CARD_USED when another request claimed it
 * first, its batch's used count, its usage record.  k (its code_hashes())
 * is kept until they ran. */
#define CARD_CLAIM_STEPS	3
void		card_claim_steps(struct db_step *st,
		    const struct pickup_claim *k, long long uin);
/* Inside order.c's transactions. */
/* The order that held the card was cancelled: it is unused again. */
enum kq_outcome	card_release(struct db *, long long card_id, long long order_id);

/* The codes kept in the clear before codes were kept at rest, moved into
 * their hash, last four and seal (kaquanctl migrate); *n gets how many. */
enum kq_outcome	cards_codes_convert(struct db *, long long *n);
/* Every card's code moved to the current key (kaquanctl codes rekey). */
enum kq_outcome	cards_rekey(struct db *, long long *n);

#endif
