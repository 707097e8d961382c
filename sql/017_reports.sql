-- 017_reports: the finance reports' rollups (SPEC §11), kept by
-- kaquanctl sweep (report.c) so that a report page reads a few rows a month
-- instead of the ledgers' history.  Expand only: new tables and two new
-- indexes; the previous binary reads and writes as before.
--
-- A row is what one month (in display_tz, yyyymm) changed, for everything
-- (dim 'all') or for one template, partner or product (dim_key: its id or
-- code): the liability's change (available, frozen: summed up to a month's
-- end they are its balance then), the cost report's figures and the orders
-- report's.  Only the sweep writes them, one transaction a chunk of at most
-- 1,000 source rows, with the source's mark in the same transaction: a
-- rollup killed halfway counted its committed chunks once and nothing of
-- the rest.  No request writes here: the 2,000/s paths never meet a
-- counter row.
CREATE TABLE report_months (
  dim               ENUM('all', 'template', 'partner', 'product') NOT NULL,
  dim_key           VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '',
  month             INT UNSIGNED NOT NULL,
  available         BIGINT NOT NULL DEFAULT 0,
  frozen            BIGINT NOT NULL DEFAULT 0,
  issued            BIGINT NOT NULL DEFAULT 0,
  activated         BIGINT NOT NULL DEFAULT 0,
  deducted          BIGINT NOT NULL DEFAULT 0,
  breakage          BIGINT NOT NULL DEFAULT 0,
  discounts         BIGINT NOT NULL DEFAULT 0,
  partner_platform  BIGINT NOT NULL DEFAULT 0,
  partner_own       BIGINT NOT NULL DEFAULT 0,
  amount            BIGINT NOT NULL DEFAULT 0,
  card              BIGINT NOT NULL DEFAULT 0,
  voucher           BIGINT NOT NULL DEFAULT 0,
  discount          BIGINT NOT NULL DEFAULT 0,
  cash              BIGINT NOT NULL DEFAULT 0,
  refunded          BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, dim_key, month)
) ENGINE=InnoDB;

-- How far each source is rolled up: the ledgers by id, the orders by the
-- time they were paid or refunded and then id (an order is paid long after
-- its row is made).  upto: every source row before it is in report_months
-- (the pages' "as of").
CREATE TABLE report_marks (
  source    ENUM('voucher_ledger', 'partner_ledger', 'orders_paid',
                 'orders_refunded') NOT NULL PRIMARY KEY,
  last_id   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  last_at   DATETIME NULL,
  upto      DATETIME NULL
) ENGINE=InnoDB;
INSERT INTO report_marks (source) VALUES ('voucher_ledger'), ('partner_ledger'),
  ('orders_paid'), ('orders_refunded');

-- the orders paid, and those refunded, in the order the rollup reads them
ALTER TABLE orders ADD KEY k_orders_paid (paid_at), ADD KEY k_orders_closed (closed_at);
