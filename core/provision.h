/*
 * provision.h - the provisioning outbox (SPEC §4): what a pick-up asks the
 * host platform to boot, written in the pick-up's transaction.  This module
 * alone writes provision_outbox.  A request is 'held' while its order has
 * cash due, 'pending' once it may be taken, 'active' when the host platform
 * (kaquanctl provision in the demo) has taken it, 'cancelled' with its
 * unpaid or refunded order.  Refunding an active instance's order writes a
 * deprovision request ('stopping'); the host platform takes it as it takes
 * the others, and the instance has 'ended'.
 */
#ifndef KQ_PROVISION_H
#define KQ_PROVISION_H

#include "pickup.h"

/* What batch b provisions, with os: a step of order.c's pick-up after the
 * order it is for (k). */
void		provision_step(struct db_step *, long long uin,
		    const struct batch *b, const char *os, int held);
/* The order was paid: a held request may be taken. */
enum kq_outcome	provision_request(struct db *, long long order_id);
/* The order was cancelled or refunded, in its transaction: a request not
 * yet taken is cancelled, an active instance is to be stopped. */
enum kq_outcome	provision_end(struct db *, long long order_id);
/* The demo provisioner: activates pending requests and ends stopping
 * instances not leased to an API consumer; *n gets how many it took. */
enum kq_outcome	provision_run(struct db *, struct arena *, int *n);

/*
 * The host platform through the API: it takes up to limit requests to
 * boot ('pending') or stop ('stopping'), each leased to it for
 * PROVISION_LEASE_MIN minutes (FOR UPDATE SKIP LOCKED: two consumers never
 * get one request; one not acknowledged in time is offered again), then
 * acknowledges each: done (booted: 'active'; stopped: 'ended'), or, for a
 * boot, failed (order.c: order_provision_failed()).
 */
#define PROVISION_LEASE_MIN	10
struct outbox_row {
	long long		 id, uin, order_id;
	const char		*product, *line, *os;
	int			 cpu, memory_gb, disk_gb, bandwidth_mbps, months;
	enum instance_status	 status;
	time_t			 created_at, taken_at;
};
enum kq_outcome	provision_take(struct db *, struct arena *, long long consumer,
		    int limit, struct outbox_row **, size_t *);
enum kq_outcome	provision_get(struct db *, struct arena *, long long id,
		    struct outbox_row *);
/* The consumer (an API key) that holds the request's live lease
 * acknowledges it: KQ_NOT_FOUND, KQ_CONFLICT when it is neither to boot nor
 * to stop, KQ_NOT_LEASED when the lease is another's or has run out. */
enum kq_outcome	provision_done(struct db *, long long id, long long consumer);
/* In the order's transaction: its boot failed ('pending' → 'failed'),
 * reported by the lease's holder; else as provision_done(). */
enum kq_outcome	provision_fail(struct db *, long long order_id,
		    long long consumer);

#endif
