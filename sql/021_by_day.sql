-- 021_by_day: lists asked for a range of days (issue 31) read them on an
-- index of the time, newest first, and stop at the page; a count of those
-- days alone (or with the index's other column) is read from the index.
-- Without them a range in the past read every newer row first, and its
-- count read the table through (SPEC §9 Volume).
--  - orders: the days alone, a status's, a refund state's;
--  - the audit log (k_audit_time has the days alone): an action's, an
--    actor's;
--  - partner vouchers: a partner's decisions of the last days, for its home.
-- Expand only: indexes; the previous binary does not read them.
ALTER TABLE orders ADD INDEX k_orders_created (created_at),
  ADD INDEX k_orders_state_time (status, created_at),
  ADD INDEX k_orders_refund_time (refund, created_at),
  ALGORITHM=INPLACE, LOCK=NONE;
ALTER TABLE audit_log ADD INDEX k_audit_action_time (action, created_at),
  ADD INDEX k_audit_actor_time (actor_login, created_at),
  ALGORITHM=INPLACE, LOCK=NONE;
ALTER TABLE partner_vouchers ADD INDEX k_pv_partner_reviewed (partner_uin, reviewed_at),
  ALGORITHM=INPLACE, LOCK=NONE;
