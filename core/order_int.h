/*
 * order_int.h - what the order module's two files share (order.c changes
 * an order's state, order_confirm.c chooses what pays it): the lock of an
 * order row and the name of who changed it.  Not for other modules.
 */
#ifndef KQ_ORDER_INT_H
#define KQ_ORDER_INT_H

#include "base/arena.h"
#include "base/outcome.h"

struct db;
struct order;

#define ACTOR_BUFSZ	40

/* Locks the order row (uin 0: any account's) and reads it. */
enum kq_outcome	order_lock(struct db *, struct arena *, long long uin,
		    long long id, struct order *);
/* Who changed it, for the voucher's ledger: the member, or the sweep. */
const char	*actor_of(char buf[ACTOR_BUFSZ], long long uin);

#endif
