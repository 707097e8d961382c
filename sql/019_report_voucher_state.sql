-- 019_report_voucher_state: each voucher's balance and status after the
-- last ledger row the reports' rollup counted (report.c alone writes it, in
-- the transaction that moves the ledger's mark).  A chunk then finds a
-- voucher's state before its rows by the voucher's key, one row read,
-- instead of walking the voucher's ledger back from its newest row (which
-- read a million rows a chunk for vouchers with many rows after the mark).
-- Expand only: a new table; the previous binary does not read it.
CREATE TABLE report_voucher_state (
  voucher_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  ledger_id   BIGINT UNSIGNED NOT NULL,           -- the row it is after
  balance     BIGINT UNSIGNED NOT NULL,
  status      VARCHAR(16) NOT NULL
) ENGINE=InnoDB;

-- what the rollup has counted so far: each voucher's last row up to the mark
INSERT INTO report_voucher_state (voucher_id, ledger_id, balance, status)
SELECT l.voucher_id, l.id, l.balance, l.status
FROM (SELECT voucher_id, MAX(id) AS id FROM voucher_ledger
      WHERE id <= (SELECT last_id FROM report_marks WHERE source = 'voucher_ledger')
      GROUP BY voucher_id) m
JOIN voucher_ledger l ON l.id = m.id;
