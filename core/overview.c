/*
 * overview.c - one statement per home page.
 */
#include <time.h>

#include "base/clock.h"
#include "approval.h"
#include "campaign.h"
#include "db/pager.h"
#include "overview.h"
#include "state.h"

#define SOON	" UTC_TIMESTAMP() + INTERVAL " STR(SOON_DAYS) " DAY"

static const struct db_col member_cols[] = {
	DB_COL(struct member_overview, vouchers, "COUNT(*)"),
	DB_COL(struct member_overview, balance, "COALESCE(SUM(v.balance), 0)"),
	DB_COL(struct member_overview, expiring,
	    "COALESCE(SUM(v.valid_to <=" SOON "), 0)"),
	DB_COL(struct member_overview, orders_open,
	    "(SELECT COUNT(*) FROM orders o WHERE o.uin = ?"
	    " AND o.status IN ('pending', 'confirmed', 'awaiting_payment')"
	    " AND NOT " ORDER_OVERDUE("o") ")"),
	DB_COL(struct member_overview, claimable,
	    "(SELECT COUNT(*) FROM (SELECT " CAMPAIGN_OPEN_UNFIT " AS unfit"
	    CAMPAIGNS_CLAIMABLE " LIMIT " STR(CAMPAIGNS_CLAIMABLE_MAX) ") k)"),
	DB_END
};
/* stored available and not past valid_to: what the member can spend */
static struct db_sel SQL_MEMBER = DB_SEL(
    "SELECT {cols} FROM vouchers v WHERE v.uin = ? AND v.status = 'available'"
    " AND v.valid_to >= UTC_TIMESTAMP()", DB_WHOLE(member_cols));

/* The backend's home: each count bounded (SPEC §9 Volume: past
 * PAGER_COUNTED it reads "more"), the unused cards from the batches'
 * counts (pickup.c keeps them), not from the cards. */
#define BOUNDED(from_where)	"(" PAGER_COUNT(from_where) ")"
static const struct db_col admin_cols[] = {
	DB_COL(struct admin_overview, reviews,
	    BOUNDED(" FROM partner_vouchers WHERE approval = 'pending_review'")),
	DB_COL(struct admin_overview, refunds,
	    BOUNDED(" FROM orders WHERE refund = 'requested'")),
	DB_COL(struct admin_overview, batches_ending,
	    "(SELECT COUNT(*) FROM pickup_batches WHERE status = 'normal'"
	    " AND valid_to >= UTC_TIMESTAMP() AND valid_to <=" SOON ")"),
	DB_COL(struct admin_overview, cards_unused,
	    "(SELECT COALESCE(SUM(b.total - COALESCE((SELECT SUM(n.used + n.disabled)"
	    " FROM pickup_batch_counts n WHERE n.batch_id = b.id), 0)), 0)"
	    " FROM pickup_batches b WHERE b.status = 'normal'"
	    " AND b.valid_to >= UTC_TIMESTAMP())"),
	DB_COL(struct admin_overview, campaigns_ending,
	    BOUNDED(" FROM campaigns FORCE INDEX (k_campaigns_status)"
	    " WHERE status = 'active' AND valid_to >= UTC_TIMESTAMP()"
	    " AND valid_to <=" SOON)),
	DB_COL(struct admin_overview, uses_today,
	    BOUNDED(" FROM discount_uses FORCE INDEX (k_uses_time)"
	    " WHERE created_at >= ?")),
	DB_END
};
static struct db_sel SQL_ADMIN = DB_SEL("SELECT {cols}", DB_WHOLE(admin_cols));

enum kq_outcome
member_overview(struct db *db, struct arena *a, long long uin,
    struct member_overview *o)
{
	struct db_arg args[4] = { DB_INT(uin), DB_INT(uin), DB_INT(uin),
	    DB_INT(uin) };

	return db_select_one(db, a, &SQL_MEMBER, args, 4, o, sizeof(*o));
}

enum kq_outcome
admin_overview(struct db *db, struct arena *a, struct admin_overview *o)
{
	struct db_arg	today = DB_TIME(clock_day_start(time(NULL)));
	enum kq_outcome	s;

	if ((s = db_select_one(db, a, &SQL_ADMIN, &today, 1, o, sizeof(*o))) != KQ_OK ||
	    (s = approval_pending_count(db, &o->approvals)) != KQ_OK)
		return s;
	return report_headline(db, a, &o->figures);
}
