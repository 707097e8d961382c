-- 018_approvals: two-person approval (SPEC §11).  A voucher issue, a Type I
-- partner voucher or a pickup batch whose total exceeds approval_cap is kept
-- here as a request until a second admin approves it (then the owning module
-- makes it, in the approval's transaction) or an admin rejects it.  Expand
-- only: a new table; the previous binary never reads it.
CREATE TABLE approval_requests (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind            ENUM('issue', 'partner_1', 'batch') NOT NULL,
  status          ENUM('pending', 'approved', 'rejected') NOT NULL DEFAULT 'pending',
  -- what is asked, for the pages: count x unit (a face or a price) = amount
  subject_id      BIGINT UNSIGNED NOT NULL,      -- template id, partner uin, 0
  subject         VARCHAR(200) NOT NULL,         -- its name as entered
  count           INT UNSIGNED NOT NULL,
  unit            BIGINT UNSIGNED NOT NULL,
  amount          BIGINT UNSIGNED NOT NULL,
  -- the typed input as JSON, written and read by the owning module alone
  -- (voucher_issue.c, partner_voucher.c, pickup_batch.c)
  payload         TEXT NOT NULL,
  requested_kind  ENUM('admin', 'api') NOT NULL,
  requested_by    BIGINT UNSIGNED NOT NULL,      -- admins.id or api_keys.id
  requested_login VARCHAR(80) NOT NULL,
  decided_by      BIGINT UNSIGNED NULL,
  decided_login   VARCHAR(80) NULL,
  reason          VARCHAR(500) NULL,
  result_id       BIGINT UNSIGNED NULL,          -- the issue, voucher or batch made
  -- the list's order: what waits first, newest first, then the rest, newest
  -- first: 2^41 + id while pending, id once decided (approval.c keeps it)
  queue_key       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  created_at      DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  decided_at      DATETIME NULL,
  KEY k_approvals_queue (queue_key),
  KEY k_approvals_status (status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
