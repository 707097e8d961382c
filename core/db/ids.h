/*
 * ids.h - ids handed out before their rows are written (the id_blocks
 * table, which this module alone writes).
 *
 * A code's sealed copy is bound to its row's id (codekey.h), so a batch of
 * cards or an issue of codes must know its ids before it writes them, all
 * in one multi-row INSERT.  Every insert into those tables takes its ids
 * here, never from AUTO_INCREMENT: a counter row per table, moved on by the
 * transaction that inserts (its row lock keeps two of them apart; through
 * two Galera nodes one loses at certification and runs again).  Ids a
 * rolled-back transaction took are not reused, as AUTO_INCREMENT's are
 * not.
 */
#ifndef KQ_IDS_H
#define KQ_IDS_H

#include "db/db.h"

enum ids_table { IDS_VOUCHERS, IDS_PICKUP_CARDS };

/* Inside the caller's transaction: n ids, *first to *first + n - 1. */
enum kq_outcome	ids_take(struct db *, enum ids_table, long long n,
		    long long *first);

#endif
