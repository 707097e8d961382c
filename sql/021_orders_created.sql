-- 021_orders_created: the backend's orders list filters by the day an
-- order was made (issue 31).  A date range is read on this index, newest
-- first, and stops at the page; without it a range in the past read every
-- newer order first, and its count read the table through (SPEC §9).
-- Expand only: an index; the previous binary does not read it.
ALTER TABLE orders ADD INDEX k_orders_created (created_at),
  ALGORITHM=INPLACE, LOCK=NONE;
